"""Registration pages: members register their delegates; the secretariat sees,
registers, confirms and cancels anyone, and prints."""
from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from ..core.downloads import download_response
from ..core.errors import ServiceError
from ..events.models import Event, EventStatus
from ..events.services import event_by_slug
from ..extensions import db
from ..finance.fees import bills_by_registration, quotes as fee_quotes
from ..jobs.respond import document_response
from ..members.services import organization_choices
from ..core.permissions import load_for, login_required, member_required, secretariat_required
from ..core.params import paginate, query_ids
from . import answer_fields, bp, documents, printing, services, transfer
from . import answers as event_answers
from . import question_services
from .printing import registration_query
from .forms import DelegateForm, DelegatesForm, QuotaForm
from .labels import CATEGORY_COLOURS, CATEGORY_LABELS, STATUS_COLOURS, STATUS_LABELS
from .models import EventQuota, Registration, RegistrationStatus

LABELS = dict(categories=CATEGORY_LABELS, statuses=STATUS_LABELS, status_colours=STATUS_COLOURS,
              category_colours=CATEGORY_COLOURS)


def _session_choices(event: Event):
    return [SelectChoice(s.id, s.title) for s in event.sessions]


def _delegate_data(row) -> dict:
    return {name: row[name].data for name in services.DELEGATE_FIELDS}


def _put_errors_on_rows(form, exc: ServiceError) -> dict:
    """The messages at their fields; returns the answers' problems (by input name) for the template."""
    answer_errors, errors = answer_fields.split_errors(exc.errors)
    fields = {f.name: f for row in form.delegates for f in row}
    for name, messages in errors.items():
        if name in fields:
            fields[name].errors = list(fields[name].errors) + messages
        else:
            form.form_errors.extend(messages)
    if not exc.errors:
        form.form_errors.append(str(exc.message))
    return answer_errors


def _summary(registrations) -> str:
    counts = {status: 0 for status in RegistrationStatus}
    for registration in registrations:
        counts[registration.status] += 1
    parts = [f"{STATUS_LABELS[status]} {n}" for status, n in counts.items() if n]
    return _("%(n)d delegates registered: %(parts)s.", n=len(registrations), parts="，".join(parts))


# --- members ----------------------------------------------------------------------------------------

@bp.route("/events/<slug>/register", methods=["GET", "POST"])
@member_required
def register(slug):
    event = event_by_slug(slug)
    if event is None or event.status != EventStatus.published:
        abort(404)
    form = DelegatesForm()
    for row in form.delegates:
        row.session_ids.choices = _session_choices(event)
    status = 200
    questions = question_services.questions(event)
    answer_values: dict[int, dict] = {}
    answer_errors: dict = {}
    if request.method == "POST":
        status = 422
        rows, indexed = [], []
        for index, row in enumerate(form.delegates):
            raw = answer_fields.read_answers(request.form, f"delegates-{index}-", questions)
            answer_values[index] = raw
            if row.is_empty() and not answer_fields.any_answer(raw):
                continue
            rows.append({**_delegate_data(row), "answers": raw})
            indexed.append(index)
        if not form.validate_on_submit():
            pass
        elif not rows:
            form.form_errors.append(_("Enter at least one delegate: a name and a mobile number."))
        else:
            try:
                # Empty rows were dropped: re-number so errors land on the rows as shown.
                created = services.register_many(event, rows, current_user)
            except ServiceError as exc:
                exc.errors = {_renumber(name, indexed): messages for name, messages in exc.errors.items()}
                answer_errors = _put_errors_on_rows(form, exc)
                status = exc.status
            else:
                db.session.commit()
                flash(_summary(created), "success")
                return redirect(url_for("registrations.mine", event=event.id))
    try:
        services.check_can_register(event, current_user, current_user.organization_id)
        closed_reason = None
    except ServiceError as exc:
        closed_reason = str(exc.message)
    return render_template("registrations/register.html", event=event, form=form, closed_reason=closed_reason,
                           questions=questions, answer_values=answer_values, answer_errors=answer_errors,
                           fees=fee_quotes(event), **LABELS), status


def _renumber(name: str, indexed: list[int]) -> str:
    if name.startswith("delegates-"):
        _, position, field = name.split("-", 2)
        return f"delegates-{indexed[int(position)]}-{field}"
    if len(indexed) == 1 and (name in (*services.DELEGATE_FIELDS, "answers") or name.startswith("answers.")):
        return f"delegates-{indexed[0]}-{name}"  # one delegate: the service names no row
    return name


@bp.route("/my/registrations")
@member_required
def mine():
    registrations = db.session.scalars(
        select(Registration).where(Registration.organization_id == current_user.member_organization_id)
        .options(selectinload(Registration.event), selectinload(Registration.sessions),
                 selectinload(Registration.answers))
        .order_by(Registration.event_id.desc(), Registration.created_at)).all()
    by_event: dict = {}
    for registration in registrations:
        by_event.setdefault(registration.event, []).append(registration)
    # What each delegate answered (rooms, arrival, diet...), so a mistake is seen before the meeting.
    asked = question_services.questions_of_events(by_event)
    answered = {r.id: event_answers.display_rows(asked.get(r.event_id, []), r) for r in registrations}
    open_events = db.session.scalars(select(Event).where(Event.status == EventStatus.published)
                                     .order_by(Event.starts_at)).all()
    open_events = [e for e in open_events if e.registration_state().value == "open"]
    return render_template("registrations/mine.html", by_event=by_event, open_events=open_events, answered=answered,
                           fee_bills=bills_by_registration(r.id for r in registrations), **LABELS)


def _registration(registration_id) -> Registration:
    return load_for(Registration, registration_id, Registration.can_view)


@bp.route("/registrations/<int:registration_id>/edit", methods=["GET", "POST"])
@login_required
def edit(registration_id):
    registration = _registration(registration_id)
    form = DelegateForm(data={"name": registration.name, "position": registration.position,
                              "mobile": registration.mobile if current_user.is_secretariat else "",
                              "email": registration.email, "category": registration.category.value,
                              "session_ids": registration.session_ids})
    del form.organization_id
    form.session_ids.choices = _session_choices(registration.event)
    if not current_user.is_secretariat:
        form.mobile.description = _("Now %(mobile)s; leave empty to keep it.", mobile=registration.masked_mobile)
    questions = question_services.questions(registration.event)
    answer_values, answer_errors = answer_fields.form_values(registration), {}
    if request.method == "POST":
        answer_values = answer_fields.read_answers(request.form, "", questions)
    if form.validate_on_submit():
        data = _delegate_data(form)
        if not data["mobile"]:
            data.pop("mobile")
        data["answers"] = answer_fields.drop_kept(answer_values, registration)
        try:
            services.update_delegate(registration, data, current_user)
        except ServiceError as exc:
            answer_errors, exc.errors = answer_fields.split_errors(exc.errors)
            if exc.errors or not answer_errors:
                exc.apply_to_form(form)
        else:
            db.session.commit()
            flash(_("The registration of %(name)s has been saved.", name=registration.name), "success")
            return redirect(_back_to(registration))
    return render_template("registrations/edit.html", form=form, registration=registration, questions=questions,
                           answer_values=answer_values, answer_errors=answer_errors,
                           kept=answer_fields.kept_hints(registration), **LABELS), \
        422 if request.method == "POST" else 200


def _back_to(registration: Registration) -> str:
    if current_user.is_secretariat:
        return url_for("registrations.event_list", event_id=registration.event_id)
    return url_for("registrations.mine", event=registration.event_id)


@bp.route("/registrations/<int:registration_id>/cancel", methods=["POST"])
@login_required
def cancel(registration_id):
    registration = _registration(registration_id)
    try:
        promoted = services.cancel(registration, current_user)
    except ServiceError as exc:
        flash(str(exc.message), "danger")
    else:
        db.session.commit()
        flash(_("The registration of %(name)s has been cancelled.", name=registration.name), "success")
        if promoted is not None and current_user.is_secretariat:
            flash(_("%(name)s moved up from the waiting list.", name=promoted.name), "info")
    return redirect(_back_to(registration))


@bp.route("/registrations/<int:registration_id>/ticket.pdf")
@login_required
def ticket(registration_id):
    registration = _registration(registration_id)
    if registration.status not in (RegistrationStatus.confirmed, RegistrationStatus.checked_in):
        flash(_("A ticket is issued once the registration is confirmed."), "warning")
        return redirect(_back_to(registration))
    return download_response(documents.ticket_pdf(registration),
                             _("Ticket %(name)s", name=registration.name) + ".pdf", "application/pdf",
                             fallback=f"ticket-{registration.ticket_code}.pdf", inline=True)


# --- the secretariat --------------------------------------------------------------------------------

def _event(event_id) -> Event:
    return db.get_or_404(Event, event_id)


def _filters() -> dict:
    return {key: request.args.get(key, "") for key in ("status", "category", "q", "question", "answer")
            if request.args.get(key)}


# The largest delegations in the page's figures: at 2,000 delegates from 1,600 organizations the whole
# table was most of the page; the rest are in the export.
ORGANIZATIONS_SHOWN = 30


@bp.route("/admin/events/<int:event_id>/registrations")
@secretariat_required
def event_list(event_id):
    event = _event(event_id)
    filters = _filters()
    page = paginate(registration_query(event, filters), per_page=100)
    # The quota form (a select of every organization: 10,000 options at scale) has a page of its own.
    return render_template("registrations/event_list.html", event=event, page=page, filters=filters,
                           counts=services.counts(event), quotas=_quotas(event),
                           organizations_shown=ORGANIZATIONS_SHOWN,
                           questions=question_services.questions(event, with_removed=True),
                           display_answer=event_answers.display,
                           answers_of=lambda r: {a.question_id: a.value for a in r.answers}, **LABELS)


@bp.route("/admin/events/<int:event_id>/registrations/counts.json")
@secretariat_required
def event_counts(event_id):
    figures = services.counts(_event(event_id))
    figures["by_category"] = [{"category": c.value, "registered": n, "checked_in": k}
                              for c, n, k in figures["by_category"]]
    figures["by_organization"] = [{"organization": name, "registered": n, "checked_in": k}
                                  for name, n, k in figures["by_organization"]]
    return jsonify(figures)


@bp.route("/admin/events/<int:event_id>/registrations/new", methods=["GET", "POST"])
@secretariat_required
def staff_register(event_id):
    event = _event(event_id)
    form = DelegateForm()
    form.session_ids.choices = _session_choices(event)
    form.organization_id.choices = organization_choices()
    questions = question_services.questions(event)
    answer_values = answer_fields.read_answers(request.form, "", questions) if request.method == "POST" else {}
    answer_errors: dict = {}
    if form.validate_on_submit():
        try:
            registration = services.register(event, {**_delegate_data(form), "answers": answer_values}, current_user,
                                              organization_id=int(form.organization_id.data) if form.organization_id.data else None)
        except (ServiceError, ValueError) as exc:
            if isinstance(exc, ValueError):
                exc = ServiceError(_("Choose an organization from the list."), field="organization_id")
            answer_errors, exc.errors = answer_fields.split_errors(exc.errors)
            if exc.errors or not answer_errors:
                exc.apply_to_form(form)
        else:
            db.session.commit()
            flash(_("%(name)s: %(status)s.", name=registration.name, status=STATUS_LABELS[registration.status]),
                  "success")
            return redirect(url_for("registrations.event_list", event_id=event.id))
    return render_template("registrations/staff_form.html", form=form, event=event, fees=fee_quotes(event),
                           questions=questions, answer_values=answer_values, answer_errors=answer_errors, kept={},
                           **LABELS), \
        422 if request.method == "POST" else 200


@bp.route("/registrations/<int:registration_id>/confirm", methods=["POST"])
@secretariat_required
def confirm(registration_id):
    registration = db.get_or_404(Registration, registration_id)
    try:
        services.confirm(registration, current_user)
    except ServiceError as exc:
        flash(str(exc.message), "danger")
    else:
        db.session.commit()
        flash(_("%(name)s is confirmed.", name=registration.name), "success")
    return redirect(url_for("registrations.event_list", event_id=registration.event_id))


def _quotas(event: Event) -> list[EventQuota]:
    return list(db.session.scalars(select(EventQuota).where(EventQuota.event_id == event.id)
                                   .options(selectinload(EventQuota.organization)).order_by(EventQuota.id)))


@bp.route("/admin/events/<int:event_id>/quotas", methods=["GET", "POST"])
@secretariat_required
def quota(event_id):
    event = _event(event_id)
    form = QuotaForm(formdata=None) if request.method == "GET" else QuotaForm()
    form.organization_id.choices = organization_choices()
    if request.method == "GET":
        return render_template("registrations/quotas.html", event=event, quota_form=form, quotas=_quotas(event))
    if form.validate_on_submit():
        try:
            organization_id = int(form.organization_id.data)
            value = int(form.quota.data) if (form.quota.data or "").strip() else None
            if value is not None and not 0 <= value <= 100_000:
                raise ValueError
        except (TypeError, ValueError):
            flash(_("Choose an organization and enter a whole number."), "danger")
        else:
            try:
                services.set_quota(event, organization_id, value, current_user)
            except ServiceError as exc:
                flash(str(exc.message), "danger")
            else:
                db.session.commit()
                flash(_("The quota has been saved."), "success")
    return redirect(url_for("registrations.quota", event_id=event.id))


# Whole events: built by the worker above a size threshold, with a page that shows the progress.

@bp.route("/admin/events/<int:event_id>/registrations/export.<fmt>")
@secretariat_required
def export(event_id, fmt):
    event = _event(event_id)
    if fmt not in transfer.FORMATS:
        abort(404)
    return document_response(printing.EXPORT, {"event_id": event.id, "fmt": fmt, "filters": _filters()})


def _selection(event: Event) -> dict:
    return {"event_id": event.id, "ids": sorted(set(query_ids("ids", limit=2000)))}


@bp.route("/admin/events/<int:event_id>/badges.pdf")
@secretariat_required
def badges(event_id):
    return document_response(printing.BADGES, _selection(_event(event_id)))


@bp.route("/admin/events/<int:event_id>/sign-in-sheet.pdf")
@secretariat_required
def sign_in_sheet(event_id):
    return document_response(printing.SIGN_IN_SHEET, _selection(_event(event_id)))
