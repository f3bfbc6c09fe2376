"""Import every model so the metadata is complete (Alembic, create_all)."""
from .core.throttle import ThrottleHit  # noqa: F401
from .notifications.models import Message  # noqa: F401
from .jobs.models import DocumentJob  # noqa: F401
from .accounts.models import ApiToken, LoginFailure, User  # noqa: F401
from .audit.models import AuditEntry  # noqa: F401
from .members.models import Contact, Organization, StatusChange  # noqa: F401
from .members.import_models import ImportBatch  # noqa: F401
from .events.models import (AgendaItem, AgendaParticipant, Event, EventOrganizer,  # noqa: F401
                            EventSession, Person)
from .registrations.models import EventQuota, Registration, RegistrationSession  # noqa: F401
from .registrations.question_models import EventQuestion, RegistrationAnswer  # noqa: F401
from .registrations.invitation_models import Invitation  # noqa: F401
from .protocol.models import EventProtocol, HallSeat, HallZone, ProtocolRank, RostrumSeat  # noqa: F401
from .agreements.models import (Agreement, AgreementClause, AgreementCounter, AgreementParty,  # noqa: F401
                                AgreementSector)
from .finance.models import (Allocation, Bill, DuesRate, EventFee, InvoiceDetails, InvoiceRequest,  # noqa: F401
                             Payment, ReceiptCounter, Refund)
from .followup.models import (Milestone, ProgressReport, Project, ReminderSent, ReportAttachment,  # noqa: F401
                              ReportSchedule)
