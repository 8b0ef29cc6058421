"""Links to records, built fast: pages link dozens to hundreds of them."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote_plus

from flask import g, url_for

_ID_MARK = 918273645
_CITY_MARK = "c21citymark"
# What Werkzeug leaves unquoted in a query string's values.
_QUERY_SAFE = "!$'()*,/:;?@"


def record_url(endpoint: str, key: str, record_id: int) -> str:
    """``url_for(endpoint, **{key: record_id})`` for a route whose one argument is a record's
    id: the route is built once per request and the id put in (url_for takes ~25 us, and a
    "who knows whom" page links two hundred records)."""
    made: dict[str, tuple[str, str]] = g.setdefault("_record_urls", {})
    around = made.get(endpoint)
    if around is None:
        marked: dict[str, Any] = {key: _ID_MARK}
        before, _mark, after = url_for(endpoint, **marked).partition(str(_ID_MARK))
        around = made[endpoint] = (before, after)
    return f"{around[0]}{int(record_id)}{around[1]}"


def city_list_url(endpoint: str, city_slug: str, filters: dict[str, Any]) -> str:
    """``url_for(endpoint, city=city_slug, **filters)``: a list filtered to one city and
    ``filters``, built once per request for each list and filter and the city put in ("who
    knows whom" links each city's "and 12 more" of each kind: a hundred links)."""
    made: dict[tuple, tuple[str, str]] = g.setdefault("_city_list_urls", {})
    key = (endpoint, *filters.items())
    around = made.get(key)
    if around is None:
        before, _mark, after = url_for(endpoint, city=_CITY_MARK, **filters).partition(_CITY_MARK)
        around = made[key] = (before, after)
    return f"{around[0]}{quote_plus(city_slug, safe=_QUERY_SAFE)}{around[1]}"
