"""The printed programme (会议议程) and the calendar file of an event."""
from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from icalendar import Calendar
from icalendar import Event as CalendarEvent
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, PageBreak, Paragraph, Spacer, Table, TableStyle

from ..core.db import utcnow
from ..pdf.document import build_pdf, escape, styles
from ..pdf.tables import GREEN, GRID, HEADER_BACKGROUND, LIGHT_RULE
from ..core.timeutil import to_local
from .labels import KIND_LABELS, PART_LABELS, ROLE_LABELS
from .models import Event


def when_text(starts, ends) -> str:
    """One readable span: the same day once, another day in full."""
    start, end = to_local(starts), to_local(ends)
    if start.date() == end.date():
        return f"{format_date(start, 'long')} {format_datetime(start, 'HH:mm')}–{format_datetime(end, 'HH:mm')}"
    return f"{format_date(start, 'long')} {format_datetime(start, 'HH:mm')} – " \
           f"{format_date(end, 'long')} {format_datetime(end, 'HH:mm')}"


def people_text(item) -> str:
    """'Speaker: 李力（中国工业节能与清洁生产协会副会长）' lines, escaped."""
    lines = []
    for participant in item.participants:
        person = participant.person
        lines.append(escape(_("%(part)s: %(name)s", part=PART_LABELS[participant.part], name=person.name))
                     + (escape(f"（{person.title}）") if person.title else ""))
    return "<br/>".join(lines)


def _cover(event: Event, s) -> list:
    story = [Spacer(1, 45 * mm), Paragraph(escape(event.title), s["title"])]
    if event.theme:
        story.append(Paragraph(escape(_("Theme: %(theme)s", theme=event.theme)), s["subtitle"]))
    story += [Spacer(1, 14 * mm),
              Paragraph(escape(when_text(event.starts_at, event.ends_at)), s["centered"])]
    place = "，".join(x for x in (event.venue, event.address) if x)
    if place:
        story.append(Paragraph(escape(place), s["centered"]))
    story.append(Spacer(1, 18 * mm))
    rows = []
    for role, organizers in event.organizers_by_role():
        names = "<br/>".join(escape(o.organization.name) for o in organizers)
        rows.append([Paragraph(escape(ROLE_LABELS[role]), s["body"]), Paragraph(names, s["body"])])
    if rows:
        table = Table(rows, colWidths=[32 * mm, 110 * mm], hAlign="CENTER")
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
        story.append(table)
    return story


def _agenda(event: Event, s) -> list:
    story = [Paragraph(escape(_("Agenda")), s["heading"])]
    for session in event.sessions:
        heading = [Paragraph(escape(session.title), s["subheading"])]
        details = [when_text(session.starts_at, session.ends_at)]
        if session.room:
            details.append(session.room)
        if session.host_organization:
            details.append(_("Hosted by %(name)s", name=session.host_organization.name))
        heading.append(Paragraph(escape(" · ".join(details)), s["small"]))
        rows = [[Paragraph(escape(_("Time")), s["cell"]), Paragraph(escape(_("Item")), s["cell"]),
                 Paragraph(escape(_("Speakers and guests")), s["cell"])]]
        for item in session.items:
            content = f"<b>{escape(item.title)}</b><br/><font size=8 color='#555555'>" \
                      f"{escape(KIND_LABELS[item.kind])}</font>"
            if item.description:
                content += "<br/>" + escape(item.description)
            rows.append([
                Paragraph(f"{format_datetime(to_local(item.starts_at), 'HH:mm')}–"
                          f"{format_datetime(to_local(item.ends_at), 'HH:mm')}", s["cell"]),
                Paragraph(content, s["cell"]),
                Paragraph(people_text(item), s["cell"]),
            ])
        if len(rows) == 1:
            rows.append(["", Paragraph(escape(_("The agenda of this session will follow.")), s["cell"]), ""])
        table = Table(rows, colWidths=[24 * mm, 78 * mm, 68 * mm], repeatRows=1)
        table.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_BACKGROUND),
            ("TEXTCOLOR", (0, 0), (-1, 0), GREEN),
            ("GRID", (0, 0), (-1, -1), 0.4, GRID),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ]))
        story += [KeepTogether(heading + [Spacer(1, 2 * mm)]), table, Spacer(1, 6 * mm)]
    return story


def _speakers(event: Event, s) -> list:
    seen, rows = set(), []
    for session in event.sessions:
        for item in session.items:
            for participant in item.participants:
                person = participant.person
                if person.id in seen:
                    continue
                seen.add(person.id)
                title = person.title or ""
                if person.organization and person.organization.name not in title:
                    title = f"{person.organization.name} {title}".strip()
                rows.append([Paragraph(escape(person.name), s["cell"]), Paragraph(escape(title), s["cell"])])
    if not rows:
        return []
    table = Table(rows, colWidths=[30 * mm, 140 * mm])
    table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.3, LIGHT_RULE),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [Paragraph(escape(_("Speakers and guests")), s["heading"]), table]


def program_pdf(event: Event) -> bytes:
    s = styles()
    story = _cover(event, s) + [PageBreak()] + _agenda(event, s) + _speakers(event, s)
    return build_pdf(story, title=_("Programme of %(title)s", title=event.title), subject=event.theme or "")


def calendar_bytes(event: Event) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Alliance Secretariat//alliance_app//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", event.title)
    stamp = utcnow()

    def entry(uid, summary, starts, ends, description=""):
        vevent = CalendarEvent()
        vevent.add("uid", uid)
        vevent.add("dtstamp", stamp)
        vevent.add("summary", summary)
        vevent.add("dtstart", starts)
        vevent.add("dtend", ends)
        location = "，".join(x for x in (event.venue, event.address, event.city) if x)
        if location:
            vevent.add("location", location)
        if description:
            vevent.add("description", description)
        calendar.add_component(vevent)

    entry(f"event-{event.id}@alliance-app", event.title, event.starts_at, event.ends_at,
          _("Theme: %(theme)s", theme=event.theme) if event.theme else "")
    for session in event.sessions:
        for item in session.items:
            speakers = "\n".join(f"{PART_LABELS[p.part]}: {p.person.name}" + (f"（{p.person.title}）" if p.person.title else "")
                                 for p in item.participants)
            entry(f"agenda-item-{item.id}@alliance-app", f"{item.title} · {session.title}",
                  item.starts_at, item.ends_at, speakers)
    return calendar.to_ical()
