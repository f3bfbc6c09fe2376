from flask_babel import lazy_gettext as _l

from .models import AgreementKind, AgreementStatus, DocumentKind, Sector, SigningVenue

KIND_LABELS = {
    AgreementKind.strategic_cooperation: _l("Strategic cooperation"),
    AgreementKind.business_cooperation: _l("Business cooperation"),
    AgreementKind.investment: _l("Investment"),
    AgreementKind.procurement: _l("Procurement"),
    AgreementKind.research_cooperation: _l("Research cooperation"),
    AgreementKind.other: _l("Other"),
}

DOCUMENT_KIND_LABELS = {
    DocumentKind.contract: _l("Contract (合同)"),
    DocumentKind.agreement: _l("Agreement (协议)"),
    DocumentKind.strategic_cooperation: _l("Strategic cooperation (战略合作)"),
}

VENUE_LABELS = {
    SigningVenue.ceremony: _l("At the signing ceremony (集中签约)"),
    SigningVenue.elsewhere: _l("Elsewhere during the event (场外签约)"),
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
