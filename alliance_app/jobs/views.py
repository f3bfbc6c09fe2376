"""The job's page, its progress as JSON, and the finished document. Each job
is seen only by those who may open the page it comes from."""
from flask import flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _

from ..core.downloads import download_response
from ..core.permissions import load_for, login_required
from . import bp
from .labels import job_state, progress_text
from .models import FINISHED, DocumentJob, JobStatus


def _job(job_id) -> DocumentJob:
    return load_for(DocumentJob, job_id, DocumentJob.can_view)


@bp.route("/jobs/<int:job_id>")
@login_required
def job(job_id):
    job = _job(job_id)
    return render_template("jobs/job.html", job=job, text=progress_text(job), finished=job.status in FINISHED,
                           statuses=JobStatus)


@bp.route("/jobs/<int:job_id>.json")
@login_required
def job_status(job_id):
    return jsonify(job_state(_job(job_id)))


@bp.route("/jobs/<int:job_id>/download")
@login_required
def download(job_id):
    job = _job(job_id)
    if job.status != JobStatus.done:
        flash(progress_text(job), "warning")
        return redirect(url_for("jobs.job", job_id=job.id))
    return download_response(job.result, job.filename, job.mimetype, fallback=job.fallback_filename,
                             inline=job.inline)
