"""Agreement pages: the secretariat drafts, checks, signs and voids; members
read and download the agreements their organization is a party to."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from ..core.downloads import download_response
from ..core.errors import ServiceError
from ..events.models import AgendaItem, AgendaKind, Event, EventSession
from ..events.services import event_by_slug
from ..extensions import db
from ..jobs.respond import document_response
from ..members.services import organization_choices
from ..core.permissions import load_for, login_required, member_required, secretariat_required
from ..core.security import is_safe_next
from ..core.params import query_int, paginate
from . import bp, services
from .archive import issued_original_pdf, issued_pdf
from .documents import originals_pdf
from .documents.run_sheet import run_sheet_pdf, stage_plan_pdf
from .documents.wording import original_texts, party_letter
from .printing import CEREMONY_ORIGINALS, CEREMONY_PACK
from .signing_record import set_signing_record, signing_participants
from .forms import AgreementForm, SigningRecordForm, VoidForm
from .labels import DOCUMENT_KIND_LABELS, KIND_LABELS, SECTOR_LABELS, STATUS_COLOURS, STATUS_LABELS, VENUE_LABELS
from .models import Agreement, AgreementParty, AgreementStatus

LABELS = dict(kinds=KIND_LABELS, document_kinds=DOCUMENT_KIND_LABELS, venues=VENUE_LABELS, sectors=SECTOR_LABELS, statuses=STATUS_LABELS, status_colours=STATUS_COLOURS)


def _prepare(form: AgreementForm) -> AgreementForm:
    orgs = organization_choices()
    for row in form.parties:
        row.organization_id.choices = orgs
    events = db.session.execute(select(Event.id, Event.title).order_by(Event.starts_at.desc())).all()
    form.event_id.choices = [SelectChoice("", "—")] + [SelectChoice(str(i), t) for i, t in events]
    ceremonies = db.session.execute(
        select(AgendaItem.id, AgendaItem.title, Event.title).join(EventSession, AgendaItem.session_id == EventSession.id)
        .join(Event, EventSession.event_id == Event.id).where(AgendaItem.kind == AgendaKind.signing_ceremony)
        .order_by(Event.starts_at.desc(), AgendaItem.starts_at)).all()
    form.agenda_item_id.choices = [SelectChoice("", "—")] + [SelectChoice(str(i), f"{e} · {t}") for i, t, e in ceremonies]
    return form


def _data(form: AgreementForm, with_clauses: bool) -> dict:
    data = {name: form[name].data for name in ("title", "kind", "document_kind", "signing_venue", "sectors", "place", "term_start", "term_end",
                                               "preamble", "notes", "amount", "currency", "fx_rate_to_cny",
                                               "amount_disclosed", "ceremony_order")}
    data["event_id"] = form.event_id.data or None
    data["agenda_item_id"] = form.agenda_item_id.data or None
    data["parties"] = [{"organization_id": row.organization_id.data, "role_label": row.role_label.data,
                        "signatory_name": row.signatory_name.data, "signatory_title": row.signatory_title.data}
                       for row in form.parties if row.organization_id.data]
    if with_clauses:
        data["clauses"] = [{key: row[key].data for key in ("heading", "body", "heading_en", "body_en")}
                           for row in form.clauses if (row.heading.data or "").strip() or (row.body.data or "").strip()]
    if not data["amount_disclosed"]:
        data["amount"] = None
    return data


def _put_errors(form: AgreementForm, exc: ServiceError) -> None:
    """parties-1-organization_id → the second party row's organization field."""
    fields = {f.name: f for f in form}
    for row_list in (form.parties, form.clauses):
        for row in row_list:
            fields.update({f.name: f for f in row})
    _attach(form, fields, exc)


def _attach(form, fields: dict, exc: ServiceError) -> None:
    """Each of the service's messages at its field (by the row-numbered name), the rest above the form."""
    for name, messages in exc.errors.items():
        target = fields.get(name)
        if target is not None:
            target.errors = list(target.errors) + messages
        else:
            form.form_errors.extend(messages)
    if not exc.errors:
        form.form_errors.append(str(exc.message))


@bp.route("/admin/agreements")
@secretariat_required
def admin_list():
    query = select(Agreement).options(selectinload(Agreement.parties), selectinload(Agreement.sector_rows))
    event_id = query_int("event_id")
    status = request.args.get("status", "")
    if event_id:
        query = query.where(Agreement.event_id == event_id)
    if status in AgreementStatus.__members__:
        query = query.where(Agreement.status == AgreementStatus(status))
    page = paginate(query.order_by(Agreement.year.desc(), Agreement.seq.desc()), per_page=50)
    events = db.session.execute(select(Event.id, Event.title).order_by(Event.starts_at.desc())).all()
    return render_template("agreements/admin_list.html", page=page, events=events, event_id=event_id, status=status,
                           **LABELS)


@bp.route("/admin/agreements/new", methods=["GET", "POST"])
@secretariat_required
def create():
    form = _prepare(AgreementForm())
    if request.method == "GET" and request.args.get("event_id"):
        form.event_id.data = request.args["event_id"]
    if form.validate_on_submit():
        try:
            agreement = services.create_agreement(_data(form, with_clauses=False), current_user)
        except ServiceError as exc:
            _put_errors(form, exc)
        else:
            db.session.commit()
            flash(_("Agreement %(number)s has been drafted with the default clauses; check them.",
                    number=agreement.number), "success")
            return redirect(url_for("agreements.edit", agreement_id=agreement.id) + "#clauses")
    return render_template("agreements/form.html", form=form, agreement=None, **LABELS), \
        422 if request.method == "POST" else 200


def _initial(agreement: Agreement) -> dict:
    return {
        "title": agreement.title, "kind": agreement.kind.value,
        "document_kind": agreement.document_kind.value if agreement.document_kind else "",
        "signing_venue": agreement.signing_venue.value, "sectors": [s.value for s in agreement.sectors],
        "event_id": str(agreement.event_id or ""), "agenda_item_id": str(agreement.agenda_item_id or ""),
        "ceremony_order": agreement.ceremony_order, "place": agreement.place, "term_start": agreement.term_start,
        "term_end": agreement.term_end, "amount_disclosed": agreement.amount_disclosed,
        "amount": str(agreement.amount) if agreement.amount is not None else "", "currency": agreement.currency,
        "fx_rate_to_cny": str(agreement.fx_rate.normalize()) if agreement.currency != "CNY" and agreement.fx_rate else "",
        "preamble": agreement.preamble, "notes": agreement.notes,
        "parties": [{"organization_id": str(p.organization_id), "role_label": p.role_label,
                     "signatory_name": p.signatory_name, "signatory_title": p.signatory_title}
                    for p in agreement.parties] + [{}, {}],
        "clauses": [{"heading": c.heading, "body": c.body, "heading_en": c.heading_en, "body_en": c.body_en}
                    for c in agreement.clauses] + [{}],
    }


@bp.route("/admin/agreements/<int:agreement_id>/edit", methods=["GET", "POST"])
@secretariat_required
def edit(agreement_id):
    agreement = db.get_or_404(Agreement, agreement_id)
    if not agreement.is_editable:
        flash(_("A signed or void agreement cannot be changed. Void it and draft a corrected one."), "warning")
        return redirect(url_for("agreements.detail", agreement_id=agreement.id))
    form = _prepare(AgreementForm(data=_initial(agreement)) if request.method == "GET" else AgreementForm())
    if form.validate_on_submit():
        try:
            services.update_agreement(agreement, _data(form, with_clauses=True), current_user)
        except ServiceError as exc:
            _put_errors(form, exc)
        else:
            db.session.commit()
            flash(_("The changes have been saved."), "success")
            return redirect(url_for("agreements.detail", agreement_id=agreement.id))
    return render_template("agreements/form.html", form=form, agreement=agreement, **LABELS), \
        422 if request.method == "POST" else 200


def _agreement(agreement_id) -> Agreement:
    return load_for(Agreement, agreement_id, Agreement.can_view)


@bp.route("/agreements/<int:agreement_id>")
@login_required
def detail(agreement_id):
    agreement = _agreement(agreement_id)
    replaced_by = db.session.scalar(select(Agreement).where(Agreement.replaces_id == agreement.id))
    return render_template("agreements/detail.html", agreement=agreement, void_form=VoidForm(formdata=None),
                           replaced_by=replaced_by, **LABELS)


def _step(agreement_id, action, message):
    agreement = db.get_or_404(Agreement, agreement_id)
    try:
        result = action(agreement)
    except ServiceError as exc:
        flash(" ".join(m for ms in exc.errors.values() for m in ms) or str(exc.message), "danger")
        return redirect(url_for("agreements.detail", agreement_id=agreement.id))
    db.session.commit()
    flash(message(result), "success")
    target = result if isinstance(result, Agreement) else agreement
    back = request.form.get("back", "")  # the ceremony control page sends people back to it
    return redirect(back if is_safe_next(back) else url_for("agreements.detail", agreement_id=target.id))


@bp.route("/admin/agreements/<int:agreement_id>/ready", methods=["POST"])
@secretariat_required
def ready(agreement_id):
    return _step(agreement_id, lambda a: services.mark_ready(a, current_user),
                 lambda a: _("%(number)s is ready for signing.", number=a.number))


@bp.route("/admin/agreements/<int:agreement_id>/sign", methods=["POST"])
@secretariat_required
def sign(agreement_id):
    return _step(agreement_id, lambda a: services.sign(a, current_user, request.form.get("signed_at") or None),
                 lambda a: _("%(number)s is signed.", number=a.number))


@bp.route("/admin/agreements/<int:agreement_id>/void", methods=["POST"])
@secretariat_required
def void(agreement_id):
    return _step(agreement_id, lambda a: services.void(a, request.form.get("reason"), current_user),
                 lambda a: _("%(number)s is void.", number=a.number))


@bp.route("/admin/agreements/<int:agreement_id>/correct", methods=["POST"])
@secretariat_required
def correct(agreement_id):
    return _step(agreement_id, lambda a: services.draft_correction(a, request.form.get("reason"), current_user),
                 lambda copy: _("The agreement is void; %(number)s is its corrected draft.", number=copy.number))


@bp.route("/agreements/<int:agreement_id>.pdf")
@login_required
def pdf(agreement_id):
    agreement = _agreement(agreement_id)
    content = issued_pdf(agreement)
    db.session.commit()  # an agreement signed before archives existed is archived at its first download
    return download_response(content, f"{agreement.number} {agreement.title}.pdf",
                             "application/pdf", fallback=f"agreement-{agreement.number}.pdf", inline=True)


@bp.route("/agreements/<int:agreement_id>/originals/<int:organization_id>.pdf")
@login_required
def original_pdf(agreement_id, organization_id):
    """One party's original (正本): the secretariat any, a member its own party's."""
    agreement = _agreement(agreement_id)
    party = next((p for p in agreement.parties if p.organization_id == organization_id), None)
    if party is None:
        abort(404)
    if not current_user.is_secretariat and organization_id != current_user.member_organization_id:
        abort(403)
    content = issued_original_pdf(agreement, party)
    db.session.commit()  # an original of an agreement signed before originals existed is archived now
    return download_response(content, f"{agreement.number} {agreement.title} {original_texts(party)[0]}.pdf",
                             "application/pdf", inline=True,
                             fallback=f"agreement-{agreement.number}-original-{party_letter(party.position)}.pdf")


@bp.route("/agreements/<int:agreement_id>/originals.pdf")
@secretariat_required
def originals(agreement_id):
    """Every party's original in one file, to print at the ceremony."""
    agreement = db.get_or_404(Agreement, agreement_id)
    return download_response(originals_pdf(agreement), f"{agreement.number} {agreement.title} "
                             + _("originals") + ".pdf", "application/pdf", inline=True,
                             fallback=f"agreement-{agreement.number}-originals.pdf")


@bp.route("/admin/agreements/<int:agreement_id>/signing", methods=["GET", "POST"])
@secretariat_required
def signing_record(agreement_id):
    """Who signs for each party, the witness leaders and the signing assistants,
    recorded at the ceremony (and signed from here when the agreement is ready)."""
    agreement = db.get_or_404(Agreement, agreement_id)
    back = request.values.get("back", "")
    back = back if is_safe_next(back) else ""
    if not agreement.is_editable:
        flash(_("The signing record of a signed or void agreement cannot be changed."), "warning")
        return redirect(url_for("agreements.detail", agreement_id=agreement.id))
    candidates = signing_participants(agreement)
    form = SigningRecordForm(data=_record_initial(agreement, candidates)) if request.method == "GET" \
        else SigningRecordForm()
    _prepare_record(form, agreement, candidates)
    if form.validate_on_submit():
        try:
            set_signing_record(agreement, _record_data(form, agreement), current_user)
            if form.sign.data:
                services.sign(agreement, current_user)
        except ServiceError as exc:
            db.session.rollback()
            agreement = db.session.get(Agreement, agreement_id)
            _put_record_errors(form, exc)
        else:
            db.session.commit()
            flash(_("%(number)s is signed.", number=agreement.number) if form.sign.data
                  else _("The signing record has been saved."), "success")
            return redirect(back or url_for("agreements.detail", agreement_id=agreement.id))
    return render_template("agreements/signing_record.html", form=form, agreement=agreement, back=back,
                           candidates=candidates, **LABELS), 422 if request.method == "POST" else 200


def _record_initial(agreement: Agreement, candidates) -> dict:
    """The record so far; a party without a signer gets the agenda's signatory of its organization."""
    def suggested(party):
        return next((str(p.id) for p in candidates if p.organization_id == party.organization_id), "")

    return {
        "signers": [{"person_id": "" if p.signatory_name else suggested(p), "name": p.signatory_name,
                     "title": p.signatory_title} for p in agreement.parties],
        "witnesses": [{"name": w.name, "title": w.title} for w in agreement.witnesses] + [{}] * 2,
        "assistants": [{"name": a.name, "title": a.title, "organization_id": str(a.organization_id or "")}
                       for a in agreement.assistants] + [{}] * 2,
    }


def _prepare_record(form, agreement: Agreement, candidates) -> None:
    people = [SelectChoice("", _("— typed below —"))] + [
        SelectChoice(str(p.id), f"{p.name}（{p.title}）" if p.title else p.name) for p in candidates]
    parties = [SelectChoice("", "—")] + [SelectChoice(str(p.organization_id), f"{p.role_label} {p.printed_name}")
                                         for p in agreement.parties]
    while len(form.signers) < len(agreement.parties):
        form.signers.append_entry()
    while len(form.signers) > len(agreement.parties):  # a row per party, whatever was posted
        form.signers.pop_entry()
    for row, party in zip(form.signers, agreement.parties):
        row.person_id.choices = people
        row.party = party
    for row in form.assistants:
        row.organization_id.choices = parties


def _record_data(form, agreement: Agreement) -> dict:
    """Rows left empty are no one; a party's row with a name (or a chosen participant) is its signer."""
    signers = []
    for row, party in zip(form.signers, agreement.parties):
        if _filled(row, "name", "title", "person_id"):
            signers.append({"organization_id": party.organization_id, "person_id": row["person_id"].data or None,
                            "name": row["name"].data, "title": row["title"].data})
    def people(rows, *keys):  # noqa: E306
        return [{key: row[key].data or None for key in keys} for row in rows if _filled(row, "name", "title")]
    return {"signers": signers, "witnesses": people(form.witnesses, "name", "title"),
            "assistants": people(form.assistants, "name", "title", "organization_id")}


def _filled(row, *keys) -> bool:
    return any((row[key].data or "").strip() for key in keys)


def _put_record_errors(form, exc: ServiceError) -> None:
    """signers-1-name → the second party's name field; the services number the
    rows they were sent, which for witnesses and assistants are the filled ones."""
    fields = {}
    for name, rows in (("signers", form.signers), ("witnesses", form.witnesses), ("assistants", form.assistants)):
        keys = ("name", "title", "person_id") if name == "signers" else ("name", "title")
        for index, row in enumerate(row for row in rows if _filled(row, *keys)):
            fields.update({f"{name}-{index}-{key}": row[key] for key in ("name", "title", "person_id",
                                                                        "organization_id") if key in row.form})
    _attach(form, fields, exc)


@bp.route("/events/<slug>/agreements.pdf")
@secretariat_required
def ceremony_pack(slug):
    event = event_by_slug(slug)
    if event is None:
        abort(404)
    # Many agreements: built by the worker, with a page that shows its progress.
    return document_response(CEREMONY_ORIGINALS if request.args.get("originals") == "1" else CEREMONY_PACK,
                             {"event_id": event.id})


@bp.route("/my/agreements")
@member_required
def mine():
    agreements = db.session.scalars(
        select(Agreement).where(Agreement.parties.any(AgreementParty.organization_id == current_user.member_organization_id))
        .options(selectinload(Agreement.parties)).order_by(Agreement.year.desc(), Agreement.seq.desc())).all()
    return render_template("agreements/mine.html", agreements=agreements, **LABELS)


@bp.route("/admin/events/<int:event_id>/ceremony/run-sheet.pdf")
@secretariat_required
def run_sheet(event_id):
    """The host's cue sheet (主持人串词提示) of the event's signing ceremony."""
    event = db.get_or_404(Event, event_id)
    return download_response(run_sheet_pdf(event, services.ceremony_agreements(event)),
                             _("Run sheet %(title)s", title=event.title) + ".pdf", "application/pdf", inline=True,
                             fallback=f"run-sheet-{event.slug}.pdf")


@bp.route("/admin/events/<int:event_id>/ceremony/stage-plan.pdf")
@secretariat_required
def stage_plan(event_id):
    """Who stands where at each signing, seen from the hall."""
    event = db.get_or_404(Event, event_id)
    return download_response(stage_plan_pdf(event, services.ceremony_agreements(event)),
                             _("Stage plan %(title)s", title=event.title) + ".pdf", "application/pdf", inline=True,
                             fallback=f"stage-plan-{event.slug}.pdf")
