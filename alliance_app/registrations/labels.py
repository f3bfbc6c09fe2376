from flask_babel import lazy_gettext as _l

from .models import DelegateCategory, RegistrationStatus

CATEGORY_LABELS = {
    DelegateCategory.government: _l("Government"),
    DelegateCategory.university: _l("University"),
    DelegateCategory.association: _l("Association"),
    DelegateCategory.expert: _l("Expert"),
    DelegateCategory.enterprise: _l("Enterprise"),
    DelegateCategory.media: _l("Media"),
    DelegateCategory.other: _l("Other"),
}

STATUS_LABELS = {
    RegistrationStatus.pending: _l("Awaiting confirmation"),
    RegistrationStatus.confirmed: _l("Confirmed"),
    RegistrationStatus.waitlisted: _l("Waiting list"),
    RegistrationStatus.cancelled: _l("Cancelled"),
    RegistrationStatus.checked_in: _l("Checked in"),
}

STATUS_COLOURS = {
    RegistrationStatus.pending: "warning",
    RegistrationStatus.confirmed: "success",
    RegistrationStatus.waitlisted: "info",
    RegistrationStatus.cancelled: "secondary",
    RegistrationStatus.checked_in: "primary",
}

# Badge colours by category, on screen and on printed badges.
CATEGORY_COLOURS = {
    DelegateCategory.government: "#b91c1c",
    DelegateCategory.university: "#1d4ed8",
    DelegateCategory.association: "#7c3aed",
    DelegateCategory.expert: "#b45309",
    DelegateCategory.enterprise: "#15803d",
    DelegateCategory.media: "#0e7490",
    DelegateCategory.other: "#4b5563",
}
