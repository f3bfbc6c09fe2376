"""Asking for a document (reusing one already built from the same data),
building it in the worker with progress, and tidying up. Services flush and
never commit, except the worker's task, which is its own edge."""
import json
import logging
from datetime import timedelta
from time import monotonic

from flask import current_app
from flask_babel import force_locale, get_locale
from sqlalchemy import delete, select, update

from ..core import queue
from ..core.db import utcnow
from ..extensions import db
from .models import DocumentJob, JobStatus
from .registry import KINDS, DocumentKind, digest

log = logging.getLogger(__name__)

KEEP = timedelta(days=1)                 # a built document, then the row, are dropped after this
STALE = timedelta(minutes=15)            # a running job this quiet has lost its worker
REQUEUE_AFTER = timedelta(minutes=2)     # a queued job this old is queued again (the queue was down)
GONE = "gone"                            # error: what the document was made from no longer exists
WORKER_STOPPED = "The worker stopped while building the document."


def request_key(kind: DocumentKind, params: dict, locale: str) -> str:
    return digest(kind.name, json.dumps(params, sort_keys=True, default=str), locale)


def reusable_job(key: str, fingerprint: str) -> DocumentJob | None:
    """A job for the same document from the same data: finished, or on its way."""
    return db.session.scalar(
        select(DocumentJob).where(DocumentJob.request_key == key, DocumentJob.fingerprint == fingerprint,
                                  DocumentJob.status.in_((JobStatus.queued, JobStatus.running, JobStatus.done)),
                                  DocumentJob.created_at > utcnow() - KEEP)
        .order_by(DocumentJob.id.desc()).limit(1))


def request_document(kind: DocumentKind, params: dict, data, user, request_path: str = "") -> tuple[DocumentJob, bool]:
    """(job, created): the job that builds (or built) this document from `data`,
    in the current language. A new one drops the results built from older data."""
    locale = str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
    key, fingerprint = request_key(kind, params, locale), kind.fingerprint(data)
    existing = reusable_job(key, fingerprint)
    if existing is not None:
        return existing, False
    db.session.execute(update(DocumentJob).where(DocumentJob.request_key == key, DocumentJob.status == JobStatus.done)
                       .values(status=JobStatus.expired, result=None))
    filename, fallback, mimetype = kind.describe(data)
    job = DocumentJob(kind=kind.name, parameters=params, locale=locale, request_key=key, fingerprint=fingerprint,
                      requested_by_id=getattr(user, "id", None), request_path=request_path[:1000],
                      status=JobStatus.queued, progress_done=0, progress_total=kind.size(data),
                      filename=filename[:300], fallback_filename=fallback[:300], mimetype=mimetype, inline=kind.inline)
    db.session.add(job)
    db.session.flush()
    return job, True


def start(job: DocumentJob) -> None:
    """Queue a committed job; a queue that cannot be reached leaves it for the sweep."""
    queue.enqueue("build_document", job.id)


# --- the worker ---------------------------------------------------------------------------------------

class ProgressWriter:
    """The builders' progress callback: writes how far it has got at most every
    `interval` seconds, on a connection of its own, so that the page polling the
    job sees it while the worker's own transaction is still open."""

    def __init__(self, job_id: int, interval: float):
        self.job_id, self.interval = job_id, interval
        self.last = monotonic()
        self.written: list[tuple[int, int]] = []

    def __call__(self, done: int, total: int) -> None:
        now = monotonic()
        if now - self.last < self.interval:
            return
        self.last = now
        with db.engine.begin() as connection:
            connection.execute(update(DocumentJob.__table__).where(DocumentJob.__table__.c.id == self.job_id)
                               .values(progress_done=done, progress_total=total, updated_at=utcnow()))
        self.written.append((done, total))


def _claim(job_id: int) -> bool:
    result = db.session.execute(update(DocumentJob).where(DocumentJob.id == job_id,
                                                          DocumentJob.status == JobStatus.queued)
                                .values(status=JobStatus.running, updated_at=utcnow()))
    db.session.commit()
    return result.rowcount == 1


def _finish(job_id: int, **values) -> None:
    # A fresh transaction: on SQLite a read transaction older than the progress
    # writes may not turn into a write one.
    db.session.rollback()
    db.session.execute(update(DocumentJob).where(DocumentJob.id == job_id)
                       .values(finished_at=utcnow(), updated_at=utcnow(), **values))
    db.session.commit()


def build_document(job_id: int) -> None:
    """The task: build a queued job's document in the language it was asked in."""
    if not _claim(job_id):
        return  # built already, or another worker has it
    job = db.session.get(DocumentJob, job_id)
    kind = KINDS.get(job.kind)
    try:
        with force_locale(job.locale):
            data = kind.load(job.parameters) if kind is not None else None
            if data is None:
                _finish(job_id, status=JobStatus.failed, error=GONE)
                return
            total = kind.size(data)
            content = kind.build(data, ProgressWriter(job_id, current_app.config["JOB_PROGRESS_INTERVAL_S"]))
            fingerprint = kind.fingerprint(data)
    except Exception as exc:  # recorded and logged; the page shows a plain sentence
        log.exception("Building document job %s (%s) failed", job_id, job.kind)
        _finish(job_id, status=JobStatus.failed, error=f"{type(exc).__name__}: {exc}"[:2000])
        return
    _finish(job_id, status=JobStatus.done, result=content, fingerprint=fingerprint, progress_done=total,
            progress_total=total, error=None)


def sweep() -> None:
    """Every ten minutes: drop what is a day old, give up on jobs whose worker
    died, queue again what the queue lost."""
    now = utcnow()
    db.session.execute(delete(DocumentJob).where(DocumentJob.created_at < now - KEEP))
    db.session.execute(update(DocumentJob).where(DocumentJob.status == JobStatus.running,
                                                 DocumentJob.updated_at < now - STALE)
                       .values(status=JobStatus.failed, error=WORKER_STOPPED, finished_at=now))
    waiting = db.session.scalars(select(DocumentJob.id).where(DocumentJob.status == JobStatus.queued,
                                                              DocumentJob.created_at < now - REQUEUE_AFTER)).all()
    db.session.commit()
    for job_id in waiting:
        queue.enqueue("build_document", job_id)
