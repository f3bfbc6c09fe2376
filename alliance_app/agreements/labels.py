from flask_babel import lazy_gettext as _l

from .models import AgreementKind, AgreementStatus, Sector

KIND_LABELS = {
    AgreementKind.strategic_cooperation: _l("Strategic cooperation"),
    AgreementKind.business_cooperation: _l("Business cooperation"),
    AgreementKind.investment: _l("Investment"),
    AgreementKind.procurement: _l("Procurement"),
    AgreementKind.research_cooperation: _l("Research cooperation"),
    AgreementKind.other: _l("Other"),
}

SECTOR_LABELS = {
    Sector.aftermarket: _l("Aftermarket"),
    Sector.materials: _l("Materials"),
    Sector.energy_storage: _l("Energy storage"),
    Sector.battery_swap: _l("Battery swap"),
    Sector.recycling: _l("Recycling"),
    Sector.talent_research: _l("Talent and research"),
    Sector.other: _l("Other"),
}

STATUS_LABELS = {
    AgreementStatus.draft: _l("Draft"),
    AgreementStatus.ready: _l("Ready for signing"),
    AgreementStatus.signed: _l("Signed"),
    AgreementStatus.voided: _l("Void"),
}

STATUS_COLOURS = {AgreementStatus.draft: "secondary", AgreementStatus.ready: "warning",
                  AgreementStatus.signed: "success", AgreementStatus.voided: "dark"}
