"""The round trip every editing page makes: validate the form, call one
service, commit, flash and redirect; or show the form again with every problem
at its field (422)."""
from flask import flash, redirect, render_template, request

from .errors import ServiceError
from ..extensions import db

SKIPPED = ("submit", "csrf_token")


def form_data(form, names=None) -> dict:
    return {f.name: f.data for f in form if f.name not in SKIPPED and (names is None or f.name in names)}


def submit(form, action, success_message, redirect_to, template, **context):
    """`action(data)` calls the service; `redirect_to(result)` gives the next URL."""
    if form.validate_on_submit():
        try:
            result = action(form_data(form))
        except ServiceError as exc:
            exc.apply_to_form(form)
        else:
            db.session.commit()
            flash(success_message, "success")
            return redirect(redirect_to(result))
    status = 422 if request.method == "POST" else 200
    return render_template(template, form=form, **context), status
