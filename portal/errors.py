"""Error pages in the site's layout. Users never see a stack trace."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from portal.extensions import db
from portal.security.denials import record_denial
from portal.services.errors import Forbidden, NotFound

log = logging.getLogger(__name__)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error):
        return render_template("errors/csrf.html"), 400

    from portal import api

    @app.errorhandler(NotFound)
    def _not_found(error: NotFound):
        return render_template("errors/error.html", code=404), 404

    @app.errorhandler(Forbidden)
    def _forbidden(error: Forbidden):
        target = error.target
        record_denial(
            current_user,
            error.action,
            getattr(target, "__tablename__", ""),
            getattr(target, "id", None),
            403,
        )
        return render_template("errors/error.html", code=403), 403

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        if api.is_api_request():  # an address under the API that no route matched
            return api.problem_for(error)
        code = error.code or 500
        if code == 405:
            return render_template("errors/error.html", code=405), 405
        if code not in (400, 403, 404, 413, 429):
            code = 500 if code >= 500 else 400
        return render_template("errors/error.html", code=code), code

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        log.exception("unhandled error")
        db.session.rollback()
        if api.is_api_request():
            return api.problem_for(InternalServerError())
        return render_template("errors/error.html", code=500), 500
