"""Absolute addresses for use outside the page that makes them (a ticket's QR
code, the ceremony screen's link, later an email): built from the configured
BASE_URL, never from the request's Host header, which the client chooses."""
from urllib.parse import urlsplit

from flask import current_app, url_for


def base_url_problem(value) -> str | None:
    """Why a BASE_URL setting cannot be used, or None."""
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        return "BASE_URL must be the address users reach the application at, e.g. https://alliance.example.org"
    return None


def absolute_url(endpoint: str, **values) -> str:
    base = current_app.config.get("BASE_URL")
    if not base:  # development and tests only: start-up refuses to serve without it
        return url_for(endpoint, _external=True, **values)
    parts = urlsplit(base)
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path.rstrip("/") or "/",
                                       url_scheme=parts.scheme)
    return adapter.build(endpoint, values, force_external=True)
