"""The signing ceremony's run sheet (签约仪式流程单, issue 19 item 5): the
host's cue sheet (主持人串词提示) in large type and the stage plan, one page
per signing, seen from the hall.

Only agreements signed at the ceremony (not 场外签约) are on it, ceremony by
ceremony (the agenda's signing ceremonies) in the ceremony order, numbered
from 1 in each ceremony as the host announces them. The first party is the
host side (主方), on the left as seen from the hall; the other parties are
the guest side (客方), on the right. Labels speak the reader's language; the
amount is read as the agreement prints it (in words in Chinese)."""
from itertools import zip_longest

from flask_babel import get_locale
from flask_babel import gettext as _
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, PageBreak, Paragraph, Spacer, Table

from ...events.documents import when_text
from ...pdf.document import build_pdf, escape, para, styles
from ...pdf.tables import GREEN, GREY, GRID, HEADER_BACKGROUND, table_style
from ..models import Agreement, SigningVenue
from .wording import amount_texts, party_letter, person_text


def _english() -> bool:
    locale = get_locale()
    return locale is not None and locale.language == "en"


def _grouped(agreements: list[Agreement]) -> list[tuple[object, list[Agreement]]]:
    """(agenda item or None, its agreements in ceremony order), the ceremonies in
    the agenda's order; agreements that name no ceremony come last."""
    on_stage = [a for a in agreements if a.signing_venue == SigningVenue.ceremony]
    groups: dict = {}
    for agreement in on_stage:
        groups.setdefault(agreement.agenda_item, []).append(agreement)
    return sorted(groups.items(), key=lambda g: (g[0] is None, g[0].starts_at if g[0] else None,
                                                 g[0].id if g[0] else 0))


def _heading(item) -> str:
    if item is None:
        return _("Signing ceremony (no agenda item chosen)")
    return f"{item.title} · {when_text(item.starts_at, item.ends_at)}"


def party_name(party) -> str:
    """'甲方 合肥工业大学' (Chinese), 'Party A: Hefei University of Technology (合肥工业大学)' (English)."""
    if _english():
        name = f"{party.printed_name_en} ({party.printed_name})" if party.printed_name_en else party.printed_name
        return _("Party %(letter)s", letter=party_letter(party.position)) + ": " + name
    return f"{party.role_label} {party.printed_name}"


def signer_text(party) -> str:
    return person_text(party.signatory_name, party.signatory_title) or _("signer not recorded")


def amount_text(agreement: Agreement) -> str:
    """What the host announces: the amount as the agreement prints it, or that it is not announced."""
    if not agreement.amount_disclosed or agreement.amount is None:
        return _("Amount not announced")
    zh, en = amount_texts(agreement)
    return en if _english() else zh


def _assistants_of(agreement: Agreement, party) -> list[str]:
    return [person_text(a.name, a.title) for a in agreement.assistants if a.organization_id == party.organization_id]


def _unplaced_assistants(agreement: Agreement) -> list[str]:
    parties = {p.organization_id for p in agreement.parties}
    return [person_text(a.name, a.title) for a in agreement.assistants if a.organization_id not in parties]


def _nothing(event, s, heading: str) -> list:
    return [para(event.title, s["title"]), Paragraph(escape(heading), s["subtitle"]), Spacer(1, 30 * mm),
            Paragraph(escape(_("Nothing to print: no agreement of this event is to be signed at its ceremony.")),
                      s["centered"])]


# --- the host's cue sheet -------------------------------------------------------------------------

def _cue_styles() -> dict:
    s = styles()
    big = ParagraphStyle("cue", parent=s["body"], fontSize=17, leading=26)
    return {**s, "cue": big,
            "cue_number": ParagraphStyle("cue-number", parent=big, fontSize=22, leading=30, textColor=GREEN),
            "cue_title": ParagraphStyle("cue-title", parent=big, fontSize=20, leading=29),
            "cue_label": ParagraphStyle("cue-label", parent=big, fontSize=13, leading=20, textColor=GREY),
            "cue_side": ParagraphStyle("cue-side", parent=big, fontSize=13, leading=20, textColor=GREEN)}


def _labelled(label: str, text: str, s) -> list:
    return [Paragraph(escape(label), s["cue_label"]), para(text, s["cue"])]


def _cue(number: int, agreement: Agreement, s, width: float) -> list:
    parties = list(agreement.parties)
    host, guests = parties[:1], parties[1:]

    def side(label, side_parties) -> list:
        """One cell per line of the sheet, so that both sides' lines stand level."""
        cells = [[Paragraph(escape(label), s["cue_side"])]]
        for party in side_parties:
            assistants = _assistants_of(agreement, party)
            cells += [[para(party_name(party), s["cue"])],
                      [Paragraph(escape(_("Signs:")), s["cue_label"]), para(signer_text(party), s["cue"])],
                      _labelled(_("Signing assistant:"), "、".join(assistants), s) if assistants else ""]
        return cells

    left = side(_("Host side (主方), left as seen from the hall"), host)
    right = side(_("Guest side (客方), right as seen from the hall"), guests)
    lines = [list(pair) for pair in zip_longest(left, right, fillvalue="")]
    sides = Table(lines, colWidths=[width / 2, width / 2])
    sides.setStyle(table_style([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEAFTER", (0, 0), (0, -1), 0.5, GRID),
                                ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 8)]))
    story = [Paragraph(escape(_("Signing %(n)d", n=number)), s["cue_number"]), para(agreement.title, s["cue_title"]),
             Spacer(1, 2 * mm), sides, Spacer(1, 2 * mm)]
    unplaced = _unplaced_assistants(agreement)
    if unplaced:
        story += _labelled(_("Signing assistants:"), "、".join(unplaced), s)
    witnesses = [person_text(w.name, w.title) for w in agreement.witnesses]
    story += _labelled(_("Witnessing leaders (standing behind):"),
                       "、".join(witnesses) if witnesses else _("none recorded"), s)
    story += _labelled(_("Amount:"), amount_text(agreement), s)
    return [CondPageBreak(90 * mm), KeepTogether(story), Spacer(1, 4 * mm)]


def cue_sheet_story(event, agreements: list[Agreement]) -> list:
    s = _cue_styles()
    heading = _("Host's cue sheet")
    groups = _grouped(agreements)
    if not groups:
        return _nothing(event, s, heading)
    story = [para(event.title, s["title"]), Paragraph(escape(heading), s["subtitle"])]
    width = A4[0] - 40 * mm - 12
    for index, (item, group) in enumerate(groups):
        if index:
            story.append(PageBreak())
        story += [para(_heading(item), s["heading"]),
                  Paragraph(escape(_("%(n)d signings in this order.", n=len(group))), s["small"])]
        for number, agreement in enumerate(group, start=1):
            story += _cue(number, agreement, s, width)
    return story


def run_sheet_pdf(event, agreements: list[Agreement]) -> bytes:
    return build_pdf(cue_sheet_story(event, agreements), title=_("Run sheet %(title)s", title=event.title),
                     subject=event.title)


# --- the stage plan --------------------------------------------------------------------------------

def _box(lines: list[tuple[str, ParagraphStyle]]) -> list:
    return [para(text, style) for text, style in lines]


def _stage(number: int, agreement: Agreement, s, width: float) -> list:
    parties = list(agreement.parties)
    # The front row seen from the hall, left to right: the host side's assistants, its signer, then each
    # guest side's signer and assistants; in three table rows (what, who, which party) so the names stand level.
    labels, names, sides = [], [], []
    for index, party in enumerate(parties):
        signer = (_("Signer") + " · " + (_("host side (主方)") if index == 0 else _("guest side (客方)")),
                  signer_text(party), party_name(party))
        assistants = _assistants_of(agreement, party)
        helper = (_("Signing assistant"), "\n".join(assistants), "") if assistants else ("", "", "")
        for label, name, side in ([helper, signer] if index == 0 else [signer, helper]):
            labels.append(para(label, s["plan_label"]))
            names.append(para(name, s["plan_name"]))
            sides.append(para(side, s["plan_small"]))
    columns = len(names)
    witnesses = [person_text(w.name, w.title) for w in agreement.witnesses]
    behind = _box([(_("Witnessing leaders, standing behind, from the hall's left"), s["plan_label"])]
                  + ([("　".join(witnesses), s["plan_name"])] if witnesses else [(_("none recorded"), s["plan_small"])]))
    rows = [[behind] + [""] * (columns - 1),
            [Paragraph(escape(_("Signing table")), s["plan_table"])] + [""] * (columns - 1),
            labels, names, sides,
            [Paragraph(escape("↓ " + _("The hall (audience)") + " ↓"), s["plan_table"])] + [""] * (columns - 1)]
    plan = Table(rows, colWidths=[width / columns] * columns)
    commands = [("SPAN", (0, r), (-1, r)) for r in (0, 1, 5)] + [
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("BOX", (0, 0), (-1, 0), 0.6, GRID),
        ("BACKGROUND", (0, 1), (-1, 1), HEADER_BACKGROUND), ("BOX", (0, 1), (-1, 1), 0.6, GREEN),
        ("TOPPADDING", (0, 0), (-1, 0), 8), ("BOTTOMPADDING", (0, 0), (-1, 0), 8),
        ("TOPPADDING", (0, 2), (-1, 2), 8), ("BOTTOMPADDING", (0, 4), (-1, 4), 8)]
    signer_columns = _signer_columns(parties)
    for column in range(columns):
        if column in signer_columns or names[column].text:
            commands.append(("BOX", (column, 2), (column, 4), 0.6, GREEN if column in signer_columns else GRID))
    plan.setStyle(table_style(commands))
    host = parties[0] if parties else None
    note = _("Seen from the hall: the host side (主方, %(host)s) is on the left, the guest side (客方) on the right; "
             "the signing assistants stand beside their signers, the witnessing leaders in a row behind.",
             host=host.printed_name if host else "—")
    story = [Paragraph(escape(_("Signing %(n)d", n=number)), s["heading"]), para(agreement.title, s["subheading"]),
             Spacer(1, 4 * mm), plan, Spacer(1, 2 * mm)]
    story.append(Table([[Paragraph(escape(_("Left of the hall")), s["small"]),
                         Paragraph(escape(_("Right of the hall")), s["plan_right"])]], colWidths=[width / 2] * 2))
    unplaced = _unplaced_assistants(agreement)
    if unplaced:
        story.append(para(_("Signing assistants (side not recorded): %(people)s", people="、".join(unplaced)),
                          s["body"]))
    story += [Spacer(1, 3 * mm), Paragraph(escape(note), s["small"]),
              para((_("Amount:") + " " if agreement.amount_disclosed else "") + amount_text(agreement), s["body"])]
    return story


def _signer_columns(parties) -> set[int]:
    """The front row's signer columns: [assistant, signer] for the host side, [signer, assistant] for each guest."""
    return {1} | {2 * index for index in range(1, len(parties))}


def stage_plan_pdf(event, agreements: list[Agreement]) -> bytes:
    s = styles()
    s.update(plan_label=ParagraphStyle("plan-label", parent=s["cell"], fontSize=9, leading=12, textColor=GREY,
                                       alignment=TA_CENTER),
             plan_name=ParagraphStyle("plan-name", parent=s["cell"], fontSize=14, leading=20, alignment=TA_CENTER),
             plan_small=ParagraphStyle("plan-small", parent=s["cell"], fontSize=9, leading=12, alignment=TA_CENTER),
             plan_table=ParagraphStyle("plan-table", parent=s["cell"], fontSize=12, leading=18, alignment=TA_CENTER,
                                       textColor=GREEN),
             plan_right=ParagraphStyle("plan-right", parent=s["small"], alignment=2))
    heading = _("Stage plan")
    groups = _grouped(agreements)
    if not groups:
        story = _nothing(event, s, heading)
    else:
        story = []
        width = landscape(A4)[0] - 30 * mm - 12
        first = True
        for item, group in groups:
            for number, agreement in enumerate(group, start=1):
                if not first:
                    story.append(PageBreak())
                first = False
                story += [para(f"{event.title} · {heading}", s["small"]), para(_heading(item), s["small"])]
                story += _stage(number, agreement, s, width)
    return build_pdf(story, title=_("Stage plan %(title)s", title=event.title), subject=event.title,
                     margins_mm=(12, 15, 16, 15), pagesize=landscape(A4))

