"""/healthz for the load balancer and the operator: the process answers and the database does.

Public (a load balancer cannot log in) and holds nothing about the data: a status and how
long the database took to answer."""

from __future__ import annotations

import time

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from portal.extensions import db

bp = Blueprint("health", __name__)


@bp.route("/healthz")
def healthz():
    started = time.perf_counter()
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503, {"Cache-Control": "no-store"}
    took = round((time.perf_counter() - started) * 1000, 1)
    return jsonify(status="ok", database="ok", database_ms=took), 200, {"Cache-Control": "no-store"}
