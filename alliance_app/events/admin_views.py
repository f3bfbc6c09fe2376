"""The secretariat's event pages: build an event, its organizers, sessions,
agenda and people. Each view loads, checks, calls one service, commits."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ..core.errors import ServiceError
from ..extensions import db
from ..core.formflow import form_data, submit
from ..members.services import organization_choices
from ..core.permissions import secretariat_required
from ..core.timeutil import to_local
from . import bp, services
from .forms import (CloneForm, EventForm, EventStatusForm, ItemForm, OrganizerForm, ParticipantForm, PersonForm,
                    SessionForm)
from .labels import KIND_LABELS, PART_LABELS, ROLE_LABELS, STATUS_LABELS
from .models import AgendaItem, AgendaParticipant, Event, EventOrganizer, EventSession, Person


def _local_values(obj, fields) -> dict:
    """A record's values for a form: local times, enums as values, ids as text."""
    values = {}
    for field in fields:
        value = getattr(obj, field)
        if hasattr(value, "tzinfo"):
            value = to_local(value).replace(tzinfo=None) if value else None
        elif hasattr(value, "value"):
            value = value.value
        elif field.endswith("_id"):
            value = str(value) if value else ""
        values[field] = value
    return values


def _direction() -> str:
    direction = request.form.get("direction")
    if direction not in ("up", "down"):
        abort(400)
    return direction


def _event(event_id) -> Event:
    return db.get_or_404(Event, event_id)


def _people_choices():
    people = db.session.execute(select(Person.id, Person.name, Person.title).order_by(Person.name)).all()
    return [SelectChoice("", "—")] + [SelectChoice(str(pid), f"{name}（{title}）" if title else name)
                                      for pid, name, title in people]


# --- events ------------------------------------------------------------------------------------

@bp.route("/admin/events")
@secretariat_required
def admin_list():
    events = db.session.scalars(select(Event).order_by(Event.starts_at.desc())).all()
    return render_template("events/admin_list.html", events=events, statuses=STATUS_LABELS)


@bp.route("/admin/events/new", methods=["GET", "POST"])
@secretariat_required
def admin_create():
    form = EventForm()
    return submit(form, lambda data: services.create_event(data, current_user),
                   _("The event has been created as a draft."),
                   lambda event: url_for("events.admin_detail", event_id=event.id),
                   "events/admin_form.html", event=None)


@bp.route("/admin/events/<int:event_id>")
@secretariat_required
def admin_detail(event_id):
    event = _event(event_id)
    organizer_form = OrganizerForm(formdata=None)
    organizer_form.organization_id.choices = organization_choices()
    participant_form = ParticipantForm(formdata=None)
    participant_form.person_id.choices = _people_choices()
    return render_template("events/admin_detail.html", event=event, organizer_form=organizer_form,
                           participant_form=participant_form, statuses=STATUS_LABELS, roles=ROLE_LABELS,
                           kinds=KIND_LABELS, parts=PART_LABELS)


@bp.route("/admin/events/<int:event_id>/edit", methods=["GET", "POST"])
@secretariat_required
def admin_edit(event_id):
    event = _event(event_id)
    form = EventForm(data=_local_values(event, services.EVENT_FIELDS))
    return submit(form, lambda data: services.update_event(event, data, current_user),
                   _("The changes have been saved."),
                   lambda _result: url_for("events.admin_detail", event_id=event.id),
                   "events/admin_form.html", event=event)


@bp.route("/admin/events/<int:event_id>/status", methods=["POST"])
@secretariat_required
def admin_status(event_id):
    event = _event(event_id)
    form = EventStatusForm()
    if not form.validate_on_submit():
        abort(400)
    services.set_event_status(event, form.status.data, current_user)
    db.session.commit()
    flash(_("The event is now: %(status)s.", status=STATUS_LABELS[event.status]), "success")
    return redirect(url_for("events.admin_detail", event_id=event.id))


@bp.route("/admin/events/<int:event_id>/clone", methods=["GET", "POST"])
@secretariat_required
def admin_clone(event_id):
    event = _event(event_id)
    form = CloneForm(data={"title": event.title, "slug": f"{event.slug}-copy",
                           "starts_at": to_local(event.starts_at).replace(tzinfo=None)})
    return submit(form, lambda data: services.clone_event(event, data, current_user),
                   _("The copy has been created as a draft; check its dates and people."),
                   lambda copy: url_for("events.admin_detail", event_id=copy.id),
                   "events/admin_clone.html", event=event)


# --- organizers ----------------------------------------------------------------------------------

@bp.route("/admin/events/<int:event_id>/organizers", methods=["POST"])
@secretariat_required
def organizer_add(event_id):
    event = _event(event_id)
    form = OrganizerForm()
    form.organization_id.choices = organization_choices()
    if form.validate_on_submit():
        try:
            services.add_organizer(event, form_data(form), current_user)
        except ServiceError as exc:
            flash(" ".join(m for messages in exc.errors.values() for m in messages) or str(exc.message), "danger")
        else:
            db.session.commit()
            flash(_("The organizer has been added."), "success")
    return redirect(url_for("events.admin_detail", event_id=event.id) + "#organizers")


def _organizer(organizer_id) -> EventOrganizer:
    return db.get_or_404(EventOrganizer, organizer_id)


@bp.route("/admin/organizers/<int:organizer_id>/move", methods=["POST"])
@secretariat_required
def organizer_move(organizer_id):
    organizer = _organizer(organizer_id)
    services.move_organizer(organizer, _direction(), current_user)
    db.session.commit()
    return redirect(url_for("events.admin_detail", event_id=organizer.event_id) + "#organizers")


@bp.route("/admin/organizers/<int:organizer_id>/remove", methods=["POST"])
@secretariat_required
def organizer_remove(organizer_id):
    organizer = _organizer(organizer_id)
    event_id = organizer.event_id
    services.remove_organizer(organizer, current_user)
    db.session.commit()
    flash(_("The organizer has been removed."), "success")
    return redirect(url_for("events.admin_detail", event_id=event_id) + "#organizers")


# --- sessions ---------------------------------------------------------------------------------------

def _session_form(**kwargs) -> SessionForm:
    form = SessionForm(**kwargs)
    form.host_organization_id.choices = organization_choices()
    return form


@bp.route("/admin/events/<int:event_id>/sessions/new", methods=["GET", "POST"])
@secretariat_required
def session_create(event_id):
    event = _event(event_id)
    local_start = to_local(event.starts_at).replace(tzinfo=None)
    form = _session_form(data={"starts_at": local_start, "ends_at": to_local(event.ends_at).replace(tzinfo=None)})
    return submit(form, lambda data: services.add_session(event, data, current_user),
                   _("The session has been added."),
                   lambda session: url_for("events.admin_detail", event_id=event.id) + f"#session-{session.id}",
                   "events/admin_session_form.html", event=event, session=None)


@bp.route("/admin/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@secretariat_required
def session_edit(session_id):
    session = db.get_or_404(EventSession, session_id)
    form = _session_form(data=_local_values(session, services.SESSION_FIELDS))
    return submit(form, lambda data: services.update_session(session, data, current_user),
                   _("The changes have been saved."),
                   lambda _r: url_for("events.admin_detail", event_id=session.event_id) + f"#session-{session.id}",
                   "events/admin_session_form.html", event=session.event, session=session)


@bp.route("/admin/sessions/<int:session_id>/delete", methods=["POST"])
@secretariat_required
def session_delete(session_id):
    session = db.get_or_404(EventSession, session_id)
    event_id = session.event_id
    services.delete_session(session, current_user)
    db.session.commit()
    flash(_("The session and its agenda have been deleted."), "success")
    return redirect(url_for("events.admin_detail", event_id=event_id))


# --- agenda items -----------------------------------------------------------------------------------

@bp.route("/admin/sessions/<int:session_id>/items/new", methods=["GET", "POST"])
@secretariat_required
def item_create(session_id):
    session = db.get_or_404(EventSession, session_id)
    last_end = max([i.ends_at for i in session.items], default=session.starts_at)
    form = ItemForm(data={"starts_at": to_local(last_end).replace(tzinfo=None),
                          "ends_at": to_local(min(last_end + (session.ends_at - session.starts_at) / 10,
                                                  session.ends_at)).replace(tzinfo=None)})
    return submit(form, lambda data: services.add_item(session, data, current_user),
                   _("The agenda item has been added."),
                   lambda item: url_for("events.admin_detail", event_id=session.event_id) + f"#item-{item.id}",
                   "events/admin_item_form.html", session=session, item=None)


@bp.route("/admin/items/<int:item_id>/edit", methods=["GET", "POST"])
@secretariat_required
def item_edit(item_id):
    item = db.get_or_404(AgendaItem, item_id)
    form = ItemForm(data=_local_values(item, services.ITEM_FIELDS))
    return submit(form, lambda data: services.update_item(item, data, current_user),
                   _("The changes have been saved."),
                   lambda _r: url_for("events.admin_detail", event_id=item.session.event_id) + f"#item-{item.id}",
                   "events/admin_item_form.html", session=item.session, item=item)


@bp.route("/admin/items/<int:item_id>/delete", methods=["POST"])
@secretariat_required
def item_delete(item_id):
    item = db.get_or_404(AgendaItem, item_id)
    event_id = item.session.event_id
    services.delete_item(item, current_user)
    db.session.commit()
    flash(_("The agenda item has been deleted."), "success")
    return redirect(url_for("events.admin_detail", event_id=event_id))


@bp.route("/admin/items/<int:item_id>/move", methods=["POST"])
@secretariat_required
def item_move(item_id):
    item = db.get_or_404(AgendaItem, item_id)
    services.move_item(item, _direction(), current_user)
    db.session.commit()
    return redirect(url_for("events.admin_detail", event_id=item.session.event_id) + f"#item-{item.id}")


@bp.route("/admin/items/<int:item_id>/participants", methods=["POST"])
@secretariat_required
def participant_add(item_id):
    item = db.get_or_404(AgendaItem, item_id)
    form = ParticipantForm()
    form.person_id.choices = _people_choices()
    if form.validate_on_submit():
        try:
            services.add_participant(item, form_data(form), current_user)
        except ServiceError as exc:
            flash(" ".join(m for messages in exc.errors.values() for m in messages) or str(exc.message), "danger")
        else:
            db.session.commit()
    return redirect(url_for("events.admin_detail", event_id=item.session.event_id) + f"#item-{item.id}")


@bp.route("/admin/participants/<int:participant_id>/remove", methods=["POST"])
@secretariat_required
def participant_remove(participant_id):
    participant = db.get_or_404(AgendaParticipant, participant_id)
    item = participant.item
    services.remove_participant(participant, current_user)
    db.session.commit()
    return redirect(url_for("events.admin_detail", event_id=item.session.event_id) + f"#item-{item.id}")


# --- people -----------------------------------------------------------------------------------------

@bp.route("/admin/people")
@secretariat_required
def people_list():
    people = db.session.scalars(select(Person).order_by(Person.name)).all()
    return render_template("events/people_list.html", people=people)


def _person_form(**kwargs) -> PersonForm:
    form = PersonForm(**kwargs)
    form.organization_id.choices = organization_choices()
    return form


@bp.route("/admin/people/new", methods=["GET", "POST"])
@secretariat_required
def person_create():
    form = _person_form()
    return submit(form, lambda data: services.create_person(data, current_user), _("The person has been added."),
                   lambda _p: url_for("events.people_list"), "events/person_form.html", person=None)


@bp.route("/admin/people/<int:person_id>/edit", methods=["GET", "POST"])
@secretariat_required
def person_edit(person_id):
    person = db.get_or_404(Person, person_id)
    form = _person_form(data=_local_values(person, services.PERSON_FIELDS))
    return submit(form, lambda data: services.update_person(person, data, current_user),
                   _("The changes have been saved."), lambda _p: url_for("events.people_list"),
                   "events/person_form.html", person=person)
