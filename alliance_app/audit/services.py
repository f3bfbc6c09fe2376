"""The audit log. Creates, updates and deletes of models marked `__audited__`
are recorded automatically at flush; state changes and security events are
recorded with `record()`. Secrets never enter the log."""
import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import g, has_request_context, request
from flask_login import current_user
from sqlalchemy import event, inspect, insert
from sqlalchemy.orm import Session

from ..core.db import utcnow
from .models import AuditEntry

ALWAYS_EXCLUDED = frozenset({"created_at", "updated_at"})


def _jsonable(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def current_actor():
    """The user acting in this request (session or API token), or None."""
    if not has_request_context():
        return g.get("cli_actor") if g else None
    api_user = g.get("api_user")
    if api_user is not None:
        return api_user
    if current_user and current_user.is_authenticated:
        return current_user._get_current_object()
    return None


def _client_address() -> str | None:
    return request.remote_addr if has_request_context() else None


def _entry_row(action: str, obj: Any = None, changes: dict | None = None, *,
               object_type: str = "", object_id: Any = None, object_label: str = "",
               actor: Any = None) -> dict:
    actor = actor if actor is not None else current_actor()
    if obj is not None:
        object_type = object_type or obj.__tablename__
        if object_id is None:
            # The primary key as the instance holds it: new rows have no identity key yet at after_flush.
            object_id = inspect(obj).mapper.primary_key_from_instance(obj)[0]
        object_label = object_label or str(obj)
    return {
        "at": utcnow(),
        "actor_id": getattr(actor, "id", None),
        "actor_label": str(actor) if actor is not None else ("cli" if not has_request_context() else ""),
        "action": action,
        "object_type": object_type,
        "object_id": None if object_id is None else str(object_id),
        "object_label": (object_label or "")[:300],
        "changes": changes or None,
        "address": _client_address(),
    }


def record(session: Session, action: str, obj: Any = None, changes: dict | None = None, **kw) -> None:
    """Record a state change or security event in the current transaction."""
    session.execute(insert(AuditEntry), [_entry_row(action, obj, changes, **kw)])


def _secret(obj) -> frozenset:
    return getattr(obj, "__audit_exclude__", frozenset())


def _excluded(obj) -> frozenset:
    """Secrets (shown only as changed) and bookkeeping not worth a log line."""
    return ALWAYS_EXCLUDED | _secret(obj) | getattr(obj, "__audit_ignore__", frozenset())


def _changes_of(obj, kind: str) -> dict:
    state = inspect(obj)
    changes = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in _excluded(obj):
            continue
        hist = state.attrs[key].history
        if kind == "create":
            value = getattr(obj, key)
            if value is not None and key != "id":
                changes[key] = [None, _jsonable(value)]
        elif kind == "update" and hist.has_changes():
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            if old != new:
                changes[key] = [_jsonable(old), _jsonable(new)]
        elif kind == "delete":
            value = getattr(obj, key)
            if value is not None and key != "id":
                changes[key] = [_jsonable(value), None]
    # A secret changed is worth knowing, its value never.
    if kind == "update":
        for key in _secret(obj):
            if key in state.attrs and state.attrs[key].history.has_changes():
                changes[key] = ["***", "***"]
    return changes


def _audited(obj) -> bool:
    return getattr(type(obj), "__audited__", False)


@event.listens_for(Session, "after_flush")
def _audit_after_flush(session: Session, flush_context) -> None:
    rows = []
    for kind, objs in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objs:
            if not _audited(obj):
                continue
            if kind == "update" and not session.is_modified(obj, include_collections=False):
                continue
            changes = _changes_of(obj, kind)
            if kind == "update" and not changes:
                continue
            rows.append(_entry_row(kind, obj, changes))
    if rows:
        # Core insert: no new objects enter the unit of work mid-flush.
        session.connection().execute(insert(AuditEntry), rows)
