"""Public event pages: the list, an event's page, its printed programme and
its calendar file. Drafts are a 404 for everyone but the secretariat."""
from flask import abort, render_template
from flask_babel import gettext as _
from flask_login import current_user

from ..core.conditional import cacheable
from ..core.downloads import download_response
from ..core.i18n import translated
from ..core.params import paginate
from . import bp, services
from .documents import calendar_bytes, program_pdf
from .labels import KIND_LABELS, PART_LABELS, REGISTRATION_LABELS, ROLE_LABELS, STATUS_LABELS


def _visible_event(slug: str):
    event = services.event_by_slug(slug, with_agenda=True)
    if event is None or not event.can_view(current_user):
        abort(404)
    return event


PUBLIC_EVENTS_PAGE = 20


@bp.route("/events")
def public_list():
    # Pages of 20: the list grows by every event ever held.
    page = paginate(services.published_events(), per_page=PUBLIC_EVENTS_PAGE)
    return render_template("events/list.html", events=page.items, page=page, registration=REGISTRATION_LABELS)


@bp.route("/events/<slug>")
@cacheable(services.page_stamp)
def public_detail(slug):
    event = _visible_event(slug)
    return render_template("events/detail.html", event=event, roles=translated(ROLE_LABELS),
                           kinds=translated(KIND_LABELS), parts=translated(PART_LABELS),
                           statuses=translated(STATUS_LABELS), registration=translated(REGISTRATION_LABELS))


@bp.route("/events/<slug>/program.pdf")
@cacheable(services.page_stamp)
def program(slug):
    event = _visible_event(slug)
    return download_response(program_pdf(event), _("Programme of %(title)s", title=event.title) + ".pdf",
                             "application/pdf", fallback=f"{event.slug}-program.pdf", inline=True)


@bp.route("/events/<slug>/calendar.ics")
@cacheable(services.page_stamp)
def calendar(slug):
    event = _visible_event(slug)
    return download_response(calendar_bytes(event), f"{event.slug}.ics", "text/calendar")
