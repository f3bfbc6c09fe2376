"""Who may do what. Views and API endpoints declare their rule with these
decorators, so the check runs before the handler body."""
from functools import wraps

from flask import abort, request
from flask_login import current_user

from ..extensions import login_manager
from .params import MAX_ID


def _require(predicate):
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not predicate(current_user):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


login_required = _require(lambda user: True)
admin_required = _require(lambda user: user.is_admin)
secretariat_required = _require(lambda user: user.is_secretariat)
# Member self-service: an account of a member organization (not an applicant's, nor a
# rejected or withdrawn one's: those only follow their application).
member_required = _require(lambda user: user.can_self_serve)
member_account_required = _require(lambda user: user.is_member)


def wants_json() -> bool:
    return request.path.startswith("/api/")


def load_for(model, object_id, can):
    """The object, or 404; 403 when the current user may not use it (`can(obj, user)`)."""
    from ..extensions import db

    # An id beyond the columns' range is simply not there (the database would refuse the number).
    obj = db.session.get(model, object_id) if 0 < object_id <= MAX_ID else None
    if obj is None:
        abort(404)
    if not can(obj, current_user):
        abort(403)
    return obj
