"""Bills (dues per member and year, conference fees per delegate), payments
and their allocations to bills, refunds, receipt numbering, dues rates,
event fees and the payers' invoice details. Amounts are integer fen."""
from datetime import date, datetime
from typing import Optional

from sqlalchemy import (BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint,
                        text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import TimestampMixin, UTCDateTime, utcnow
from ..core.enums import StrEnum, enum_column_type
from ..core.money import from_fen
from ..extensions import db
from ..members.models import Organization, Tier
from ..registrations.models import DelegateCategory


class BillKind(StrEnum):
    dues = "dues"
    event_fee = "event_fee"


class BillStatus(StrEnum):
    open = "open"
    partly_paid = "partly_paid"
    paid = "paid"
    cancelled = "cancelled"


class PaymentMethod(StrEnum):
    bank_transfer = "bank_transfer"
    cash = "cash"
    other = "other"


class InvoiceKind(StrEnum):
    ordinary = "ordinary"   # 增值税普通发票 (普票)
    special = "special"     # 增值税专用发票 (专票): also address, telephone, bank and account


class InvoiceRequestStatus(StrEnum):
    requested = "requested"
    issued = "issued"


class DuesRate(db.Model):
    """The dues of one tier for one year."""
    __tablename__ = "dues_rates"
    __table_args__ = (UniqueConstraint("year", "tier"),
                      CheckConstraint("amount_fen >= 0", name="dues_rate_not_negative"))

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    tier: Mapped[Tier] = mapped_column(enum_column_type(Tier, "dues_tier"))
    amount_fen: Mapped[int] = mapped_column(BigInteger)

    @property
    def amount(self):
        return from_fen(self.amount_fen)


class EventFee(db.Model):
    """What one delegate category pays for an event; an early-bird amount until a date."""
    __tablename__ = "event_fees"
    __table_args__ = (UniqueConstraint("event_id", "category"),
                      CheckConstraint("amount_fen >= 0", name="event_fee_not_negative"),
                      CheckConstraint("early_amount_fen IS NULL OR (early_amount_fen >= 0 AND early_until IS NOT NULL)",
                                      name="early_fee_has_date"))

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    category: Mapped[DelegateCategory] = mapped_column(enum_column_type(DelegateCategory, "fee_category"))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    early_amount_fen: Mapped[Optional[int]] = mapped_column(BigInteger)
    early_until: Mapped[Optional[date]]

    @property
    def amount(self):
        return from_fen(self.amount_fen)

    @property
    def early_amount(self):
        return from_fen(self.early_amount_fen)

    def fen_on(self, day: date) -> int:
        if self.early_amount_fen is not None and self.early_until is not None and day <= self.early_until:
            return self.early_amount_fen
        return self.amount_fen


class Bill(TimestampMixin, db.Model):
    """缴费通知: what an organization (or a delegate) owes. `paid_fen` is the sum
    of its allocations, raised by a conditional UPDATE that never lets it pass
    the amount (the CHECK says so too)."""
    __tablename__ = "bills"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("amount_fen >= 0", name="bill_amount_not_negative"),
        CheckConstraint("paid_fen >= 0 AND paid_fen <= amount_fen", name="bill_paid_within_amount"),
        # One dues bill per member and year, whatever runs the generation twice.
        Index("uq_bills_dues_per_year", "organization_id", "year", unique=True,
              sqlite_where=text("kind = 'dues'"), postgresql_where=text("kind = 'dues'")),
        # One live conference-fee bill per delegate: confirming twice, or the API, never bills twice.
        Index("uq_bills_event_fee_per_registration", "registration_id", unique=True,
              sqlite_where=text("kind = 'event_fee' AND status != 'cancelled'"),
              postgresql_where=text("kind = 'event_fee' AND status != 'cancelled'")),
        Index("ix_bills_year_tier", "year", "tier"),
        Index("ix_bills_status_due_on", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[BillKind] = mapped_column(enum_column_type(BillKind, "bill_kind"))
    organization_id: Mapped[Optional[int]] = mapped_column(ForeignKey("organizations.id", ondelete="RESTRICT"),
                                                           index=True)
    registration_id: Mapped[Optional[int]] = mapped_column(ForeignKey("registrations.id", ondelete="SET NULL"),
                                                           index=True)
    event_id: Mapped[Optional[int]] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    tier: Mapped[Optional[Tier]] = mapped_column(enum_column_type(Tier, "bill_tier"))  # the tier billed
    title: Mapped[str] = mapped_column(String(200), default="")
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    paid_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    due_on: Mapped[date]
    status: Mapped[BillStatus] = mapped_column(enum_column_type(BillStatus, "bill_status"), default=BillStatus.open)
    cancel_reason: Mapped[Optional[str]] = mapped_column(Text)
    reminded_before_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    reminded_after_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)

    organization: Mapped[Optional[Organization]] = relationship()
    registration = relationship("Registration")
    event = relationship("Event")
    allocations: Mapped[list["Allocation"]] = relationship(back_populates="bill", order_by="Allocation.id")

    def __str__(self) -> str:
        return self.title or f"#{self.id}"

    @property
    def amount(self):
        return from_fen(self.amount_fen)

    @property
    def paid_amount(self):
        return from_fen(self.paid_fen)

    @property
    def open_fen(self) -> int:
        return 0 if self.status == BillStatus.cancelled else self.amount_fen - self.paid_fen

    @property
    def open_amount(self):
        return from_fen(self.open_fen)

    def can_view(self, user) -> bool:
        return user.is_authenticated and (user.is_secretariat or (
            self.organization_id is not None and user.member_organization_id == self.organization_id))


class ReceiptCounter(db.Model):
    """The last receipt number given out per year (see AgreementCounter): raised with
    UPDATE ... RETURNING in the recording transaction, so no gaps and no duplicates."""
    __tablename__ = "receipt_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)


class Payment(TimestampMixin, db.Model):
    """Money received (recorded, not processed), with its receipt (收据) number.
    Whatever is neither allocated nor refunded is the payer's credit (an overpayment)."""
    __tablename__ = "payments"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("receipt_year", "receipt_seq"),
        CheckConstraint("amount_fen > 0", name="payment_amount_positive"),
        CheckConstraint("allocated_fen >= 0 AND refunded_fen >= 0 AND allocated_fen + refunded_fen <= amount_fen",
                        name="payment_within_amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[Optional[int]] = mapped_column(ForeignKey("organizations.id", ondelete="RESTRICT"),
                                                           index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    allocated_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    refunded_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    method: Mapped[PaymentMethod] = mapped_column(enum_column_type(PaymentMethod, "payment_method"))
    paid_on: Mapped[date]
    payer: Mapped[str] = mapped_column(String(200))
    reference: Mapped[Optional[str]] = mapped_column(String(100))
    notes: Mapped[Optional[str]] = mapped_column(Text)
    receipt_year: Mapped[int] = mapped_column(Integer)
    receipt_seq: Mapped[int] = mapped_column(Integer)
    receipt_number: Mapped[str] = mapped_column(String(40), unique=True)
    recorded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    organization: Mapped[Optional[Organization]] = relationship()
    allocations: Mapped[list["Allocation"]] = relationship(back_populates="payment", order_by="Allocation.id",
                                                           cascade="all, delete-orphan")
    refunds: Mapped[list["Refund"]] = relationship(back_populates="payment", order_by="Refund.id",
                                                   cascade="all, delete-orphan")

    def __str__(self) -> str:
        return self.receipt_number

    @property
    def amount(self):
        return from_fen(self.amount_fen)

    @property
    def credit_fen(self) -> int:
        return self.amount_fen - self.allocated_fen - self.refunded_fen

    def can_view(self, user) -> bool:
        return user.is_authenticated and (user.is_secretariat or (
            self.organization_id is not None and user.member_organization_id == self.organization_id))


class Allocation(db.Model):
    __tablename__ = "payment_allocations"
    __table_args__ = (UniqueConstraint("payment_id", "bill_id"),
                      CheckConstraint("amount_fen > 0", name="allocation_positive"))

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id", ondelete="CASCADE"), index=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("bills.id", ondelete="RESTRICT"), index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)

    payment: Mapped[Payment] = relationship(back_populates="allocations")
    bill: Mapped[Bill] = relationship(back_populates="allocations")

    @property
    def amount(self):
        return from_fen(self.amount_fen)


class Refund(db.Model):
    """Money paid back out of a payment's unallocated part (an overpayment)."""
    __tablename__ = "payment_refunds"
    __table_args__ = (CheckConstraint("amount_fen > 0", name="refund_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id", ondelete="CASCADE"), index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    refunded_on: Mapped[date]
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    payment: Mapped[Payment] = relationship(back_populates="refunds")

    @property
    def amount(self):
        return from_fen(self.amount_fen)


class InvoiceDetails(TimestampMixin, db.Model):
    """What a payer's 发票 is made out to (开票信息)."""
    __tablename__ = "invoice_details"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), unique=True)
    title: Mapped[str] = mapped_column(String(200))          # 抬头
    tax_id: Mapped[str] = mapped_column(String(18))          # 税号 (the credit code)
    kind: Mapped[InvoiceKind] = mapped_column(enum_column_type(InvoiceKind, "invoice_kind"))
    address: Mapped[Optional[str]] = mapped_column(String(300))
    phone: Mapped[Optional[str]] = mapped_column(String(50))
    bank: Mapped[Optional[str]] = mapped_column(String(200))
    account: Mapped[Optional[str]] = mapped_column(String(50))
    email: Mapped[Optional[str]] = mapped_column(String(254))  # where the e-fapiao goes

    organization: Mapped[Organization] = relationship()


class InvoiceRequest(TimestampMixin, db.Model):
    """A payer's request for a 发票 on a payment, and its issue by the secretariat
    (the 发票 itself is made in the tax system; its file is kept here)."""
    __tablename__ = "invoice_requests"
    __audited__ = True
    __table_args__ = (UniqueConstraint("payment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    status: Mapped[InvoiceRequestStatus] = mapped_column(enum_column_type(InvoiceRequestStatus, "invoice_status"),
                                                         default=InvoiceRequestStatus.requested)
    # The details as they were when asked for: a later change does not rewrite an issued 发票's record.
    title: Mapped[str] = mapped_column(String(200))
    tax_id: Mapped[str] = mapped_column(String(18))
    kind: Mapped[InvoiceKind] = mapped_column(enum_column_type(InvoiceKind, "request_invoice_kind"))
    extra: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str] = mapped_column(String(254))
    number: Mapped[Optional[str]] = mapped_column(String(40))
    issued_on: Mapped[Optional[date]]
    file_name: Mapped[Optional[str]] = mapped_column(String(200))
    stored_name: Mapped[Optional[str]] = mapped_column(String(80))

    payment: Mapped[Payment] = relationship()
    organization: Mapped[Organization] = relationship()
