"""The REST API, /api/v1/ (issue 16): the same services, ``can()`` and scoped loaders as the
pages, for the cities' own systems, authenticated by personal access tokens
(``Authorization: Bearer c21_...``). Its OpenAPI document is generated from the code by
flask-smorest and readable without a token (it holds no data); every data route without a
valid token answers 401. Errors are RFC 9457 problem details."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from http import HTTPStatus

from flask import Blueprint as FlaskBlueprint
from flask import Flask, Response, current_app, g, json, request
from flask_smorest import Api
from flask_smorest import Blueprint as ApiBlueprint
from werkzeug.exceptions import HTTPException

from portal.api.schemas import Problem
from portal.extensions import csrf, db
from portal.services import api_tokens
from portal.services.errors import Forbidden, NotFound, ValidationError

PREFIX = "/api/v1"
PROBLEM = "application/problem+json"


class PortalApi(Api):
    """flask-smorest's Api without its app-wide error handler: the pages keep their own
    error pages; the API's blueprint answers problem details itself, and the document says
    so (every error answer is ``application/problem+json`` of the Problem schema)."""

    ERROR_SCHEMA = Problem

    def _register_error_handlers(self):
        pass

    def _register_responses(self):
        self.DEFAULT_RESPONSE_CONTENT_TYPE = PROBLEM  # only while the error answers register
        try:
            super()._register_responses()
        finally:
            del self.DEFAULT_RESPONSE_CONTENT_TYPE


bp = ApiBlueprint("api", __name__, url_prefix=PREFIX, description="The C21 portal's records")


def answers(*codes: int):
    """Decorator: the error answers an operation may give, documented as problem details
    (every operation also may answer 401 without a live token and 429 over the rate)."""

    def decorate(view):
        for code in (401, 429, *codes):
            if code == 429:
                view = bp.alt_response(
                    429,
                    schema=Problem,
                    content_type=PROBLEM,
                    description="Too many requests: wait the seconds Retry-After says",
                    headers={"Retry-After": {"schema": {"type": "integer"}}},
                )(view)
            else:
                view = bp.alt_response(code, response=HTTPStatus(code).name)(view)
        return view

    return decorate


def problem(status: int, title: str, *, detail: str = "", errors=None, headers=None) -> Response:
    body = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    response = Response(
        json.dumps(body), status=status, mimetype="application/problem+json", headers=headers
    )
    return response


class _RateLimit:
    """Requests per token in a sliding minute, per process (PORTAL_API_RATE_PER_MINUTE)."""

    def __init__(self):
        self._seen: dict[str, deque] = defaultdict(deque)
        self._lock = threading.Lock()

    def wait(self, key: str, per_minute: int) -> int:
        """Seconds to wait before the next request is allowed; 0: go ahead (counted)."""
        now = time.monotonic()
        with self._lock:
            seen = self._seen[key]
            while seen and now - seen[0] >= 60:
                seen.popleft()
            if len(seen) >= per_minute:
                return max(1, int(60 - (now - seen[0])) + 1)
            seen.append(now)
            return 0


rate_limit = _RateLimit()


@bp.before_request
def _authenticate():
    header = request.headers.get("Authorization", "")
    secret = header[7:].strip() if header[:7].lower() == "bearer " else ""
    token = api_tokens.authenticate(secret)
    if token is None:
        return problem(
            401,
            "Unauthorized",
            detail="Send a live personal access token: Authorization: Bearer c21_...",
            headers={"WWW-Authenticate": 'Bearer realm="C21 portal API"'},
        )
    if request.method not in ("GET", "HEAD", "OPTIONS") and not token.writes:
        from portal.security.denials import record_denial

        record_denial(token.user, "api.write", "api_tokens", token.id, 403)
        return problem(403, "Forbidden", detail="This token is read-only.")
    per_minute = int(current_app.config.get("API_RATE_PER_MINUTE", 120))
    wait = rate_limit.wait(token.token_hash, per_minute)
    if wait:
        return problem(
            429,
            "Too Many Requests",
            detail=f"At most {per_minute} requests a minute.",
            headers={"Retry-After": str(wait)},
        )
    g._login_user = token.user  # the token acts as its user: current_user, can() and all
    g.api_token = token
    return None


@bp.errorhandler(ValidationError)
def _invalid(error: ValidationError):
    db.session.rollback()
    return problem(
        422,
        "Unprocessable Content",
        detail="Some fields are not right: see errors.",
        errors={k or "": v for k, v in error.errors.items()},
    )


@bp.errorhandler(Forbidden)
def _forbidden(error: Forbidden):
    from flask_login import current_user

    from portal.security.denials import record_denial

    db.session.rollback()
    target = error.target
    record_denial(
        current_user,
        error.action,
        getattr(target, "__tablename__", ""),
        getattr(target, "id", None),
        403,
    )
    return problem(403, "Forbidden", detail="Your account may not do this.")


@bp.errorhandler(NotFound)
def _not_found(error: NotFound):
    db.session.rollback()
    return problem(404, "Not Found", detail="No such record, or not one you may see.")


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    return problem_for(error)


def problem_for(error: HTTPException) -> Response:
    """An HTTP error as problem details: the blueprint's own, and the app's for any address
    under the API that no route matched (a 404 for /contacts/-1, a 405 for TRACE)."""
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    errors = None
    if isinstance(messages, dict):  # webargs: {location: {field: [message]}}
        errors = {
            name: " ".join(m) if isinstance(m, list) else str(m)
            for where in messages.values()
            if isinstance(where, dict)
            for name, m in where.items()
        }
    code = error.code or 500
    allow = {k: v for k, v in error.get_headers() if k == "Allow"}
    if code == 422:
        return problem(
            422,
            "Unprocessable Content",
            detail="Some fields are not right: see errors.",
            errors=errors,
        )
    detail = data.get("message") or error.description or ""
    return problem(code, HTTPStatus(code).phrase, detail=detail, errors=errors, headers=allow)


def is_api_request() -> bool:
    return request.path.startswith(PREFIX + "/") and request.path != PREFIX + "/reference"


# The reference page is an ordinary page (no token: it holds no data), drawn from the same
# OpenAPI document, fetching nothing from other hosts.
reference_bp = FlaskBlueprint("api_reference", __name__, url_prefix=PREFIX)


@reference_bp.route("/reference")
def reference():
    from flask import render_template

    spec = current_app.extensions["portal_api"].spec.to_dict()
    return render_template("api/reference.html", spec=spec, prefix=PREFIX)


def init_app(app: Flask) -> None:
    app.config.setdefault("API_TITLE", "C21 China Network Portal API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault(
        "API_SPEC_OPTIONS",
        {
            "components": {"securitySchemes": {"token": {"type": "http", "scheme": "bearer"}}},
            "security": [{"token": []}],
        },
    )
    from portal.api import directory, progress, views  # noqa: F401  (the routes)

    csrf.exempt(bp)  # a token, never a cookie, authenticates the API
    api = PortalApi(app)
    api.register_blueprint(bp)
    app.extensions["portal_api"] = api
    app.register_blueprint(reference_bp)
