"""Answering a search: the documents the user may see that match the words, with facet
counts over the same visible set, one page at a time. A fixed number of statements."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import chain
from operator import attrgetter

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal import kinds as registry
from portal.caching import per_data_state
from portal.extensions import db
from portal.input_safety import parse_id
from portal.models.reference import ChinesePlace, City, Theme
from portal.models.search import SearchDocument, search_document_themes
from portal.search.backends import match_condition
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
    count: int
    selected: bool


@dataclass
class SearchResult:
    query: str
    total: int
    number: int
    per_page: int
    items: list[SearchDocument]
    facets: dict[str, list[FacetOption]] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

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


@dataclass(slots=True)
class _Hit:
    """What the facets and the ordering need of one matching document."""

    id: int
    kind: str
    city_id: int | None
    place_id: int | None
    year: int | None
    status: str
    title: str
    themes: set[int] = field(default_factory=set)


class _HitSet(list):
    """The hits of one search, in result order, with their unfiltered facet counts once
    they have been asked for."""

    counts: dict[str, Counter] | None = None


def _equals(attribute: str, value: object) -> Callable[[_Hit], bool]:
    return lambda hit: getattr(hit, attribute) == value


def _tests(filters: Filters, themes, cities, places) -> dict[str, Callable[[_Hit], bool]]:
    """Per active filter, a test on a hit. Unknown values match nothing."""
    tests: dict[str, Callable[[_Hit], bool]] = {}
    if filters.kind:
        tests["kind"] = _equals("kind", filters.kind)
    if filters.theme:
        theme_id = themes[filters.theme].id if filters.theme in themes else -1
        tests["theme"] = lambda hit: theme_id in hit.themes
    if filters.city:
        tests["city"] = _equals(
            "city_id", cities[filters.city].id if filters.city in cities else -1
        )
    if filters.place:
        place = places.get(filters.place)
        ids = {p.id for p in places.values() if place.id in (p.id, p.parent_id)} if place else set()
        tests["place"] = lambda hit: hit.place_id in ids
    if filters.year:
        tests["year"] = _equals("year", parse_id(filters.year) or -1)
    if filters.status:
        tests["status"] = _equals("status", filters.status)
    return tests


def _hits(actor, match) -> _HitSet:
    """Every document ``actor`` may see that matches, read in one statement (with its themes
    joined in), so the total, the page and all facet counts come from the same single pass
    over the index instead of one full-text evaluation each."""
    doc = SearchDocument
    stmt = (
        select(
            doc.id,
            doc.kind,
            doc.city_id,
            doc.place_id,
            doc.year,
            doc.status,
            doc.title,
            search_document_themes.c.theme_id,
        )
        .outerjoin(search_document_themes, search_document_themes.c.document_id == doc.id)
        .where(visible_filter(actor, doc), doc.archived.is_(False))
    )
    if match is not None:
        stmt = stmt.where(match)
    hits: dict[int, _Hit] = {}
    for id_, kind, city_id, place_id, year, status, title, theme_id in db.session.execute(stmt):
        hit = hits.get(id_)
        if hit is None:
            hit = hits[id_] = _Hit(id_, kind, city_id, place_id, year, status, title)
        if theme_id is not None:
            hit.themes.add(theme_id)
    # In the order of the results: grouped by kind in a fixed order, then by title.
    rank = {k: i for i, k in enumerate(KIND_ORDER)}
    return _HitSet(sorted(hits.values(), key=lambda h: (rank.get(h.kind, 99), h.title, h.id)))


def _cached_hits(actor, query: str, match) -> _HitSet:
    """The hits, kept per visibility scope and query while the index is unchanged: paging
    through results or choosing facets reuses the one pass over the index."""
    scope = visibility_scope(actor)
    if scope is None:
        return _hits(actor, match)
    return per_data_state(
        "search-hits",
        (scope, query),
        lambda: _hits(actor, match),
        limit=200_000,
        weight=len,
    )


def search(actor, query: str, filters: Filters, *, page: int = 1, per_page: int = 20):
    """Search what ``actor`` may see. The visibility rule is applied before anything is
    counted, so totals and facet counts never include a record the user may not see."""
    query = (query or "").strip()[:200]
    match = match_condition(db.engine.dialect.name, query) if query else None
    if match is None and not filters.active():
        return SearchResult(query, 0, 1, per_page, [])
    themes, cities, places = _lookups()
    hits = _cached_hits(actor, query, match)
    tests = _tests(filters, themes, cities, places)
    selected, near = _split(hits, tests)
    # A facet's counts leave out its own filter, so choosing a value still shows what the
    # other values of the same facet would give.
    if tests:
        counts = {
            name: _count(selected + near[name] if name in near else selected, name)
            for name in FACETS
        }
    else:
        # Without filters the counts depend on the hits alone: kept with them.
        if hits.counts is None:
            hits.counts = {name: _count(hits, name) for name in FACETS}
        counts = hits.counts
    total = len(selected)
    pages = max(1, math.ceil(total / per_page))
    number = min(max(1, page), pages)
    ordered = selected[(number - 1) * per_page : number * per_page]
    ids = [h.id for h in ordered]
    loaded = {
        d.id: d
        for d in db.session.scalars(
            select(SearchDocument)
            .where(SearchDocument.id.in_(ids or [-1]))
            .options(joinedload(SearchDocument.city))
        )
    }
    items = [loaded[i] for i in ids if i in loaded]
    result = SearchResult(query, total, number, per_page, items)
    result.facets = _facets(filters, counts, themes, cities, places)
    return result


def _split(hits: list[_Hit], tests: dict) -> tuple[list[_Hit], dict[str, list[_Hit]]]:
    """The hits passing every filter, and per filter the hits failing only that one."""
    if not tests:
        return hits, {}
    selected: list[_Hit] = []
    near: dict[str, list[_Hit]] = {name: [] for name in tests}
    checks = list(tests.items())
    for hit in hits:
        failed = None
        for name, test in checks:
            if not test(hit):
                if failed is not None:
                    break
                failed = name
        else:
            (selected if failed is None else near[failed]).append(hit)
    return selected, near


def _count(pool: list[_Hit], name: str) -> Counter:
    if name == "theme":
        return Counter(chain.from_iterable(h.themes for h in pool))
    attribute = {"kind": "kind", "city": "city_id", "place": "place_id"}.get(name, name)
    counter = Counter(map(attrgetter(attribute), pool))
    counter.pop(None, None)
    counter.pop("", None)
    return counter


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
                theme_by_id[t].slug, theme_by_id[t].name_en, n, filters.theme == theme_by_id[t].slug
            )
            for t, n in by_theme.items()
        ),
        key=lambda o: -o.count,
    )
    by_city = counts["city"]
    facets["city"] = sorted(
        (
            FacetOption(
                city_by_id[c].slug, city_by_id[c].name_fi, n, filters.city == city_by_id[c].slug
            )
            for c, n in by_city.items()
        ),
        key=lambda o: (-o.count, o.label),
    )
    by_place = counts["place"]
    facets["place"] = sorted(
        (
            FacetOption(
                place_by_id[p].slug, place_by_id[p].name_en, n, filters.place == place_by_id[p].slug
            )
            for p, n in by_place.items()
        ),
        key=lambda o: (-o.count, o.label),
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
