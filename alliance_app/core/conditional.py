"""Conditional answers for public pages: a page that has not changed since the
visitor (or a proxy) last fetched it costs one cheap statement and a 304.

A view is wrapped with `@cacheable(stamp)`: `stamp(**view_args)` reads the
data's own change stamps (updated_at columns, counts) in one statement and
returns something printable, or None when the page is not for caching (a
draft, a 404). The ETag is a digest of that stamp, the language, the address
and the code that renders it; Last-Modified is the stamp's newest time, if it
gives one.

Only anonymous visitors get a shareable answer (`public, max-age, must-
revalidate`, `Vary: Cookie`, the language being chosen by cookie). A signed-in
visitor's page shows their name and menus: `private, no-store`, never a 304."""
import hashlib
import os
from datetime import datetime, timezone
from functools import lru_cache, wraps
from pathlib import Path

from flask import current_app, make_response, request, session
from flask_login import current_user
from werkzeug.http import is_resource_modified

from .i18n import request_language

PUBLIC_MAX_AGE = 60  # seconds a proxy may answer without asking again


@lru_cache(maxsize=None)
def _code_stamp(root: str, templates: str) -> str:
    """The code that renders the pages: a new release makes new ETags (the same
    in every worker, read once per process from the files' sizes and times)."""
    digest = hashlib.sha256()
    for folder in (root, templates):
        for directory, _dirs, files in sorted(os.walk(folder)):
            for name in sorted(files):
                if name.endswith((".py", ".html", ".mo")):
                    info = os.stat(os.path.join(directory, name))
                    digest.update(f"{directory}/{name}:{info.st_size}:{info.st_mtime_ns};".encode())
    return digest.hexdigest()[:16]


def _newest(stamp) -> datetime | None:
    """The latest time in the stamp (a tuple of values), for Last-Modified."""
    times = [value for value in (stamp if isinstance(stamp, (tuple, list)) else (stamp,))
             if isinstance(value, datetime)]
    if not times:
        return None
    newest = max(value if value.tzinfo else value.replace(tzinfo=timezone.utc) for value in times)
    return newest.replace(microsecond=0)


def _anonymous() -> bool:
    """A visitor whose page is the same as every other's in their language: not
    signed in, no message waiting to be shown once."""
    return not current_user.is_authenticated and "_flashes" not in session


def _private(response):
    response.headers["Cache-Control"] = "private, no-store"
    response.vary.add("Cookie")
    return response


def cacheable(stamp_of):
    """Answer conditional requests of anonymous visitors from `stamp_of(**view_args)`."""
    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not _anonymous():
                return _private(make_response(view(*args, **kwargs)))
            stamp = stamp_of(**kwargs)
            if stamp is None:
                return view(*args, **kwargs)
            app = current_app
            code = _code_stamp(str(Path(app.root_path)), str(Path(app.root_path, app.template_folder or "")))
            etag = hashlib.sha256(repr((stamp, request_language(), request.full_path, code)).encode()).hexdigest()[:32]
            last_modified = _newest(stamp)
            if not is_resource_modified(request.environ, etag=etag, last_modified=last_modified):
                response = app.response_class(status=304)
            else:
                response = make_response(view(*args, **kwargs))
                if response.status_code != 200:
                    return response
                if session.modified:  # something wrote to the session: this answer is this visitor's own
                    return _private(response)
            response.set_etag(etag)
            if last_modified is not None:
                response.last_modified = last_modified
            response.headers["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}, must-revalidate"
            response.vary.add("Cookie")  # the language is chosen by cookie; a session cookie means signed in
            return response
        return wrapper
    return decorate
