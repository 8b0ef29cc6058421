"""Links to records, built fast: pages link dozens to hundreds of them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote_plus

from flask import g, url_for

_ID_MARK = 918273645
_CITY_MARK = "c21citymark"
# What Werkzeug leaves unquoted in a query string's values.
_QUERY_SAFE = "!$'()*,/:;?@"


def record_url(endpoint: str, key: str, record_id: int, *, external: bool = False) -> str:
    """``url_for(endpoint, **{key: record_id})`` for a route whose one argument is a record's
    id: the route is built once per request and the id put in (url_for takes ~25 us, and a
    "who knows whom" page links two hundred records, a calendar feed a thousand).
    ``external``: with the scheme and host, as ``_external=True``."""
    marked: dict[str, Any] = {key: _ID_MARK}
    before, after = _around(
        ("record", endpoint, external),
        str(_ID_MARK),
        lambda: url_for(endpoint, **marked, _external=external),
    )
    return f"{before}{int(record_id)}{after}"


def city_list_url(endpoint: str, city_slug: str, filters: dict[str, Any]) -> str:
    """``url_for(endpoint, city=city_slug, **filters)``: a list filtered to one city and
    ``filters``, built once per request for each list and filter and the city put in ("who
    knows whom" links each city's "and 12 more" of each kind: a hundred links)."""
    before, after = _around(
        ("city list", endpoint, *filters.items()),
        _CITY_MARK,
        lambda: url_for(endpoint, city=_CITY_MARK, **filters),
    )
    return f"{before}{quote_plus(city_slug, safe=_QUERY_SAFE)}{after}"


def _around(key: tuple, mark: str, build: Callable[[], str]) -> tuple[str, str]:
    """What comes before and after ``mark`` in the link ``build()`` makes with it, made once
    per request for ``key``."""
    made: dict[tuple, tuple[str, str]] = g.setdefault("_portal_links", {})
    around = made.get(key)
    if around is None:
        before, _mark, after = build().partition(mark)
        around = made[key] = (before, after)
    return around
