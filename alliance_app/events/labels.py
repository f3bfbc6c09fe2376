from flask_babel import lazy_gettext as _l

from .models import AgendaKind, EventStatus, OrganizerRole, ParticipantPart, RegistrationState

STATUS_LABELS = {
    EventStatus.draft: _l("Draft"),
    EventStatus.published: _l("Published"),
    EventStatus.cancelled: _l("Cancelled"),
}

ROLE_LABELS = {
    OrganizerRole.guiding: _l("Guiding units"),
    OrganizerRole.host: _l("Host"),
    OrganizerRole.co_organizer: _l("Co-organizers"),
    OrganizerRole.supporting: _l("Supporting units"),
    OrganizerRole.sponsor: _l("Sponsors"),
}

KIND_LABELS = {
    AgendaKind.opening_remarks: _l("Opening remarks"),
    AgendaKind.progress_report: _l("Progress report"),
    AgendaKind.keynote: _l("Keynote"),
    AgendaKind.panel: _l("Panel discussion"),
    AgendaKind.expert_lecture: _l("Expert lecture"),
    AgendaKind.signing_ceremony: _l("Signing ceremony"),
    AgendaKind.unveiling_ceremony: _l("Unveiling ceremony"),
    AgendaKind.break_: _l("Break"),
    AgendaKind.other: _l("Other"),
}

PART_LABELS = {
    ParticipantPart.speaker: _l("Speaker"),
    ParticipantPart.moderator: _l("Moderator"),
    ParticipantPart.panelist: _l("Panelist"),
    ParticipantPart.signatory: _l("Signatory"),
    ParticipantPart.guest: _l("Guest"),
}

REGISTRATION_LABELS = {
    RegistrationState.not_open: _l("Registration not open yet"),
    RegistrationState.open: _l("Registration open"),
    RegistrationState.closed: _l("Registration closed"),
}
