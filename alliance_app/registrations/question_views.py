"""The secretariat's question editor (the 参会回执 form builder): the same
services as the API (registrations/question_services.py)."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core.errors import ServiceError
from ..core.permissions import secretariat_required
from ..events.models import Event
from ..extensions import db
from . import bp, question_services
from .forms import KIND_LABELS, QuestionForm, choice_lines, parse_choice_lines
from .labels import CATEGORY_LABELS
from .question_models import EventQuestion


def _event(event_id) -> Event:
    return db.get_or_404(Event, event_id)


def _question(question_id) -> EventQuestion:
    question = db.get_or_404(EventQuestion, question_id)
    if question.removed_at is not None:
        abort(404)
    return question


def _editor_url(event_id) -> str:
    return url_for("registrations.questions", event_id=event_id)


@bp.route("/admin/events/<int:event_id>/questions")
@secretariat_required
def questions(event_id):
    event = _event(event_id)
    return render_template("registrations/questions.html", event=event, questions=question_services.questions(event),
                           presets=question_services.PRESET_LABELS, kinds=KIND_LABELS, categories=CATEGORY_LABELS)


@bp.route("/admin/events/<int:event_id>/questions/preset", methods=["POST"])
@secretariat_required
def question_preset(event_id):
    event = _event(event_id)
    try:
        added = question_services.add_preset(event, request.form.get("preset", ""), current_user)
    except ServiceError as exc:
        flash(str(exc.message), "danger")
    else:
        db.session.commit()
        if added:
            flash(_("%(n)d questions added.", n=len(added)), "success")
        else:
            flash(_("The event asks these questions already."), "info")
    return redirect(_editor_url(event.id))


def _data(form: QuestionForm) -> dict:
    return {"key": (form.key.data or "").strip(), "label": form.label.data, "label_en": form.label_en.data,
            "help_text": form.help_text.data, "kind": form.kind.data,
            "choices": parse_choice_lines(form.choices.data) if form.kind.data in ("choice", "multichoice") else [],
            "required": bool(form.required.data), "categories": form.categories.data or []}


def _errors_to_form(form: QuestionForm, exc: ServiceError) -> None:
    # "choices.2.value" and the like belong to the choices box.
    exc.errors = {("choices" if name.startswith("choices.") else name): messages
                  for name, messages in exc.errors.items()}
    exc.apply_to_form(form)


@bp.route("/admin/events/<int:event_id>/questions/new", methods=["GET", "POST"])
@secretariat_required
def question_create(event_id):
    event = _event(event_id)
    form = QuestionForm()
    if form.validate_on_submit():
        try:
            question_services.add_question(event, _data(form), current_user)
        except ServiceError as exc:
            _errors_to_form(form, exc)
        else:
            db.session.commit()
            flash(_("The question has been added."), "success")
            return redirect(_editor_url(event.id))
    return render_template("registrations/question_form.html", form=form, event=event, question=None), \
        422 if request.method == "POST" else 200


@bp.route("/admin/questions/<int:question_id>/edit", methods=["GET", "POST"])
@secretariat_required
def question_edit(question_id):
    question = _question(question_id)
    event = _event(question.event_id)
    form = QuestionForm(data={"key": question.key, "label": question.label, "label_en": question.label_en,
                              "help_text": question.help_text, "kind": question.kind.value,
                              "choices": choice_lines(question.choices), "required": question.required,
                              "categories": list(question.categories or [])})
    if question.preset:
        form.key.render_kw = {"readonly": True}
    if form.validate_on_submit():
        data = _data(form)
        if question.preset:
            data.pop("key")
        try:
            question_services.update_question(question, data, current_user)
        except ServiceError as exc:
            _errors_to_form(form, exc)
        else:
            db.session.commit()
            flash(_("The question has been saved."), "success")
            return redirect(_editor_url(event.id))
    return render_template("registrations/question_form.html", form=form, event=event, question=question), \
        422 if request.method == "POST" else 200


@bp.route("/admin/questions/<int:question_id>/move", methods=["POST"])
@secretariat_required
def question_move(question_id):
    question = _question(question_id)
    try:
        question_services.move_question(question, request.form.get("direction", ""), current_user)
    except ServiceError as exc:
        flash(str(exc.message), "danger")
    else:
        db.session.commit()
    return redirect(_editor_url(question.event_id))


@bp.route("/admin/questions/<int:question_id>/remove", methods=["POST"])
@secretariat_required
def question_remove(question_id):
    question = _question(question_id)
    event_id = question.event_id
    question_services.remove_question(question, current_user)
    db.session.commit()
    flash(_("The question has been removed; answers given to it are kept in the exports."), "success")
    return redirect(_editor_url(event_id))
