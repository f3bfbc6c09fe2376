"""Organizations (members or not), their contacts and membership history."""
from datetime import date, datetime
from typing import Optional

from sqlalchemy import ForeignKey, Index, String, Text, case
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..core.db import TimestampMixin, UTCDateTime, utcnow
from ..core.enums import StrEnum, enum_column_type
from ..extensions import db
from ..core.text import comparison_key


class OrganizationKind(StrEnum):
    enterprise = "enterprise"
    university = "university"
    research_institute = "research_institute"
    association = "association"
    government_agency = "government_agency"
    financial = "financial"
    other = "other"


class MembershipStatus(StrEnum):
    non_member = "non_member"
    applicant = "applicant"
    active = "active"
    suspended = "suspended"
    withdrawn = "withdrawn"
    rejected = "rejected"


class Tier(StrEnum):
    """In the conventional order of precedence."""
    chair = "chair"
    vice_chair = "vice_chair"
    executive_director = "executive_director"
    director = "director"
    member = "member"


def tier_rank():
    """Tiers in order of precedence, for ORDER BY (their names sort differently)."""
    return case(*[(Organization.tier == tier, rank) for rank, tier in enumerate(Tier)], else_=len(Tier))


class Organization(TimestampMixin, db.Model):
    __tablename__ = "organizations"
    __audited__ = True
    __audit_ignore__ = frozenset({"name_key"})
    # The public directory's change stamp (max(updated_at), count) reads this index, not the table,
    # on every request and every 304 (benchmarks/RESULTS.md, issue 21 item 5).
    __table_args__ = (Index("ix_organizations_updated_at", "updated_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # The name as compared for duplicates (see text.comparison_key); unique.
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    name_en: Mapped[Optional[str]] = mapped_column(String(300))
    short_name: Mapped[Optional[str]] = mapped_column(String(100), index=True)
    kind: Mapped[OrganizationKind] = mapped_column(
        enum_column_type(OrganizationKind, "organization_kind"), default=OrganizationKind.enterprise
    )
    uscc: Mapped[Optional[str]] = mapped_column(String(18), unique=True)
    uscc_exempt_reason: Mapped[Optional[str]] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2), default="CN")
    province: Mapped[Optional[str]] = mapped_column(String(50), index=True)
    city: Mapped[Optional[str]] = mapped_column(String(50))
    address: Mapped[Optional[str]] = mapped_column(String(300))
    website: Mapped[Optional[str]] = mapped_column(String(300))
    phone: Mapped[Optional[str]] = mapped_column(String(50))
    legal_representative: Mapped[Optional[str]] = mapped_column(String(100))
    notes: Mapped[Optional[str]] = mapped_column(Text)
    membership_status: Mapped[MembershipStatus] = mapped_column(
        enum_column_type(MembershipStatus, "membership_status"), default=MembershipStatus.non_member, index=True
    )
    tier: Mapped[Optional[Tier]] = mapped_column(enum_column_type(Tier, "tier"))
    joined_on: Mapped[Optional[date]]

    contacts: Mapped[list["Contact"]] = relationship(
        back_populates="organization", cascade="all, delete-orphan",
        order_by="(Contact.is_main.desc(), Contact.id)",
    )
    status_changes: Mapped[list["StatusChange"]] = relationship(
        back_populates="organization", cascade="all, delete-orphan", order_by="StatusChange.id.desc()",
    )

    def __str__(self) -> str:
        return self.name

    @validates("name")
    def _keep_name_key(self, key, value):
        self.name_key = comparison_key(value)[:200]
        return value

    @property
    def is_member(self) -> bool:
        return self.membership_status in (MembershipStatus.active, MembershipStatus.suspended)

    @property
    def main_contact(self) -> Optional["Contact"]:
        return next((c for c in self.contacts if c.is_main), None)

    def can_view(self, user) -> bool:
        return user.is_authenticated and (user.is_secretariat or user.member_organization_id == self.id)

    def can_edit_profile(self, user) -> bool:
        """Members edit their contact details; names and codes go through the secretariat."""
        return self.can_view(user)


class Contact(TimestampMixin, db.Model):
    __tablename__ = "contacts"
    __audited__ = True
    __table_args__ = (
        Index("ix_contacts_organization_id_mobile", "organization_id", "mobile"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[Optional[str]] = mapped_column(String(100))
    mobile: Mapped[Optional[str]] = mapped_column(String(20))
    email: Mapped[Optional[str]] = mapped_column(String(254))
    is_main: Mapped[bool] = mapped_column(default=False)

    organization: Mapped[Organization] = relationship(back_populates="contacts")

    def __str__(self) -> str:
        return self.name


class StatusChange(db.Model):
    __tablename__ = "organization_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[Optional[MembershipStatus]] = mapped_column(
        enum_column_type(MembershipStatus, "from_status"))
    to_status: Mapped[MembershipStatus] = mapped_column(enum_column_type(MembershipStatus, "to_status"))
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    organization: Mapped[Organization] = relationship(back_populates="status_changes")
    actor = relationship("User")
