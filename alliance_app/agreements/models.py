"""Strategic agreements: numbered per year, two or more ordered parties,
clauses, an exact amount (integer fen) in any currency with its CNY value,
and a workflow draft → ready → signed, or voided."""
import base64
import secrets
from datetime import date, datetime
from decimal import Decimal
from typing import Optional

from sqlalchemy import (BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint, case,
                        literal_column, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import TimestampMixin, UTCDateTime
from ..core.enums import StrEnum, enum_column_type
from ..extensions import db
from ..members.models import Organization
from ..core.money import from_fen


class AgreementKind(StrEnum):
    strategic_cooperation = "strategic_cooperation"
    business_cooperation = "business_cooperation"
    investment = "investment"
    procurement = "procurement"
    research_cooperation = "research_cooperation"
    other = "other"


class DocumentKind(StrEnum):
    """The kind of document as provincial reports count them (合同 / 协议 / 战略合作),
    beside AgreementKind, which says what the agreement is about."""
    contract = "contract"                              # 合同
    agreement = "agreement"                            # 协议
    strategic_cooperation = "strategic_cooperation"    # 战略合作


# An agreement without its own document kind is counted as its kind suggests;
# a binding investment or purchase is usually a 合同, the rest 协议.
DOCUMENT_KIND_OF = {
    AgreementKind.strategic_cooperation: DocumentKind.strategic_cooperation,
    AgreementKind.business_cooperation: DocumentKind.agreement,
    AgreementKind.investment: DocumentKind.contract,
    AgreementKind.procurement: DocumentKind.contract,
    AgreementKind.research_cooperation: DocumentKind.agreement,
    AgreementKind.other: DocumentKind.agreement,
}


class SigningVenue(StrEnum):
    ceremony = "ceremony"     # 集中签约: at the event's signing ceremony
    elsewhere = "elsewhere"   # 场外签约: signed elsewhere during the event


class Sector(StrEnum):
    aftermarket = "aftermarket"
    materials = "materials"
    energy_storage = "energy_storage"
    battery_swap = "battery_swap"
    recycling = "recycling"
    talent_research = "talent_research"
    other = "other"


class AgreementStatus(StrEnum):
    draft = "draft"
    ready = "ready"        # checked by staff, waiting for the ceremony
    signed = "signed"
    voided = "voided"


RATE_SCALE = 10**6
VERIFICATION_CODE_BYTES = 10  # 80 random bits: unguessable, and the lookups are throttled


def new_verification_code() -> str:
    """16 letters and digits (base32: no 0/O or 1/I to confuse when typed from paper)."""
    return base64.b32encode(secrets.token_bytes(VERIFICATION_CODE_BYTES)).decode()  # exchange rates are kept as integer millionths


class AgreementCounter(db.Model):
    """The last number given out per year, raised with UPDATE ... RETURNING in
    the creating transaction: unique and without gaps under concurrency."""
    __tablename__ = "agreement_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)


class Agreement(TimestampMixin, db.Model):
    __tablename__ = "agreements"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("year", "seq"),
        CheckConstraint("amount_fen IS NULL OR amount_fen >= 0", name="amount_not_negative"),
        CheckConstraint("fx_rate_micro IS NULL OR fx_rate_micro > 0", name="rate_positive"),
        CheckConstraint("(amount_disclosed AND amount_fen IS NOT NULL AND amount_cny_fen IS NOT NULL) OR "
                        "(NOT amount_disclosed AND amount_fen IS NULL AND amount_cny_fen IS NULL)",
                        name="amount_matches_disclosure"),
        CheckConstraint("status <> 'signed' OR signed_at IS NOT NULL", name="signed_has_time"),
        # Totals per event and status come from this index, not from a table scan.
        Index("ix_agreements_event_status", "event_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[AgreementKind] = mapped_column(enum_column_type(AgreementKind, "agreement_kind"))
    # None: as the kind suggests (DOCUMENT_KIND_OF); see document_kind_effective.
    document_kind: Mapped[Optional[DocumentKind]] = mapped_column(enum_column_type(DocumentKind, "document_kind"))
    signing_venue: Mapped[SigningVenue] = mapped_column(enum_column_type(SigningVenue, "signing_venue"),
                                                        default=SigningVenue.ceremony,
                                                        server_default=SigningVenue.ceremony.value)
    event_id: Mapped[Optional[int]] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"), index=True)
    agenda_item_id: Mapped[Optional[int]] = mapped_column(ForeignKey("agenda_items.id", ondelete="SET NULL"))
    ceremony_order: Mapped[Optional[int]] = mapped_column(Integer)
    place: Mapped[Optional[str]] = mapped_column(String(200))
    term_start: Mapped[Optional[date]]
    term_end: Mapped[Optional[date]]
    preamble: Mapped[Optional[str]] = mapped_column(Text)
    amount_disclosed: Mapped[bool] = mapped_column(default=True)
    amount_fen: Mapped[Optional[int]] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    fx_rate_micro: Mapped[Optional[int]] = mapped_column(BigInteger)  # CNY per unit × 10^6
    amount_cny_fen: Mapped[Optional[int]] = mapped_column(BigInteger)
    status: Mapped[AgreementStatus] = mapped_column(enum_column_type(AgreementStatus, "agreement_status"),
                                                   default=AgreementStatus.draft, index=True)
    signed_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime, index=True)
    signed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    voided_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    void_reason: Mapped[Optional[str]] = mapped_column(Text)
    replaces_id: Mapped[Optional[int]] = mapped_column(ForeignKey("agreements.id", ondelete="SET NULL"))
    notes: Mapped[Optional[str]] = mapped_column(Text)
    # Printed in every page footer and its QR: the public /verify/<code> page (issue 17).
    verification_code: Mapped[str] = mapped_column(String(32), unique=True, default=lambda: new_verification_code())

    event = relationship("Event")
    agenda_item = relationship("AgendaItem")
    signed_by = relationship("User", foreign_keys=[signed_by_id])
    parties: Mapped[list["AgreementParty"]] = relationship(
        back_populates="agreement", cascade="all, delete-orphan", order_by="AgreementParty.position")
    clauses: Mapped[list["AgreementClause"]] = relationship(
        back_populates="agreement", cascade="all, delete-orphan", order_by="AgreementClause.position")
    sector_rows: Mapped[list["AgreementSector"]] = relationship(
        back_populates="agreement", cascade="all, delete-orphan")
    # The witness leaders and signing assistants recorded at the ceremony (the
    # signer of each party is the party's signatory_name/title).
    signing_people: Mapped[list["AgreementSigningPerson"]] = relationship(
        back_populates="agreement", cascade="all, delete-orphan",
        order_by="(AgreementSigningPerson.role, AgreementSigningPerson.position)")
    # Read-only, for answers that list agreements with their archive (the API): archive.py writes them.
    archives: Mapped[list["AgreementArchive"]] = relationship(viewonly=True, order_by="AgreementArchive.id")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def sectors(self) -> list[Sector]:
        return sorted((row.sector for row in self.sector_rows), key=list(Sector).index)

    @property
    def signers(self) -> list["AgreementParty"]:
        """Who signs for each party: the parties, read for their signatory."""
        return list(self.parties)

    @property
    def witnesses(self) -> list["AgreementSigningPerson"]:
        return [p for p in self.signing_people if p.role == SigningRole.witness]

    @property
    def assistants(self) -> list["AgreementSigningPerson"]:
        return [p for p in self.signing_people if p.role == SigningRole.assistant]

    @property
    def amount(self) -> Decimal | None:
        return from_fen(self.amount_fen)

    @property
    def document_kind_effective(self) -> DocumentKind:
        return self.document_kind or DOCUMENT_KIND_OF[self.kind]

    @property
    def amount_cny(self) -> Decimal | None:
        return from_fen(self.amount_cny_fen)

    @property
    def fx_rate(self) -> Decimal | None:
        return None if self.fx_rate_micro is None else Decimal(self.fx_rate_micro) / RATE_SCALE

    @property
    def is_editable(self) -> bool:
        return self.status in (AgreementStatus.draft, AgreementStatus.ready)

    @property
    def is_bilingual(self) -> bool:
        """Chinese and English when any party is foreign."""
        return any(p.organization and p.organization.country != "CN" for p in self.parties)

    def can_view(self, user) -> bool:
        return user.is_authenticated and (
            user.is_secretariat
            or user.can_self_serve and any(p.organization_id == user.member_organization_id for p in self.parties))


def document_kind_sql():
    """document_kind_effective as an SQL expression (constants as literals, not
    bound values, so PostgreSQL sees the same expression in SELECT and GROUP BY)."""
    def quoted(value) -> str:
        return f"'{value.value}'"  # enum values: plain snake_case, nothing to escape

    whens = [(Agreement.document_kind.is_not(None), Agreement.document_kind)]
    for document_kind in DocumentKind:
        kinds = [k for k, d in DOCUMENT_KIND_OF.items() if d == document_kind]
        whens.append((Agreement.kind.in_([literal_column(quoted(k)) for k in kinds]),
                      literal_column(quoted(document_kind))))
    return case(*whens)


class AgreementParty(db.Model):
    __tablename__ = "agreement_parties"
    __audited__ = True
    __table_args__ = (UniqueConstraint("agreement_id", "organization_id"),
                      UniqueConstraint("agreement_id", "position"))

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="RESTRICT"), index=True)
    role_label: Mapped[str] = mapped_column(String(20))
    signatory_name: Mapped[Optional[str]] = mapped_column(String(100))
    signatory_title: Mapped[Optional[str]] = mapped_column(String(200))
    # Printed details, copied from the directory when the party is added and
    # kept as printed (a signed agreement must not change when the directory does).
    printed_name: Mapped[str] = mapped_column(String(300))
    printed_name_en: Mapped[Optional[str]] = mapped_column(String(300))
    printed_address: Mapped[Optional[str]] = mapped_column(String(300))
    printed_legal_representative: Mapped[Optional[str]] = mapped_column(String(100))
    printed_uscc: Mapped[Optional[str]] = mapped_column(String(40))

    agreement: Mapped[Agreement] = relationship(back_populates="parties")
    organization: Mapped[Organization] = relationship()

    def __str__(self) -> str:
        return f"{self.role_label} {self.printed_name}"


class AgreementClause(db.Model):
    __tablename__ = "agreement_clauses"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    heading: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    heading_en: Mapped[Optional[str]] = mapped_column(String(200))
    body_en: Mapped[Optional[str]] = mapped_column(Text)

    agreement: Mapped[Agreement] = relationship(back_populates="clauses")

    def __str__(self) -> str:
        return self.heading


class AgreementSector(db.Model):
    __tablename__ = "agreement_sectors"
    __table_args__ = (UniqueConstraint("agreement_id", "sector"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    sector: Mapped[Sector] = mapped_column(enum_column_type(Sector, "sector"), index=True)

    agreement: Mapped[Agreement] = relationship(back_populates="sector_rows")


class SigningRole(StrEnum):
    witness = "witness"      # 见证领导
    assistant = "assistant"  # 助签人


class AgreementSigningPerson(db.Model):
    """A witness leader or a signing assistant of an agreement, as recorded at
    the ceremony and printed under the signature blocks. An assistant may stand
    with one party (printed in that party's block)."""
    __tablename__ = "agreement_signing_people"
    __audited__ = True
    __table_args__ = (UniqueConstraint("agreement_id", "role", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    role: Mapped[SigningRole] = mapped_column(enum_column_type(SigningRole, "signing_role"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    title: Mapped[Optional[str]] = mapped_column(String(200))
    organization_id: Mapped[Optional[int]] = mapped_column(ForeignKey("organizations.id", ondelete="RESTRICT"))

    agreement: Mapped[Agreement] = relationship(back_populates="signing_people")

    def __str__(self) -> str:
        return f"{self.role.value}: {self.name}"


class AgreementArchive(db.Model):
    """The PDF of a signed agreement as issued: produced once (at signing, or at
    the first download of one signed before archives existed) and kept under
    AGREEMENT_ARCHIVE_PATH, outside the web root; every later download serves
    exactly these bytes, whatever the templates or fonts became. Voiding keeps it.

    The common copy has no organization; each party's original (正本, 一式多份)
    is a row of its own keyed by the party's organization, with its own hash."""
    __tablename__ = "agreement_archives"
    __table_args__ = (
        UniqueConstraint("agreement_id", "organization_id", name="uq_agreement_archives_original"),
        # NULLs never collide in a unique constraint: the common copy needs its own index.
        Index("uq_agreement_archives_common", "agreement_id", unique=True,
              sqlite_where=text("organization_id IS NULL"), postgresql_where=text("organization_id IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"))
    organization_id: Mapped[Optional[int]] = mapped_column(ForeignKey("organizations.id", ondelete="RESTRICT"))
    stored_name: Mapped[str] = mapped_column(String(120))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The PAdES signature of the file (agreements/signing.py): none, self_signed or trusted.
    # Unsigned (no key, or a key that cannot be used: signature_problem says why) it waits and is
    # signed later; unsigned_sha256 then keeps the hash of the copies handed out before.
    signature: Mapped[str] = mapped_column(String(20), default="none", server_default="none")
    signature_problem: Mapped[Optional[str]] = mapped_column(String(300))
    unsigned_sha256: Mapped[Optional[str]] = mapped_column(String(64), index=True)
