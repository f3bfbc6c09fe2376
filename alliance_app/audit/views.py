from flask import render_template, request
from sqlalchemy import select

from ..extensions import db
from ..core.permissions import admin_required
from ..core.text import clean_line
from ..core.params import paginate
from . import bp
from .models import AuditEntry

PAGE_SIZE = 100


@bp.route("/admin/audit")
@admin_required
def audit_log():
    filters = {key: clean_line(request.args.get(key))[:100] for key in ("action", "object_type", "actor")}
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if filters["action"]:
        query = query.where(AuditEntry.action == filters["action"])
    if filters["object_type"]:
        query = query.where(AuditEntry.object_type == filters["object_type"])
    if filters["actor"]:
        query = query.where(AuditEntry.actor_label.contains(filters["actor"], autoescape=True))
    page = paginate(query, per_page=PAGE_SIZE)
    actions = db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)).all()
    types = db.session.scalars(select(AuditEntry.object_type).distinct().order_by(AuditEntry.object_type)).all()
    return render_template("audit/list.html", page=page, filters=filters, actions=actions, types=types)
