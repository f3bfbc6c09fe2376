"""The follow-up of signed agreements in the JSON API: progress reports
(list, submit, accept, return) and the follow-up totals of an event or a year.

Access (bearer token; no token → 401): the secretariat reads and reviews
everything and may report for a project; a member representative lists and
submits the reports of its own organization on agreements it is a party to
(another organization's agreement: 403) and reads an event's follow-up
totals only of its own agreements; accept and return are the secretariat's.

`invested_cny` is a decimal string ("12000000.00", "1200万"), never a JSON
number; the rates are decimal fractions with four places ("0.4167")."""
import marshmallow as ma
from flask import abort
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from ..agreements.models import Agreement, DocumentKind, SigningVenue
from ..core.permissions import login_required, secretariat_required
from ..events.models import Event
from ..followup import services
from ..followup.models import ProgressReport, ReportStatus, Stage
from ..followup.totals import follow_up
from ..reports.totals import Scope
from . import API_PREFIX
from .common import StrictSchema
from .fields import BOOLEAN_ERRORS, DecimalString, Moment, Text
from .resource import Lookup, operation_for
from .totals import Amount

blp = Blueprint("api_followup", __name__, url_prefix=API_PREFIX,
                description="Follow-up of signed agreements: progress reports and the follow-up totals")
operation = operation_for(blp, {
    403: "Not the secretariat, or an agreement the caller's organization is not a party to",
    404: "No such agreement, report or event",
    409: "The agreement is not signed, or the report has been reviewed already",
    422: "Invalid input, with a message per field",
})

STAGES = [s.value for s in Stage]
REPORT_STATUSES = [s.value for s in ReportStatus]
INVESTED = "The amount invested to date, a decimal string in CNY such as \"12000000.00\""
RATE = {"type": "string", "nullable": True,
        "description": "A decimal fraction with four places, e.g. \"0.4167\"; null when nothing is signed"}


class Rate(ma.fields.String):
    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else f"{value:f}"


class ReportSchema(ma.Schema):
    id = ma.fields.Integer()
    agreement_id = ma.fields.Integer()
    organization_id = ma.fields.Integer(metadata={"description": "The party the report is for"})
    stage = ma.fields.String(metadata={"enum": STAGES})
    stage_on = ma.fields.Date(allow_none=True, metadata={"description": "When the stage was reached"})
    invested_cny = DecimalString(INVESTED, attribute="invested", metadata={"description": INVESTED})
    note = ma.fields.String()
    problems = ma.fields.String(allow_none=True, metadata={"description": "存在问题及需协调事项"})
    reason = ma.fields.String(allow_none=True)
    status = ma.fields.String(metadata={"enum": REPORT_STATUSES})
    remark = ma.fields.String(allow_none=True, metadata={"description": "The secretariat's, when returned"})
    attachments = ma.fields.Method("attachment_names", metadata={"description": "File names of the attachments"})
    created_at = Moment()
    reviewed_at = Moment()

    def attachment_names(self, report):
        return [a.filename for a in report.attachments]


class ReportCreateSchema(StrictSchema):
    stage = ma.fields.String(required=True, metadata={"enum": STAGES})
    stage_on = ma.fields.String(allow_none=True, metadata={"format": "date"})
    invested_cny = DecimalString(INVESTED, required=True, metadata={"description": INVESTED})
    note = Text(4000, required=True)
    problems = Text(4000)
    reason = Text(4000, metadata={"description": "Needed when terminated or when the stage goes back"})
    confirm = ma.fields.Boolean(error_messages=BOOLEAN_ERRORS, metadata={
        "description": "true: an invested amount above what is plausible for the signed value is meant"})


class ReturnSchema(StrictSchema):
    remark = Text(4000, required=True)


class FiguresSchema(ma.Schema):
    signed_count = ma.fields.Integer()
    signed_total = Amount()
    landed_count = ma.fields.Integer(metadata={"description": "Landed, under construction or in operation"})
    landed_total = Amount()
    under_construction_count = ma.fields.Integer()
    under_construction_total = Amount()
    in_operation_count = ma.fields.Integer()
    in_operation_total = Amount()
    terminated_count = ma.fields.Integer()
    terminated_total = Amount()
    invested_total = Amount(metadata={"description": "Invested to date, as last accepted"})
    landed_rate_count = Rate(allow_none=True, metadata=RATE)
    landed_rate_value = Rate(allow_none=True, metadata=RATE)
    invested_rate = Rate(allow_none=True, metadata={**RATE, "description": "资金到位率: invested_total / "
                                                                           "signed_total"})


class SectorFiguresSchema(FiguresSchema):
    sector = ma.fields.String()


class PartnerFiguresSchema(FiguresSchema):
    organization_id = ma.fields.Integer()
    name = ma.fields.String()


class YearFiguresSchema(FiguresSchema):
    year = ma.fields.Integer()


class DocumentKindFiguresSchema(FiguresSchema):
    document_kind = ma.fields.String(metadata={"enum": [k.value for k in DocumentKind],
                                               "description": "合同 / 协议 / 战略合作"})


class VenueFiguresSchema(FiguresSchema):
    signing_venue = ma.fields.String(metadata={"enum": [v.value for v in SigningVenue],
                                               "description": "ceremony: 集中签约; elsewhere: 场外签约"})


class FollowUpSchema(FiguresSchema):
    currency = ma.fields.String(metadata={"enum": ["CNY"]})
    scope = ma.fields.String(metadata={"enum": ["all", "own_organization"]})
    by_sector = ma.fields.List(ma.fields.Nested(SectorFiguresSchema), metadata={
        "description": "An agreement in several sectors counts in each, at its full value"})
    by_partner = ma.fields.List(ma.fields.Nested(PartnerFiguresSchema))
    by_year = ma.fields.List(ma.fields.Nested(YearFiguresSchema))
    by_document_kind = ma.fields.List(ma.fields.Nested(DocumentKindFiguresSchema), metadata={
        "description": "Every kind of document, each with its figures; they add up to the totals"})
    by_signing_venue = ma.fields.List(ma.fields.Nested(VenueFiguresSchema), metadata={
        "description": "At the ceremony and elsewhere during the event; they add up to the totals"})


def _can_report(agreement, user) -> bool:
    return agreement.can_view(user)


@blp.route("/agreements/<int:agreement_id>/reports", endpoint="agreement_reports")
class AgreementReports(MethodView):

    @operation(access=login_required, load=Lookup(Agreement, "agreement_id", can=_can_report),
               response=ReportSchema(many=True), errors=(401, 403, 404))
    def get(self, agreement):
        """The agreement's progress reports, newest first (a member: its own organization's)."""
        return services.reports_of(agreement, current_user)

    @operation(access=login_required, load=Lookup(Agreement, "agreement_id", can=_can_report),
               body=ReportCreateSchema, response=ReportSchema, status=201, errors=(400, 401, 403, 404, 409))
    def post(self, data, agreement):
        """Submit a progress report; the secretariat accepts it or returns it."""
        return services.submit_report(agreement, data, [], current_user)


@blp.route("/reports/<int:report_id>/accept", endpoint="report_accept")
class ReportAccept(MethodView):

    @operation(access=secretariat_required, load=Lookup(ProgressReport, "report_id"), response=ReportSchema,
               errors=(401, 403, 404, 409))
    def post(self, report):
        """Accept the report: the project takes its stage and invested amount."""
        return services.accept_report(report, current_user)


@blp.route("/reports/<int:report_id>/return", endpoint="report_return")
class ReportReturn(MethodView):

    @operation(access=secretariat_required, load=Lookup(ProgressReport, "report_id"), body=ReturnSchema,
               response=ReportSchema, errors=(400, 401, 403, 404, 409))
    def post(self, data, report):
        """Send the report back to the member with a remark."""
        return services.return_report(report, data.get("remark"), current_user)


def _scope(event_id=None, year=None) -> tuple[Scope, str]:
    if current_user.is_secretariat:
        return Scope(event_id=event_id, year=year), "all"
    return Scope(event_id=event_id, year=year, organization_id=current_user.member_organization_id), \
        "own_organization"


@blp.route("/events/<int:event_id>/follow-up", endpoint="event_follow_up")
class EventFollowUp(MethodView):

    @operation(access=login_required, load=Lookup(Event, "event_id", can=Event.can_view, refused=404),
               response=FollowUpSchema, errors=(401, 404))
    def get(self, event):
        """How much of an event's signed value landed: stages, invested amounts, rates, by sector."""
        scope, kind = _scope(event_id=event.id)
        return {**follow_up(scope), "scope": kind}


@blp.route("/years/<int:year>/follow-up", endpoint="year_follow_up")
class YearFollowUp(MethodView):

    @operation(access=login_required, response=FollowUpSchema, errors=(401, (404, "A year outside 2000–2100")))
    def get(self, year):
        """The follow-up of the agreements signed in a year (local time)."""
        if not 2000 <= year <= 2100:
            abort(404)
        scope, kind = _scope(year=year)
        return {**follow_up(scope), "scope": kind}
