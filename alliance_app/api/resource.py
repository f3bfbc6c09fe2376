"""One way to write an API operation. Each endpoint declares, in one
`@operation(...)`, its access rule, the URL's object, its body or query, its
answer and the errors it documents; its body is the call of one service (or,
for a read, the query) and nothing else:

    @operation(access=secretariat_required, load=Lookup(Event, "event_id"), body=EventUpdateSchema,
               response=EventDetailSchema, reload=EVENT_LOAD, errors=(400, 401, 403, 404))
    def patch(self, data, event):
        return services.update_event(event, data, current_user)

In the order they run: the access rule (401/403 before anything is looked up),
the URL's object (404, or 403/404 per its `can`), the JSON-body check (400),
the schema (422), the view; then, for anything but a read, one commit, or a
rollback when the service refuses (ServiceError); the answer is the view's
result, read again with `reload` after the commit."""
from dataclasses import dataclass
from functools import wraps
from typing import Callable

from flask import Response, abort, request
from flask_login import current_user
from sqlalchemy import inspect, select

from ..core.errors import ServiceError
from ..core.permissions import MAX_ID
from ..extensions import db
from . import ApiErrorSchema
from .common import json_body, optional_json_body

# Anyone may call the public reads; a token only shows the secretariat more.
PUBLIC = [{}, {"bearerAuth": []}]

# What every blueprint answers alike; its own table adds and may override.
COMMON_ERRORS = {
    400: "The body is not a JSON object",
    401: "Missing, invalid or revoked token",
}

READS = ("GET", "HEAD")


def anyone(view):
    """The access rule of a public read: no token needed (an invalid one is still 401)."""
    return view


def loaded(model, object_id: int, options=()):
    """The row, or None (an id beyond the columns' range is not there either).
    With `options`, read afresh with everything its answer shows, in a fixed
    number of queries (one per relationship level, whatever the number of rows)."""
    if not 0 < object_id <= MAX_ID:
        return None
    if not options:
        return db.session.get(model, object_id)
    return db.session.scalar(select(model).where(model.id == object_id).options(*options)
                             .execution_options(populate_existing=True))


@dataclass(frozen=True)
class Lookup:
    """The URL's object: `model` by the URL argument `url_arg` ("event_id"),
    given to the view as the argument named without "_id" ("event"). Missing:
    404. `can(obj, user)` false: `refused`, 403, or 404 where the caller may
    not even know it exists (a draft event). `options`: see `loaded`."""

    model: type
    url_arg: str
    can: Callable | None = None
    refused: int = 403
    options: tuple = ()

    def __call__(self, view):
        name = self.url_arg.removesuffix("_id")

        @wraps(view)
        def wrapped(*args, **kwargs):
            obj = loaded(self.model, kwargs.pop(self.url_arg), self.options)
            if obj is None:
                abort(404)
            if self.can is not None and not self.can(obj, current_user):
                abort(self.refused)
            return view(*args, **{name: obj}, **kwargs)

        return wrapped


def save(work, *, keep_loaded: bool = False):
    """Run the one service call; commit, or write nothing. keep_loaded: the
    answer is made from the objects as they were written, instead of reloading
    each of them after the commit (five SELECTs for a registration)."""
    try:
        result = work()
    except ServiceError:
        db.session.rollback()
        raise
    session = db.session()
    session.expire_on_commit = not keep_loaded
    try:
        session.commit()
    finally:
        session.expire_on_commit = True
    return result


def _answering(view, status, reload, location, keep_loaded):
    """The view in its transaction (a read has none), and its result as the answer."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if request.method in READS:
            result = view(*args, **kwargs)
        else:
            result = save(lambda: view(*args, **kwargs), keep_loaded=keep_loaded)
        if status == 204:
            return Response(status=204)
        if isinstance(result, Response):
            return result
        if reload is not None:  # the commit expired it; its id is still known
            result = loaded(type(result), inspect(result).identity[0], reload)
        return result, status, {"Location": location(result)} if location else {}

    return wrapped


def operation_for(blp, descriptions: dict[int, str]):
    """The `operation` decorator of one blueprint; the errors it documents are
    described as `descriptions` (over COMMON_ERRORS) says."""
    descriptions = {**COMMON_ERRORS, **descriptions}

    def operation(*, access, load: Lookup | None = None, body=None, body_required: bool = True, query=None,
                  response=None, status: int = 200, reload=None, location=None, keep_loaded: bool = False,
                  errors=(), doc=None):
        """access: the rule (secretariat_required, login_required, anyone); load: the
        URL's object; body / query: the schema of the JSON body / the query string;
        response and status: the answer (204: none); reload: see `loaded`;
        location(answer): the Location header of a 201; errors: the statuses it
        may answer besides the schema's 422, each a number or (number, description),
        listed in the document (it has no catch-all, so each must be there); doc:
        more of the operation's document, verbatim."""

        def decorator(view):
            view = _answering(view, status, reload, location, keep_loaded)
            for error in errors:
                code, description = error if isinstance(error, tuple) else (error, descriptions[error])
                view = blp.alt_response(code, schema=ApiErrorSchema, description=description)(view)
            if response is not None or status == 204:
                view = blp.response(status, response)(view)
            if query is not None:
                view = blp.arguments(query, location="query")(view)
            if body is not None:
                view = blp.arguments(body, required=body_required)(view)
                view = (json_body if body_required else optional_json_body)(view)
            if load is not None:
                view = load(view)
            view = access(view)
            if access is anyone:
                view = blp.doc(security=PUBLIC)(view)
            if doc:
                view = blp.doc(**doc)(view)
            return view

        return decorator

    return operation
