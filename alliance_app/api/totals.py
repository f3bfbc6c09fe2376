"""Totals of signed value in the JSON API. Every amount is a decimal string in
CNY ("3500000000.00"), never a JSON number.

Access (bearer token; no token → 401): the secretariat sees every figure; a
member representative sees an event's full figures only when the event
publishes them (and is published), otherwise — and for a year — only the
figures of agreements its own organization is a party to."""
import marshmallow as ma
from flask import abort
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from ..agreements.models import DocumentKind, SigningVenue
from ..events.models import Event
from ..core.money import plain
from ..core.permissions import login_required
from ..reports.totals import Scope, by_month, totals
from . import API_PREFIX
from .resource import Lookup, operation_for

blp = Blueprint("api_totals", __name__, url_prefix=API_PREFIX,
                description="Totals of signed agreement value (CNY, exact to the fen)")

operation = operation_for(blp, {404: "No such event, or a draft for a member"})

AMOUNT = {"description": "Decimal string in CNY, e.g. \"3500000000.00\""}


class Amount(ma.fields.String):
    """A Decimal as the API's plain decimal string ("3500000000.00"), never a JSON number."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else plain(value)


class SectorSchema(ma.Schema):
    sector = ma.fields.String()
    count = ma.fields.Integer()
    amount = Amount(metadata={"description": "Apportioned: an agreement in n sectors counts 1/n in each "
                                                      "(odd fen to the first), so these add up to signed_total"})
    amount_involved = Amount(metadata={"description": "Full value of the agreements in the sector "
                                                               "(overlapping)"})


class KindSchema(ma.Schema):
    kind = ma.fields.String()
    count = ma.fields.Integer()
    amount = Amount(metadata=AMOUNT)


class DocumentKindSchema(ma.Schema):
    document_kind = ma.fields.String(metadata={"enum": [k.value for k in DocumentKind],
                                               "description": "合同 / 协议 / 战略合作"})
    count = ma.fields.Integer()
    amount = Amount(metadata=AMOUNT)


class VenueSchema(ma.Schema):
    signing_venue = ma.fields.String(metadata={"enum": [v.value for v in SigningVenue],
                                               "description": "ceremony: 集中签约; elsewhere: 场外签约"})
    count = ma.fields.Integer()
    amount = Amount(metadata=AMOUNT)


class DocumentAndVenueSchema(DocumentKindSchema):
    signing_venue = ma.fields.String(metadata={"enum": [v.value for v in SigningVenue]})


class OrganizationTotalSchema(ma.Schema):
    organization_id = ma.fields.Integer()
    name = ma.fields.String()
    count = ma.fields.Integer()
    amount = Amount(metadata=AMOUNT)


class TierSchema(ma.Schema):
    tier = ma.fields.String(allow_none=True, metadata={"description": "null: not a member"})
    agreements = ma.fields.Integer()
    organizations = ma.fields.Integer()


class UndisclosedSchema(ma.Schema):
    id = ma.fields.Integer()
    number = ma.fields.String()
    title = ma.fields.String()


class MonthSchema(ma.Schema):
    month = ma.fields.Integer()
    count = ma.fields.Integer()
    amount = Amount(metadata=AMOUNT)


class TotalsSchema(ma.Schema):
    currency = ma.fields.String(metadata={"enum": ["CNY"]})
    scope = ma.fields.String(metadata={"enum": ["all", "own_organization"],
                                       "description": "own_organization: only the caller's organization's agreements"})
    signed_total = Amount(metadata=AMOUNT)
    signed_count = ma.fields.Integer()
    counterparty_count = ma.fields.Integer(metadata={"description": "Distinct parties other than the first (甲方)"})
    undisclosed_count = ma.fields.Integer(metadata={"description": "Signed without a published amount: counted, "
                                                                   "not summed"})
    undisclosed = ma.fields.List(ma.fields.Nested(UndisclosedSchema))
    pipeline_total = Amount(metadata={"description": "Ready for signing, not yet signed (CNY)"})
    pipeline_count = ma.fields.Integer()
    by_sector = ma.fields.List(ma.fields.Nested(SectorSchema))
    by_kind = ma.fields.List(ma.fields.Nested(KindSchema))
    by_document_kind = ma.fields.List(ma.fields.Nested(DocumentKindSchema), metadata={
        "description": "Every kind of document (an agreement without one chosen counts as its kind suggests); "
                       "adds up to signed_count and signed_total"})
    by_signing_venue = ma.fields.List(ma.fields.Nested(VenueSchema), metadata={
        "description": "At the ceremony (集中签约) and elsewhere during the event (场外签约); adds up to "
                       "signed_count and signed_total"})
    by_document_and_venue = ma.fields.List(ma.fields.Nested(DocumentAndVenueSchema), metadata={
        "description": "Both at once: every kind of document at each place"})
    by_organization = ma.fields.List(ma.fields.Nested(OrganizationTotalSchema))
    by_tier = ma.fields.List(ma.fields.Nested(TierSchema))


class YearTotalsSchema(TotalsSchema):
    year = ma.fields.Integer()
    by_month = ma.fields.List(ma.fields.Nested(MonthSchema))


def _scope_for(event: Event | None = None, year: int | None = None) -> tuple[Scope, str]:
    if current_user.is_secretariat or (event is not None and event.publish_totals and event.is_published):
        return Scope(event_id=event.id if event else None, year=year), "all"
    return Scope(event_id=event.id if event else None, year=year, organization_id=current_user.member_organization_id), \
        "own_organization"


@blp.route("/events/<int:event_id>/totals", endpoint="event_totals")
class EventTotals(MethodView):

    @operation(access=login_required, load=Lookup(Event, "event_id", can=Event.can_view, refused=404),
               response=TotalsSchema, errors=(401, 404))
    def get(self, event):
        """The signed value of an event's agreements, with its breakdowns."""
        scope, kind = _scope_for(event=event)
        return {**totals(scope), "scope": kind}


@blp.route("/years/<int:year>/totals", endpoint="year_totals")
class YearTotals(MethodView):

    @operation(access=login_required, response=YearTotalsSchema, errors=(401, (404, "A year outside 2000–2100")))
    def get(self, year):
        """Agreements signed in a year (local time), with the value per month."""
        if not 2000 <= year <= 2100:
            abort(404)
        scope, kind = _scope_for(year=year)
        figures = {**totals(scope), "scope": kind, "year": year}
        if kind == "all":
            figures["by_month"] = by_month(year)
        return figures
