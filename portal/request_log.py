"""One structured log line per request: what was asked, how it went, how long it took.

JSON on the ``portal.requests`` logger, for the operator's log collector. No personal data:
the route's pattern instead of the path (``/contacts/<int:contact_id>``), no query string (a
search can hold a person's name), no user or address (the audit log keeps who did what)."""

from __future__ import annotations

import json
import logging
import os
import time

from flask import Flask, g, request

log = logging.getLogger("portal.requests")


def init_app(app: Flask) -> None:
    if app.config.get("REQUEST_LOG") and not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False

    @app.before_request
    def _start_clock():
        g._request_started = time.perf_counter()

    @app.after_request
    def _log(response):
        started = g.pop("_request_started", None)
        if started is not None and log.isEnabledFor(logging.INFO):
            rule = request.url_rule.rule if request.url_rule else None
            log.info(
                json.dumps(
                    {
                        "method": request.method,
                        "route": rule or "(no route)",
                        "endpoint": request.endpoint,
                        "status": response.status_code,
                        "ms": round((time.perf_counter() - started) * 1000, 1),
                        "bytes": response.calculate_content_length(),
                        "pid": os.getpid(),
                    },
                    separators=(",", ":"),
                )
            )
        return response
