"""One row per document asked for: what, for whom, how far it has got, and
the finished file (kept in the database, so that web and worker processes on
different machines need no shared folder)."""
from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from ..core.db import UTCDateTime, utcnow
from ..core.enums import StrEnum, enum_column_type
from ..extensions import db


class JobStatus(StrEnum):
    queued = "queued"      # waiting for the worker
    running = "running"    # being built; progress_done of progress_total
    done = "done"          # the result is ready
    failed = "failed"      # could not be built (error says why, for the logs)
    expired = "expired"    # built, but the data has changed since: the result was dropped


FINISHED = (JobStatus.done, JobStatus.failed, JobStatus.expired)


class DocumentJob(db.Model):
    __tablename__ = "document_jobs"
    __table_args__ = (
        Index("ix_document_jobs_request_key_fingerprint", "request_key", "fingerprint"),
        Index("ix_document_jobs_status_updated_at", "status", "updated_at"),
        CheckConstraint("progress_done >= 0 AND progress_total >= 0", name="progress_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    parameters: Mapped[dict] = mapped_column(JSON, default=dict)
    locale: Mapped[str] = mapped_column(String(10))
    # The same document asked for again (kind, parameters, language) has the same key;
    # built from the same data, the same fingerprint.
    request_key: Mapped[str] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(String(64))
    requested_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    request_path: Mapped[str] = mapped_column(String(1000), default="")  # to ask again
    status: Mapped[JobStatus] = mapped_column(enum_column_type(JobStatus, "document_job_status"),
                                              default=JobStatus.queued)
    progress_done: Mapped[int] = mapped_column(default=0)
    progress_total: Mapped[int] = mapped_column(default=0)
    result: Mapped[Optional[bytes]] = deferred(mapped_column(LargeBinary))
    filename: Mapped[str] = mapped_column(String(300))
    fallback_filename: Mapped[str] = mapped_column(String(300), default="")
    mimetype: Mapped[str] = mapped_column(String(100))
    inline: Mapped[bool] = mapped_column(default=False)
    error: Mapped[Optional[str]] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Touched by every progress report: a running job that stays quiet has lost its worker.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)

    @property
    def title(self) -> str:
        return self.filename.rpartition(".")[0] or self.filename

    @property
    def percent(self) -> int:
        if self.status == JobStatus.done:
            return 100
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)

    def can_view(self, user) -> bool:
        """Whoever may open the page the document comes from."""
        from .registry import KINDS

        kind = KINDS.get(self.kind)
        return kind is not None and user.is_authenticated and kind.can_view(user)

    def __str__(self) -> str:
        return f"{self.kind} #{self.id}"
