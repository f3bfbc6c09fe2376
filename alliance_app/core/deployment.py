"""Running behind a reverse proxy: which forwarded headers to trust, and one
structured log line per request (method, route, status, duration; no personal
data: no address, no user, no query string)."""
import json
import logging
import time

from flask import Flask, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

request_log = logging.getLogger("alliance.requests")


def init_app(app: Flask) -> None:
    proxies = app.config.get("PROXY_FIX")
    if proxies:
        # Only as many hops as configured are trusted: a client cannot fake its
        # address or scheme past the proxy (ProxyFix configured, not blind).
        app.wsgi_app = ProxyFix(app.wsgi_app, **proxies)

    if not app.config.get("LOG_REQUESTS", True) or app.testing:
        return
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(message)s")
    request_log.setLevel(logging.INFO)

    def _start_clock():
        g.request_started = time.perf_counter()

    # First of all before-request functions: one that answers early (the CSRF
    # check's 400, say) must not leave its request out of the log.
    app.before_request_funcs.setdefault(None, []).insert(0, _start_clock)

    @app.after_request
    def _log_request(response):
        started = g.get("request_started")
        if started is not None:
            request_log.info(json.dumps({
                "method": request.method,
                "route": request.url_rule.rule if request.url_rule else None,
                "status": response.status_code,
                "ms": round((time.perf_counter() - started) * 1000, 1),
                "bytes": response.calculate_content_length(),
            }, separators=(",", ":")))
        return response
