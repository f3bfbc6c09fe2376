"""What the job's page and its JSON say, in the reader's language."""
from datetime import timedelta

from flask_babel import gettext as _

from ..core.db import utcnow
from .models import FINISHED, DocumentJob, JobStatus
from .services import GONE

SLOW_START = timedelta(minutes=2)


def progress_text(job: DocumentJob) -> str:
    if job.status == JobStatus.queued:
        if job.created_at < utcnow() - SLOW_START:
            return _("Still waiting for the worker. If this lasts, tell the administrator: "
                     "the background worker may not be running.")
        return _("Waiting for the worker to start…")
    if job.status == JobStatus.running:
        return _("Building: %(done)d of %(total)d done.", done=job.progress_done, total=job.progress_total)
    if job.status == JobStatus.done:
        return _("Ready. The document is kept for a day, or until the data it shows changes.")
    if job.status == JobStatus.expired:
        return _("The data has changed since this document was built. Ask for it again to get the current one.")
    if job.error == GONE:
        return _("What this document was made from no longer exists.")
    return _("The document could not be built. Ask for it again; if it fails again, tell the administrator "
             "(job %(id)d).", id=job.id)


def job_state(job: DocumentJob) -> dict:
    """The JSON the page polls."""
    return {"status": job.status.value, "done": job.progress_done, "total": job.progress_total,
            "percent": job.percent, "finished": job.status in FINISHED, "text": progress_text(job)}
