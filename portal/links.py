"""Links to records, built fast: pages link dozens to hundreds of them."""

from __future__ import annotations

from typing import Any

from flask import g, url_for

_ID_MARK = 918273645


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
