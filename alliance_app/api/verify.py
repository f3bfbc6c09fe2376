"""The public verification of printed agreements, as JSON (issue 17): what
/verify/<code> shows, and the comparison of a PDF with the archive.

No token needed. Lookups are throttled per address (429 past the limit);
an unknown code is 404, as an address that does not exist."""
import marshmallow as ma
from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from ..agreements import verification
from ..core.errors import ServiceError
from . import API_PREFIX
from .fields import Moment
from .resource import anyone, operation_for

blp = Blueprint("api_verify", __name__, url_prefix=API_PREFIX,
                description="Verification of printed agreements: the public record behind the QR code in their "
                            "page footers, and the comparison of a PDF with the archived one")
# The same answers at the addresses printed beside the QR code's page (issue 17 names
# them for integrations): GET /verify/<code>.json and POST /verify, outside /api/v1.
public_blp = Blueprint("api_verify_public", __name__, url_prefix="",
                       description="The verification answers at the public page's own addresses "
                                   "(the same as /api/v1/verify)")
ERRORS = {
    404: "No agreement has this verification code",
    413: "The upload is larger than the site accepts",
    422: "No file, a file that is not a PDF or larger than VERIFY_UPLOAD_MAX_BYTES, or a malformed code "
         "(errors per field: file, code)",
    429: "Too many verifications from this address; try again later",
}
operation = operation_for(blp, ERRORS)
public_operation = operation_for(public_blp, ERRORS)
MATCHES = [verification.IDENTICAL, verification.IDENTICAL_BEFORE_SIGNATURE, verification.DIFFERENT,
           verification.NOT_ARCHIVED]


class VerificationSchema(ma.Schema):
    number = ma.fields.String(attribute="agreement.number")
    title = ma.fields.String(attribute="agreement.title")
    parties = ma.fields.Function(lambda found: [p.printed_name for p in found.agreement.parties], metadata={
        "type": "array", "items": {"type": "string"}, "description": "The parties' names as printed, in order"})
    status = ma.fields.String(metadata={"enum": ["draft", "ready", "signed", "voided"]})
    signed_at = Moment(attribute="agreement.signed_at")
    voided_at = Moment(attribute="agreement.voided_at")
    amount = ma.fields.Function(
        lambda found: f"{found.agreement.amount:.2f}" if found.amount_shown else None,
        metadata={"type": "string", "nullable": True,
                  "description": "A decimal string in the currency's units; null where it is not disclosed"})
    currency = ma.fields.Function(lambda found: found.agreement.currency if found.amount_shown else None,
                                  metadata={"type": "string", "nullable": True})
    pdf_sha256 = ma.fields.String(attribute="sha256", allow_none=True, metadata={
        "description": "SHA-256 of the archived PDF; null before the agreement is signed"})
    signature = ma.fields.String(metadata={"enum": ["none", "self_signed", "trusted"]})
    signature_valid = ma.fields.Boolean(allow_none=True, metadata={
        "description": "Whether the archived PDF's digital signature validates; null when it has none"})
    verify_url = ma.fields.String(attribute="url")


class ComparisonSchema(ma.Schema):
    match = ma.fields.String(metadata={"enum": MATCHES, "description": (
        "identical: byte for byte the archived PDF; identical_before_signature: the archived PDF as handed out "
        "before its digital signature was added; different: any other file (changed, pages added, saved again); "
        "not_archived: the agreement has no archived PDF (not signed)")})
    sha256 = ma.fields.String(metadata={"description": "SHA-256 of the uploaded file"})
    agreement = ma.fields.Nested(VerificationSchema, allow_none=True, metadata={
        "description": "The agreement compared with: the one of `code`, or the one whose archive the file is; "
                       "null when the file matches no archive and no code was sent"})


@blp.route("/verify/<code>", endpoint="verification")
class Verification(MethodView):

    @operation(access=anyone, response=VerificationSchema, errors=(401, 404, 429))
    def get(self, code):
        """The public record of the agreement with this verification code (printed
        in its page footers): number, title, parties, status, dates, the amount
        where disclosed, the archived PDF's SHA-256 and signature."""
        return _verification(code)


def _verification(code):
    return verification.verification(verification.lookup(code, request.remote_addr or ""))


UPLOAD_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary", "description": "The PDF to compare"},
        "code": {"type": "string", "description": "The verification code printed on it (optional)"}}}}}}}


@blp.route("/verify", endpoint="compare")
class Compare(MethodView):

    @operation(access=anyone, response=ComparisonSchema, errors=(401, 404, 413, 422, 429), doc=UPLOAD_BODY)
    def post(self):
        """Is this PDF byte-identical to an archived agreement? With `code`, compared with
        that agreement's archive; without, looked up by its SHA-256 among all archives."""
        return _compare()


def _compare():
    import hashlib

    limit = current_app.config["VERIFY_UPLOAD_MAX_BYTES"]
    storage = request.files.get("file")
    content = storage.stream.read(limit + 1) if storage else b""
    problem = verification.upload_problem(content, limit)
    if problem:
        raise ServiceError(problem, field="file")
    digest = hashlib.sha256(content).hexdigest()
    code = request.form.get("code")
    if code:
        agreement = verification.lookup(code, request.remote_addr or "")
    else:
        verification.lookup_allowed(request.remote_addr or "")
        agreement = verification.find_by_hash(digest)
    if agreement is None:
        return {"match": verification.DIFFERENT, "sha256": digest, "agreement": None}
    found = verification.verification(agreement)
    return {"match": verification.compare(found, content=content), "sha256": digest, "agreement": found}


@public_blp.route("/verify/<code>.json", endpoint="verification")
class PublicVerification(MethodView):

    @public_operation(access=anyone, response=VerificationSchema, errors=(401, 404, 429))
    def get(self, code):
        """The public record of the agreement with this verification code, as
        GET /api/v1/verify/{code} answers it."""
        return _verification(code)


@public_blp.route("/verify", endpoint="compare")
class PublicCompare(MethodView):

    @public_operation(access=anyone, response=ComparisonSchema, errors=(401, 404, 413, 422, 429), doc=UPLOAD_BODY)
    def post(self):
        """Is this PDF byte-identical to an archived agreement? As POST /api/v1/verify."""
        return _compare()
