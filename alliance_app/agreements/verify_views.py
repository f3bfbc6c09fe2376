"""The public verification page of printed agreements (/verify/<code>): see
verification.py. No login: whoever holds the paper may check it."""
from flask import current_app, render_template, request

from ..core.errors import ServiceError
from . import bp, verification
from .forms import VerifyForm
from .labels import STATUS_LABELS


def _read_upload(storage, limit: int) -> bytes:
    """At most limit + 1 bytes: enough to tell a file that is too large."""
    return storage.stream.read(limit + 1) if storage else b""


@bp.route("/verify/<code>", methods=["GET", "POST"])
def verify(code):
    agreement = verification.lookup(code, request.remote_addr or "")
    found = verification.verification(agreement)
    form = VerifyForm()
    result = None
    if form.validate_on_submit():
        limit = current_app.config["VERIFY_UPLOAD_MAX_BYTES"]
        storage = form.file.data if getattr(form.file.data, "filename", "") else None
        if storage is not None or not form.sha256.data:
            content = _read_upload(storage, limit)
            problem = verification.upload_problem(content, limit)
            if problem:
                form.file.errors = [problem]
            else:
                result = verification.compare(found, content=content)
        elif problem := verification.hash_problem(form.sha256.data):
            form.sha256.errors = [problem]
        else:
            result = verification.compare(found, sha256=form.sha256.data)
    status = 422 if request.method == "POST" and result is None else 200
    return render_template("agreements/verify.html", found=found, agreement=agreement, form=form, result=result,
                           statuses=STATUS_LABELS), status
