"""For the domains' views: a document at once, or, above its size threshold,
a job for the worker and a redirect to the job's page."""
from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

from ..core.downloads import download_response
from ..extensions import db
from . import services
from .registry import DocumentKind


def document_response(kind: DocumentKind, params: dict):
    data = kind.load(params)
    if data is None:
        abort(404)
    if kind.size(data) <= current_app.config[kind.threshold]:
        filename, fallback, mimetype = kind.describe(data)
        return download_response(kind.build(data, None), filename, mimetype, fallback=fallback, inline=kind.inline)
    job, created = services.request_document(kind, params, data, current_user, request.full_path.rstrip("?"))
    db.session.commit()
    if created:
        services.start(job)
    return redirect(url_for("jobs.job", job_id=job.id))
