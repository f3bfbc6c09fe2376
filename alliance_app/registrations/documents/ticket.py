"""A delegate's ticket (参会凭证): one A4 page with the check-in QR code."""
from flask_babel import gettext as _
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepInFrame, Paragraph, Spacer, Table

from ...events.documents import when_text
from ...pdf.document import FRAME_HEIGHT, FRAME_WIDTH, build_pdf, escape, para, styles
from ...pdf.qr import QrFlowable, qr_box_size
from ...pdf.tables import GREY, LIGHT_RULE, table_style
from ...protocol.hall import seats_of
from ..labels import CATEGORY_LABELS, STATUS_LABELS
from ..tickets import ticket_url


def _session_titles(registration) -> list[str]:
    order = {session.id: index for index, session in enumerate(registration.event.sessions)}
    chosen = sorted(registration.sessions, key=lambda rs: (order.get(rs.session_id, len(order)), rs.session_id))
    return [rs.session.title for rs in chosen if rs.session is not None]


def ticket_pdf(registration) -> bytes:
    """One A4 page: the event, the delegate, a big QR code and what to do with it."""
    event = registration.event
    s = styles()
    url = ticket_url(registration)
    name_style = ParagraphStyle("ticket-name", parent=s["title"], fontSize=22, leading=30, spaceAfter=0)
    code_style = ParagraphStyle("ticket-code", parent=s["centered"], fontSize=13, leading=18)
    label_style = ParagraphStyle("ticket-label", parent=s["body"], textColor=GREY)

    story = [Paragraph(escape(_("Admission ticket")), ParagraphStyle("kicker", parent=s["subtitle"], fontSize=11,
                                                                     leading=16)),
             para(event.title, s["title"])]
    if event.theme:
        story.append(Paragraph(escape(_("Theme: %(theme)s", theme=event.theme)), s["subtitle"]))
    story.append(Paragraph(escape(when_text(event.starts_at, event.ends_at)), s["centered"]))
    place = "，".join(x for x in (event.venue, event.address) if x)
    if place:
        story.append(para(place, s["centered"]))
    story += [Spacer(1, 8 * mm), para(registration.name, name_style), Spacer(1, 1 * mm)]
    if registration.organization:
        story.append(para(registration.organization.name, s["centered"]))
    story += [Spacer(1, 5 * mm), QrFlowable(url, qr_box_size(url, 55, 75)), Spacer(1, 2 * mm),
              Paragraph(escape(registration.ticket_code), code_style),
              Paragraph(escape(_("Show this code at the registration desk.")), s["centered"]),
              Spacer(1, 8 * mm)]

    details = [(_("Name"), registration.name)]
    if registration.organization:
        details.append((_("Organization"), registration.organization.name))
    if registration.position:
        details.append((_("Position"), registration.position))
    details += [(_("Category"), CATEGORY_LABELS.get(registration.category, registration.category)),
                (_("Status"), STATUS_LABELS.get(registration.status, registration.status))]
    sessions = _session_titles(registration)
    if sessions:
        details.append((_("Sessions"), "\n".join(sessions)))
    seats = seats_of(registration)
    if seats:
        details.append((_("Seat"), "\n".join(_("%(session)s: %(seat)s", session=session.title, seat=label)
                                             for session, label in seats)))
    details.append((_("Ticket code"), registration.ticket_code))
    table = Table([[Paragraph(escape(label), label_style), para(value, s["body"])]
                   for label, value in details], colWidths=[35 * mm, 105 * mm], hAlign="CENTER")
    table.setStyle(table_style([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                ("LINEBELOW", (0, 0), (-1, -1), 0.3, LIGHT_RULE),
                                ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    story.append(table)
    # One page whatever the lengths: scaled down if it would run over.
    page = KeepInFrame(FRAME_WIDTH, FRAME_HEIGHT, story, mode="shrink", hAlign="CENTER")
    return build_pdf([page], title=_("Ticket %(name)s", name=registration.name), subject=event.title)
