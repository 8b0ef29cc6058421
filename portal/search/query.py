"""Answering a search: the documents the user may see that match the words, with facet
counts over the same visible set, one page at a time. A fixed number of statements."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import (
    ColumnElement,
    String,
    Subquery,
    case,
    cast,
    false,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.orm import joinedload

from portal import kinds as registry
from portal.caching import per_data_state
from portal.extensions import db
from portal.input_safety import parse_id
from portal.models.reference import ChinesePlace, City, Theme
from portal.models.search import SearchDocument, search_document_themes
from portal.search import backends, marks
from portal.security.permissions import visibility_scope, visible_filter

# The order search shows its groups in: the registry's.
KIND_ORDER = [k.key for k in registry.searchable()]
FACETS = ("kind", "theme", "city", "place", "year", "status")


@dataclass
class Filters:
    kind: str = ""
    theme: str = ""  # slug
    city: str = ""  # slug
    place: str = ""  # slug
    year: str = ""
    status: str = ""

    def active(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in FACETS if getattr(self, name)}


@dataclass
class FacetOption:
    value: str
    label: str
    count: int | None  # None: offered, not counted (a search beyond BOUND)
    selected: bool


@dataclass
class SearchResult:
    query: str
    total: int
    number: int
    per_page: int
    items: list[SearchDocument]
    facets: dict[str, list[FacetOption]] = field(default_factory=dict)
    more: bool = False  # more than ``total`` match (the count stopped at BOUND)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_next(self) -> bool:
        return self.number < self.pages or (self.more and len(self.items) == self.per_page)

    @property
    def groups(self) -> list[tuple[str, list[SearchDocument]]]:
        grouped: dict[str, list[SearchDocument]] = {}
        for item in self.items:
            grouped.setdefault(item.kind, []).append(item)
        return [(kind, grouped[kind]) for kind in KIND_ORDER if kind in grouped]


def url_of(document: SearchDocument) -> str:
    return registry.KINDS[document.kind].url(document.record_id)


def _lookups():
    themes = {t.slug: t for t in db.session.scalars(select(Theme))}
    cities = {c.slug: c for c in db.session.scalars(select(City))}
    places = {p.slug: p for p in db.session.scalars(select(ChinesePlace))}
    return themes, cities, places


# A search counts at most this many matches, with its facets; beyond (a common word) it says
# "more than", pages from the newest match, and offers facet values without counts.
BOUND = 2_000


def _conditions(filters: Filters, hits, themes, cities, places) -> dict[str, ColumnElement]:
    """Per chosen facet, its condition on the ``hits`` CTE. Unknown values match nothing."""
    ok: dict[str, ColumnElement] = {}
    if filters.kind:
        ok["kind"] = hits.c.kind == filters.kind
    if filters.theme:
        theme = themes.get(filters.theme)
        ok["theme"] = (
            hits.c.id.in_(
                select(search_document_themes.c.document_id).where(
                    search_document_themes.c.theme_id == theme.id
                )
            )
            if theme
            else false()
        )
    if filters.city:
        city = cities.get(filters.city)
        ok["city"] = hits.c.city_id == city.id if city else false()
    if filters.place:
        place = places.get(filters.place)
        ids = [p.id for p in places.values() if place.id in (p.id, p.parent_id)] if place else []
        ok["place"] = hits.c.place_id.in_(ids) if ids else false()
    if filters.year:
        year = parse_id(filters.year)
        ok["year"] = hits.c.year == year if year is not None else false()
    if filters.status:
        ok["status"] = hits.c.status == filters.status
    return ok


def _hits(actor, ids: list[int]):
    """The documents of ``ids`` (the newest matches, at most BOUND) that ``actor`` may see:
    a CTE of what the facets and the order need, read once however often the statement
    refers to it. The engine kept to the reader's marks while it matched;
    ``visible_filter`` checks again what it returned."""
    doc = SearchDocument
    among = backends.among(db.engine.dialect.name, doc.id, ids)
    return (
        select(doc.id, doc.kind, doc.city_id, doc.place_id, doc.year, doc.status, doc.title)
        .where(among, visible_filter(actor, doc), doc.archived.is_(False))
        .cte("hits")
        .prefix_with("MATERIALIZED")
    )


_FACET_VALUES = {"kind": "kind", "city": "city_id", "place": "place_id", "year": "year"}


def _counts(
    hits, ok: dict[str, ColumnElement], page: Subquery
) -> tuple[dict[str, Counter], int, list[int]]:
    """One statement: per facet its values and counts (leaving out the facet's own choice,
    so that the other values of a chosen facet still show what they would give), the
    number of hits passing every choice, and the ids of ``page`` (see ``_page``), so that
    the hits are read once."""
    parts = [select(literal("=page"), cast(page.c.id, String), page.c.position)]
    for name in FACETS:
        others = [condition for facet, condition in ok.items() if facet != name]
        if name == "theme":
            value = search_document_themes.c.theme_id
            source = hits.join(
                search_document_themes, search_document_themes.c.document_id == hits.c.id
            )
        else:
            value = hits.c[_FACET_VALUES.get(name, name)]
            source = hits
        parts.append(
            select(literal(name), cast(value, String), func.count())
            .select_from(source)
            .where(*others)
            .group_by(value)
        )
    parts.append(
        select(literal("=total"), literal(""), func.count()).select_from(hits).where(*ok.values())
    )
    counts: dict[str, Counter] = {name: Counter() for name in FACETS}
    total = 0
    ids: list[tuple[int, int]] = []
    for facet, found, n in db.session.execute(union_all(*parts)):
        if facet == "=total":
            total = n
        elif facet == "=page":
            ids.append((n, int(found)))
        elif found not in (None, ""):
            counts[facet][found if facet in ("kind", "status") else int(found)] = n
    return counts, total, [i for _, i in sorted(ids)]


def _page(hits, ok: dict[str, ColumnElement], number: int, per_page: int) -> Subquery:
    """The ids of page ``number`` of the hits passing every choice, grouped by kind and by
    title, with their ``position`` (a union of it with the counts keeps no order)."""
    rank = case({k: i for i, k in enumerate(KIND_ORDER)}, value=hits.c.kind, else_=99)
    order = [rank, hits.c.title, hits.c.id]
    return (
        select(hits.c.id, func.row_number().over(order_by=order).label("position"))
        .where(*ok.values())
        .order_by(*order)
        .limit(per_page)
        .offset((number - 1) * per_page)
        .subquery()
    )


def search(actor, query: str, filters: Filters, *, page: int = 1, per_page: int = 20):
    """Search what ``actor`` may see. The visibility rule is applied before anything is
    counted, so totals and facet counts never include a record the user may not see.

    Up to BOUND matches are counted exactly, with facet counts, and shown grouped by kind
    and by title: the engine walks once for the newest BOUND + 1 ids, then, in the
    database, one statement counts those the user may see and picks the page (the page
    alone when the counts are kept), one reads its documents. Beyond (a common word), the
    engine pages through the newest matches that pass the chosen facets and counts them up
    to BOUND: "more than 2,000 results"."""
    query = (query or "").strip()[:200]
    dialect = db.engine.dialect.name
    reader = marks.of_reader(actor)
    if reader is None or (backends.expression(dialect, query) is None and not filters.active()):
        return SearchResult(query, 0, 1, per_page, [])
    expression = backends.expression(dialect, query, [reader])
    assert expression is not None
    themes, cities, places = _lookups()
    # The engine walks its matches once: the ids serve the count, the facets and the page.
    found = _newest_ids(expression, BOUND + 1)
    if len(found) > BOUND:
        return _beyond_bound(actor, query, filters, found, page, per_page, themes, cities, places)
    hits = _hits(actor, found)
    ok = _conditions(filters, hits, themes, cities, places)
    asked = max(1, page)
    # Counted afresh, the counts come with the page asked for (the hits read once); kept,
    # they come without it, and the page is read on its own.
    with_counts: list[list[int]] = []

    def count() -> tuple[dict[str, Counter], int]:
        counts, total, ids = _counts(hits, ok, _page(hits, ok, asked, per_page))
        with_counts.append(ids)
        return counts, total

    counts, total = per_data_state(
        "search-counts",
        (visibility_scope(actor), query, tuple(sorted(filters.active().items()))),
        count,
        limit=512,
    )
    pages = max(1, math.ceil(total / per_page))
    number = min(asked, pages)
    if with_counts and number == asked:
        ids = with_counts[0]
    else:  # kept counts, or a page number past the last page
        shown = _page(hits, ok, number, per_page)
        ids = list(db.session.scalars(select(shown.c.id).order_by(shown.c.position)))
    result = SearchResult(query, total, number, per_page, _documents(ids))
    result.facets = _facets(filters, counts, themes, cities, places)
    return result


def _newest_ids(expression: str, limit: int, offset: int = 0) -> list[int]:
    """The ids of the newest documents matching ``expression``, newest first, at most
    ``limit`` from ``offset`` (in the engine alone: the reader's marks are in ``expression``)."""
    return backends.newest_ids(db.session, expression, limit=limit, offset=offset)


def _documents(ids: list[int]) -> list[SearchDocument]:
    """The documents of one page, in the order of ``ids``."""
    loaded = {
        d.id: d
        for d in db.session.scalars(
            select(SearchDocument)
            .where(SearchDocument.id.in_(ids or [-1]))
            .options(joinedload(SearchDocument.city))
        )
    }
    return [loaded[i] for i in ids if i in loaded]


def _filter_marks(filters: Filters, themes, cities, places) -> list[list[str]] | None:
    """The chosen facet values as groups of marks, for the engine; None when a value is
    unknown (it matches nothing)."""
    groups: list[list[str]] = []
    if filters.kind:
        if filters.kind not in KIND_ORDER:
            return None
        groups.append([marks.kind(filters.kind)])
    if filters.theme:
        if filters.theme not in themes:
            return None
        groups.append([marks.theme(themes[filters.theme].id)])
    if filters.city:
        if filters.city not in cities:
            return None
        groups.append([marks.city(cities[filters.city].id)])
    if filters.place:
        place = places.get(filters.place)
        if place is None:
            return None
        groups.append(
            [marks.place(p.id) for p in places.values() if place.id in (p.id, p.parent_id)]
        )
    if filters.year:
        year = parse_id(filters.year)
        if year is None:
            return None
        groups.append([marks.year(year)])
    if filters.status:
        if not filters.status.replace("_", "").isalpha():
            return None
        groups.append([marks.status(filters.status)])
    return groups


def _chosen(filters: Filters, themes, cities, places) -> dict[str, object]:
    """The chosen facet values that are known, as the facet counts key them."""
    chosen: dict[str, object] = {}
    if filters.kind in KIND_ORDER:
        chosen["kind"] = filters.kind
    if filters.theme in themes:
        chosen["theme"] = themes[filters.theme].id
    if filters.city in cities:
        chosen["city"] = cities[filters.city].id
    if filters.place in places:
        chosen["place"] = places[filters.place].id
    if parse_id(filters.year) is not None:
        chosen["year"] = parse_id(filters.year)
    if filters.status:
        chosen["status"] = filters.status
    return chosen


def _beyond_bound(actor, query, filters, found, page, per_page, themes, cities, places):
    """A search with more than BOUND matches: the page and a bounded count straight from
    the engine, newest first. The facets offer every kind, theme and city without counts
    (and keep a chosen place, year or status on offer, to be removed)."""
    dialect = db.engine.dialect.name
    counts: dict[str, Counter] = {name: Counter() for name in FACETS}
    counts["kind"].update({k: 0 for k in KIND_ORDER})
    counts["theme"].update({t.id: 0 for t in themes.values()})
    counts["city"].update({c.id: 0 for c in cities.values()})
    for name, value in _chosen(filters, themes, cities, places).items():
        counts[name].setdefault(value, 0)
    facets = _facets(filters, counts, themes, cities, places)
    for options in facets.values():  # the values are offered; how many is not known
        for option in options:
            option.count = None
    groups = _filter_marks(filters, themes, cities, places)
    if groups is None:
        result = SearchResult(query, 0, 1, per_page, [])
        result.facets = facets
        return result
    expression = backends.expression(dialect, query, [marks.of_reader(actor) or [], *groups])
    assert expression is not None
    newest = _newest_ids(expression, BOUND + 1) if groups else found
    total = len(newest)
    more = total > BOUND
    number = max(1, page) if more else min(max(1, page), max(1, math.ceil(total / per_page)))
    start = (number - 1) * per_page
    if start + per_page <= len(newest) or not more:
        shown = newest[start : start + per_page]  # the walk has passed this page already
    else:
        shown = _newest_ids(expression, per_page, start)
    doc = SearchDocument
    ids = list(
        db.session.scalars(
            select(doc.id)
            .where(doc.id.in_(shown), visible_filter(actor, doc), doc.archived.is_(False))
            .order_by(doc.id.desc())
        )
    )
    result = SearchResult(query, min(total, BOUND), number, per_page, _documents(ids), more=more)
    result.facets = facets
    return result


def _facets(filters: Filters, counts, themes, cities, places) -> dict[str, list[FacetOption]]:
    from portal.labels import STATUS_LABELS

    theme_by_id = {t.id: t for t in themes.values()}
    city_by_id = {c.id: c for c in cities.values()}
    place_by_id = {p.id: p for p in places.values()}
    facets: dict[str, list[FacetOption]] = {}
    kinds = counts["kind"]
    facets["kind"] = [
        FacetOption(k, str(registry.plural(k)), kinds[k], filters.kind == k)
        for k in KIND_ORDER
        if k in kinds
    ]
    by_theme = counts["theme"]
    facets["theme"] = sorted(
        (
            FacetOption(
                theme_by_id[t].slug,
                theme_by_id[t].local_name,
                n,
                filters.theme == theme_by_id[t].slug,
            )
            for t, n in by_theme.items()
        ),
        key=lambda o: -(o.count or 0),
    )
    by_city = counts["city"]
    facets["city"] = sorted(
        (
            FacetOption(
                city_by_id[c].slug, city_by_id[c].local_name, n, filters.city == city_by_id[c].slug
            )
            for c, n in by_city.items()
        ),
        key=lambda o: (-(o.count or 0), o.label),
    )
    by_place = counts["place"]
    facets["place"] = sorted(
        (
            FacetOption(
                place_by_id[p].slug,
                place_by_id[p].local_name,
                n,
                filters.place == place_by_id[p].slug,
            )
            for p, n in by_place.items()
        ),
        key=lambda o: (-(o.count or 0), o.label),
    )
    by_year = counts["year"]
    facets["year"] = [
        FacetOption(str(y), str(y), by_year[y], filters.year == str(y))
        for y in sorted(by_year, reverse=True)
    ]
    by_status = counts["status"]
    facets["status"] = [
        FacetOption(s, str(STATUS_LABELS.get(f"status:{s}", s)), n, filters.status == s)
        for s, n in sorted(by_status.items())
        if s
    ]
    return facets
