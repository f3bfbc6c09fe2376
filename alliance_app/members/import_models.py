"""An import between its preview and its commit, kept in the database: the commit
may reach another server process than the preview did. Any kind of import
(organizations now; registrations, agreements later) keeps its batches here."""
import secrets
from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, String, delete
from sqlalchemy.orm import Mapped, mapped_column

from ..core.db import UTCDateTime, utcnow
from ..core.errors import ServiceError
from ..extensions import db

BATCH_LIFETIME = timedelta(hours=2)


def new_batch_token() -> str:
    return secrets.token_urlsafe(32)


class ImportBatch(db.Model):
    """The cleaned rows of one previewed upload; used once, by its creator only."""
    __tablename__ = "import_batches"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_batch_token)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(40))  # "organizations"; later registrations, agreements
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)


def _gone() -> ServiceError:
    return ServiceError(_l("This import preview has expired or has been used already. Upload the file again."),
                        status=404)


def create_batch(kind: str, actor, payload: dict) -> ImportBatch:
    """Keep a preview's changes until its commit; expired batches (anyone's) go on the way."""
    db.session.execute(delete(ImportBatch).where(ImportBatch.created_at < utcnow() - BATCH_LIFETIME))
    batch = ImportBatch(created_by=actor.id, kind=kind, payload=payload)
    db.session.add(batch)
    db.session.flush()
    return batch


def load_batch(token: str, kind: str, actor) -> ImportBatch:
    """The actor's own unexpired, unused batch of this kind; anything else is "not found"."""
    batch = db.session.get(ImportBatch, token) if 0 < len(token) <= 64 else None
    if (batch is None or batch.kind != kind or batch.created_by != actor.id
            or batch.created_at < utcnow() - BATCH_LIFETIME):
        raise _gone()
    return batch


def use_batch(batch: ImportBatch, actor) -> dict:
    """Claim the batch for this transaction and return its payload. The delete is
    conditional, so of two commits racing for one batch only one gets it; a
    rollback gives the batch back."""
    payload = batch.payload
    claimed = db.session.execute(
        delete(ImportBatch).where(ImportBatch.id == batch.id, ImportBatch.created_by == actor.id),
        execution_options={"synchronize_session": False},
    ).rowcount
    if claimed != 1:
        raise _gone()
    return payload
