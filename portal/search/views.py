"""The search page: one box on every page leads here."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from portal.record_views import page_number
from portal.search.query import FACETS, Filters, search, url_of
from portal.security.permissions import require

bp = Blueprint("search", __name__)


@bp.route("/search")
def results():
    require(current_user, "network.read")
    filters = Filters(**{name: request.args.get(name, "")[:60] for name in FACETS})
    query = request.args.get("q", "")
    return render_template(
        "search/results.html",
        result=search(current_user, query, filters, page=page_number()),
        filters=filters,
        url_of=url_of,
    )


@bp.route("/search/export.<fmt>")
def export(fmt: str):
    """The search's results as a file, with the same words and facets."""
    from portal.extensions import db
    from portal.record_views import file_response
    from portal.services import exports

    require(current_user, "network.read")
    filters = Filters(**{name: request.args.get(name, "")[:60] for name in FACETS})
    described = request.query_string.decode("utf-8", "replace")
    table = exports.search_table(
        current_user, request.args.get("q", ""), filters, described=described, fmt=fmt
    )
    db.session.commit()
    return file_response(table, fmt, "search")
