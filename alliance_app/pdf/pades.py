"""PAdES digital signatures of finished PDFs with pyHanko: the key from a
PKCS#12 file, a self-signed certificate for trials, the signature appended as
an incremental update that covers the whole file, and its validation.

Knows nothing of agreements: callers give the bytes, the key's place and the
name to sign with."""
import io
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from flask_babel import gettext as _

# What the API and the verification page call a signature's kind.
NONE, SELF_SIGNED, TRUSTED = "none", "self_signed", "trusted"
FIELD_NAME = "AllianceSignature"
SIGNATURE_ROOM = 12_000  # bytes for the CMS signature: an RSA-4096 chain of three fits


def _import_pyhanko() -> None:
    """pyHanko, imported when first needed (it costs half a second at start-up).
    It imports cryptography's DSA names, which cryptography flags as deprecated
    on import; no DSA key is used here, so that warning is only noise."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        import pyhanko.sign.signers  # noqa: F401


def _signer_class():
    """pyHanko's SimpleSigner, keeping the private key it was given: its own
    sign_raw parses and validates the RSA key again for every signature
    (140 ms of a 200 ms signature, measured)."""
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from pyhanko.sign.general import get_pyca_cryptography_hash
    from pyhanko.sign.signers import SimpleSigner

    class KeptKeySigner(SimpleSigner):
        def __init__(self, *, private_key, **kwargs):
            super().__init__(**kwargs)
            self._private_key = private_key

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
            if isinstance(self._private_key, RSAPrivateKey) and mechanism.signature_algo == "rsassa_pkcs1v15":
                return self._private_key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
            return super().sign_raw(data, digest_algorithm)

    return KeptKeySigner


class KeyProblem(Exception):
    """The signing key cannot be used (missing, wrong passphrase, expired):
    the message says which, for the secretariat."""


@dataclass(frozen=True)
class Key:
    signer: object          # pyhanko SimpleSigner
    certificate: x509.Certificate
    kind: str               # SELF_SIGNED or TRUSTED

    @property
    def fingerprint(self) -> str:
        return self.certificate.fingerprint(hashes.SHA256()).hex()


def _is_self_signed(certificate: x509.Certificate) -> bool:
    if certificate.issuer != certificate.subject:
        return False
    try:
        certificate.verify_directly_issued_by(certificate)
    except (ValueError, TypeError, Exception):  # noqa: BLE001 - any failure: not its own issuer
        return False
    return True


def expired(certificate: x509.Certificate) -> str:
    return _("The signing certificate expired on %(date)s.", date=f"{certificate.not_valid_after_utc:%Y-%m-%d}")


def load_key(path: str | Path, passphrase: str | None, now: datetime | None = None) -> Key:
    """The signer of a PKCS#12 file, or KeyProblem saying why not."""
    _import_pyhanko()
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError:
        raise KeyProblem(_("The signing key file %(path)s cannot be read.", path=path)) from None
    secret = passphrase.encode() if passphrase else None
    try:
        _key, certificate, _others = pkcs12.load_key_and_certificates(data, secret)
    except (ValueError, TypeError):
        raise KeyProblem(_("The signing key %(name)s cannot be opened: wrong passphrase or not a PKCS#12 file.",
                           name=path.name)) from None
    if certificate is None or _key is None:
        raise KeyProblem(_("The signing key file %(name)s holds no key and certificate.", name=path.name))
    now = now or datetime.now(timezone.utc)
    if now > certificate.not_valid_after_utc:
        raise KeyProblem(expired(certificate))
    if now < certificate.not_valid_before_utc:
        raise KeyProblem(_("The signing certificate is valid only from %(date)s.",
                           date=f"{certificate.not_valid_before_utc:%Y-%m-%d}"))
    # The objects already decrypted, handed over as pyHanko's signer takes them
    # (its load_pkcs12_data would decrypt the file a second time).
    signer = _signer_class()(
        private_key=_key,
        signing_cert=asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER)),
        signing_key=asn1_keys.PrivateKeyInfo.load(_key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())),
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in _others]))
    return Key(signer=signer, certificate=certificate, kind=SELF_SIGNED if _is_self_signed(certificate) else TRUSTED)


def create_self_signed(path: str | Path, passphrase: str, name: str, days: int = 365) -> x509.Certificate:
    """A new RSA key and a self-signed certificate naming `name`, written as a
    PKCS#12 file readable by its owner only. For trials: readers show such a
    signature as "signed, signer not trusted"."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, name),
                         x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(timezone.utc)
    certificate = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .sign(key, hashes.SHA256()))
    data = pkcs12.serialize_key_and_certificates(
        name.encode(), key, certificate, None, serialization.BestAvailableEncryption(passphrase.encode()))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.touch(mode=0o600)
    partial.write_bytes(data)
    partial.replace(path)
    return certificate


def sign(content: bytes, key: Key, *, name: str, reason: str | None = None, location: str | None = None,
         timestamp_url: str | None = None) -> bytes:
    """`content` with a PAdES signature appended (an incremental update: the
    original bytes stay the file's beginning). The signature's byte range
    covers the whole file but its own contents."""
    _import_pyhanko()
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    timestamper = None
    if timestamp_url:
        from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper

        timestamper = RequestsHTTPTimeStamper(timestamp_url, timeout=10)
    writer = IncrementalPdfFileWriter(io.BytesIO(content), strict=False)
    meta = signers.PdfSignatureMetadata(field_name=FIELD_NAME, name=name, reason=reason, location=location,
                                        subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256")
    # A fixed room for the signature: pyHanko's estimate would sign twice (a dummy first).
    out = signers.sign_pdf(writer, meta, signer=key.signer, timestamper=timestamper,
                           bytes_reserved=SIGNATURE_ROOM * (2 if timestamper else 1),
                           new_field_spec=fields.SigFieldSpec(FIELD_NAME))  # invisible: the page is as printed
    return out.getvalue()


@dataclass(frozen=True)
class Check:
    """What a reader would learn of a PDF's signature."""
    signed: bool
    valid: bool = False          # intact and cryptographically sound, the whole file covered
    signer: str | None = None    # the certificate's subject, e.g. the alliance's name
    self_signed: bool = False
    signed_at: datetime | None = None


def check(content: bytes) -> Check:
    """Validate the (last) signature of `content` against its own certificate:
    this says whether the file is exactly what the key signed, not whether
    the key is trusted (a self-signed key never is)."""
    _import_pyhanko()
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        signatures = reader.embedded_signatures
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return Check(signed=False)
    if not signatures:
        return Check(signed=False)
    embedded = signatures[-1]
    try:
        certificate = embedded.signer_cert
        own = x509.load_der_x509_certificate(certificate.dump())
        context = ValidationContext(trust_roots=[certificate], allow_fetching=False)
        status = validate_pdf_signature(embedded, context)
    except Exception:  # noqa: BLE001 - a damaged signature is "does not validate", never an error page
        return Check(signed=True)
    subject = own.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME) or \
        own.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return Check(signed=True,
                 valid=bool(status.intact and status.valid and status.coverage == SignatureCoverageLevel.ENTIRE_FILE),
                 signer=str(subject[0].value) if subject else None, self_signed=_is_self_signed(own),
                 signed_at=status.signer_reported_dt)

