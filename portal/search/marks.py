"""Marks: words the index adds to each document's text so that the full-text engine itself
keeps to what a reader may see and to the facets chosen, while it matches. Then a search
reads only the documents it shows and counts, however many others share its words (a
common word matches most of the index; the rows a reader may not see are never read).

Who a document is for is decided in portal.security.permissions (``document_marks`` and
``reader_marks``, next to ``visible_filter``); this module only spells the marks as words.
Every mark starts with MARK, and no query term may (portal.search.text drops them), so
nothing a user types can match or exclude a mark."""

from __future__ import annotations

import re
from collections.abc import Iterable

from portal.security.permissions import document_marks, reader_marks

MARK = "zqx"
_NOT_WORD = re.compile(r"[^a-z0-9]")


def word(name: str) -> str:
    """A mark as one index word: "city12" -> "zqxcity12", "in_force" -> "zqxsinforce"."""
    return MARK + _NOT_WORD.sub("", name.lower())


def of_reader(user) -> list[str] | None:
    """The marks of the documents ``user`` may see (any of them will do), or None."""
    names = reader_marks(user)
    return None if names is None else [word(n) for n in names]


def kind(value: str) -> str:
    return word(f"k{value}")


def theme(theme_id: int) -> str:
    return word(f"t{theme_id}")


def city(city_id: int) -> str:
    return word(f"o{city_id}")


def place(place_id: int) -> str:
    return word(f"pl{place_id}")


def year(value: int) -> str:
    return word(f"y{value}")


def status(value: str) -> str:
    return word(f"s{value}")


def of_document(
    *,
    kind_: str,
    city_id: int | None,
    visibility: str,
    archived: bool,
    partner_ids: Iterable[int] = (),
    theme_ids: Iterable[int] = (),
    place_id: int | None = None,
    year_: int | None = None,
    status_: str = "",
) -> list[str]:
    """Every mark of one document: who it is for, then its facet values."""
    marks = [
        word(m)
        for m in document_marks(
            city_id=city_id, visibility=visibility, archived=archived, partner_ids=partner_ids
        )
    ]
    marks.append(kind(kind_))
    marks.extend(theme(t) for t in sorted(set(theme_ids)))
    if city_id is not None:
        marks.append(city(city_id))
    if place_id is not None:
        marks.append(place(place_id))
    if year_ is not None:
        marks.append(year(year_))
    if status_:
        marks.append(status(status_))
    return marks


def marked(body: str, marks: list[str]) -> str:
    """The text the full-text engine indexes: the document's words, then its marks."""
    return f"{body} {' '.join(marks)}" if marks else body
