"""Display names of the enums, translatable."""
from flask_babel import lazy_gettext as _l

from .models import MembershipStatus, OrganizationKind, Tier

KIND_LABELS = {
    OrganizationKind.enterprise: _l("Enterprise"),
    OrganizationKind.university: _l("University"),
    OrganizationKind.research_institute: _l("Research institute"),
    OrganizationKind.association: _l("Association"),
    OrganizationKind.government_agency: _l("Government agency"),
    OrganizationKind.financial: _l("Financial / investment"),
    OrganizationKind.other: _l("Other"),
}

STATUS_LABELS = {
    MembershipStatus.non_member: _l("Non-member"),
    MembershipStatus.applicant: _l("Applicant"),
    MembershipStatus.active: _l("Active member"),
    MembershipStatus.suspended: _l("Suspended"),
    MembershipStatus.withdrawn: _l("Withdrawn"),
    MembershipStatus.rejected: _l("Rejected"),
}

TIER_LABELS = {
    Tier.chair: _l("Chair unit"),
    Tier.vice_chair: _l("Vice-chair unit"),
    Tier.executive_director: _l("Executive director unit"),
    Tier.director: _l("Director unit"),
    Tier.member: _l("Member unit"),
}
