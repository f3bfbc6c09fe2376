"""The Excel 参会回执: template, upload with preview, commit all or nothing."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SubmitField

from ..core.downloads import download_response
from ..core.errors import ServiceError
from ..core.permissions import _require
from ..core.spreadsheets import MAX_IMPORT_ROWS, XLSX_MIMETYPE, xlsx_bytes
from ..events.models import Event
from ..extensions import db
from . import bp, receipt_import

PREVIEW_ROWS = 1000  # rows listed on the page; the error count covers them all

# The secretariat (any organization) and member representatives (their own).
registrant_required = _require(lambda user: user.is_secretariat or user.can_self_serve)


class ReceiptForm(FlaskForm):
    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file to upload."))],
                     render_kw={"accept": ".xlsx,.csv"},
                     description=_l("An Excel workbook (.xlsx) or a CSV file, at most %(n)d rows.", n=MAX_IMPORT_ROWS))
    submit = SubmitField(_l("Preview the import"))


def _event(event_id) -> Event:
    event = db.session.get(Event, event_id) if 0 < event_id < 2**31 else None
    if event is None or not event.can_view(current_user):
        abort(404)
    return event


def _back(event: Event) -> str:
    if current_user.is_secretariat:
        return url_for("registrations.event_list", event_id=event.id)
    return url_for("registrations.mine", event=event.id)


@bp.route("/events/<int:event_id>/receipt/template.xlsx")
@registrant_required
def receipt_template(event_id):
    event = _event(event_id)
    name = _("Registration form %(event)s", event=event.title)
    return download_response(xlsx_bytes(receipt_import.template_sheets(event)), f"{name}.xlsx", XLSX_MIMETYPE,
                             fallback=f"receipt-{event.id}.xlsx")


def _page(event, form, status=200, result=None, batch=None):
    return render_template("registrations/receipt_import.html", event=event, form=form, result=result, batch=batch,
                           limit=PREVIEW_ROWS), status


@bp.route("/events/<int:event_id>/receipt/import", methods=["GET", "POST"])
@registrant_required
def receipt_upload(event_id):
    event = _event(event_id)
    form = ReceiptForm()
    if not form.validate_on_submit():
        return _page(event, form, 422 if request.method == "POST" else 200)
    try:
        result = receipt_import.preview(event, form.file.data, current_user)
    except ServiceError as exc:
        db.session.rollback()
        exc.apply_to_form(form)
        return _page(event, form, exc.status)
    batch = receipt_import.save_batch(result, current_user)
    db.session.commit()
    return _page(event, ReceiptForm(formdata=None), 200 if result.ok else 422, result, batch)


@bp.route("/events/<int:event_id>/receipt/import/<token>", methods=["POST"])
@registrant_required
def receipt_commit(event_id, token):
    event = _event(event_id)
    try:
        created = receipt_import.commit(event, token, current_user)
    except ServiceError as exc:
        db.session.rollback()
        form = ReceiptForm(formdata=None)
        exc.apply_to_form(form)
        return _page(event, form, exc.status)
    db.session.commit()
    flash(_("%(n)d delegates registered from the file.", n=len(created)), "success")
    return redirect(_back(event))
