"""Organizations. The foundation keeps what accounts need; the directory
(contacts, status history, import) builds on this model."""
from typing import Optional

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import TimestampMixin
from ..enums import StrEnum, enum_column_type
from ..extensions import db


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
    chair = "chair"
    vice_chair = "vice_chair"
    executive_director = "executive_director"
    director = "director"
    member = "member"


class Organization(TimestampMixin, db.Model):
    __tablename__ = "organizations"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    name_en: Mapped[Optional[str]] = mapped_column(String(300))
    short_name: Mapped[Optional[str]] = mapped_column(String(100))
    kind: Mapped[OrganizationKind] = mapped_column(
        enum_column_type(OrganizationKind, "organization_kind"), default=OrganizationKind.enterprise
    )
    uscc: Mapped[Optional[str]] = mapped_column(String(18), unique=True)
    membership_status: Mapped[MembershipStatus] = mapped_column(
        enum_column_type(MembershipStatus, "membership_status"), default=MembershipStatus.non_member
    )
    tier: Mapped[Optional[Tier]] = mapped_column(enum_column_type(Tier, "tier"))

    def __str__(self) -> str:
        return self.name
