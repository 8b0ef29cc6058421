"""Answering a search: the documents the user may see that match the words, with facet
counts over the same visible set, one page at a time. A fixed number of statements."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from flask import url_for
from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.models.reference import ChinesePlace, City, Theme
from portal.models.search import SearchDocument, search_document_themes
from portal.search.backends import match_condition
from portal.security.permissions import visible_filter

KIND_ORDER = [
    "organisation",
    "contact",
    "interaction",
    "project",
    "event",
    "agreement",
    "expertise",
]
DETAIL = {
    "organisation": ("organisations.detail", "org_id"),
    "contact": ("contacts.detail", "contact_id"),
    "interaction": ("interactions.detail", "interaction_id"),
    "project": ("projects.detail", "project_id"),
    "event": ("events.detail", "event_id"),
    "agreement": ("agreements.detail", "agreement_id"),
    "expertise": ("expertise.detail", "offer_id"),
}
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
    endpoint, arg = DETAIL[document.kind]
    return url_for(endpoint, **{arg: document.record_id})


def _lookups():
    themes = {t.slug: t for t in db.session.scalars(select(Theme))}
    cities = {c.slug: c for c in db.session.scalars(select(City))}
    places = {p.slug: p for p in db.session.scalars(select(ChinesePlace))}
    return themes, cities, places


def _conditions(filters: Filters, themes, cities, places, *, leave_out: str = "") -> list:
    table = SearchDocument
    conditions = []
    if filters.kind and leave_out != "kind":
        conditions.append(table.kind == filters.kind)
    if filters.theme and leave_out != "theme":
        theme = themes.get(filters.theme)
        conditions.append(table.themes.any(Theme.id == (theme.id if theme else -1)))
    if filters.city and leave_out != "city":
        city = cities.get(filters.city)
        conditions.append(table.city_id == (city.id if city else -1))
    if filters.place and leave_out != "place":
        place = places.get(filters.place)
        ids = select(ChinesePlace.id).where(
            (ChinesePlace.id == (place.id if place else -1))
            | (ChinesePlace.parent_id == (place.id if place else -1))
        )
        conditions.append(table.place_id.in_(ids))
    if filters.year and leave_out != "year":
        conditions.append(table.year == (int(filters.year) if filters.year.isdigit() else -1))
    if filters.status and leave_out != "status":
        conditions.append(table.status == filters.status)
    return conditions


def search(actor, query: str, filters: Filters, *, page: int = 1, per_page: int = 20):
    """Search what ``actor`` may see. The visibility rule is applied before anything is
    counted, so totals and facet counts never include a record the user may not see."""
    query = (query or "").strip()[:200]
    match = match_condition(db.engine.dialect.name, query) if query else None
    if match is None and not filters.active():
        return SearchResult(query, 0, 1, per_page, [])
    themes, cities, places = _lookups()
    base = [visible_filter(actor, SearchDocument), SearchDocument.archived.is_(False)]
    if match is not None:
        base.append(match)
    conditions = base + _conditions(filters, themes, cities, places)
    total = db.session.scalar(select(func.count(SearchDocument.id)).where(*conditions))
    pages = max(1, math.ceil(total / per_page))
    number = min(max(1, page), pages)
    # Grouped by kind in a fixed order, then by title.
    kind_rank = case({k: i for i, k in enumerate(KIND_ORDER)}, value=SearchDocument.kind)
    items = list(
        db.session.scalars(
            select(SearchDocument)
            .where(*conditions)
            .options(joinedload(SearchDocument.city))
            .order_by(kind_rank, SearchDocument.title, SearchDocument.id)
            .limit(per_page)
            .offset((number - 1) * per_page)
        )
    )
    result = SearchResult(query, total, number, per_page, items)
    result.facets = _facets(filters, base, themes, cities, places)
    return result


def _facets(filters: Filters, base, themes, cities, places) -> dict[str, list[FacetOption]]:
    from portal.labels import KIND_LABELS

    def counts(column, dimension, join=None):
        stmt = select(column, func.count(func.distinct(SearchDocument.id)))
        if join is not None:
            stmt = stmt.join(join[0], join[1])
        stmt = stmt.where(
            *base, *_conditions(filters, themes, cities, places, leave_out=dimension)
        ).group_by(column)
        return {value: count for value, count in db.session.execute(stmt) if value is not None}

    theme_by_id = {t.id: t for t in themes.values()}
    city_by_id = {c.id: c for c in cities.values()}
    place_by_id = {p.id: p for p in places.values()}
    facets: dict[str, list[FacetOption]] = {}
    kinds = counts(SearchDocument.kind, "kind")
    facets["kind"] = [
        FacetOption(k, str(KIND_LABELS[k]), kinds[k], filters.kind == k)
        for k in KIND_ORDER
        if k in kinds
    ]
    by_theme = counts(
        search_document_themes.c.theme_id,
        "theme",
        join=(search_document_themes, search_document_themes.c.document_id == SearchDocument.id),
    )
    facets["theme"] = sorted(
        (
            FacetOption(
                theme_by_id[t].slug, theme_by_id[t].name_en, n, filters.theme == theme_by_id[t].slug
            )
            for t, n in by_theme.items()
        ),
        key=lambda o: -o.count,
    )
    by_city = counts(SearchDocument.city_id, "city")
    facets["city"] = sorted(
        (
            FacetOption(
                city_by_id[c].slug, city_by_id[c].name_fi, n, filters.city == city_by_id[c].slug
            )
            for c, n in by_city.items()
        ),
        key=lambda o: (-o.count, o.label),
    )
    by_place = counts(SearchDocument.place_id, "place")
    facets["place"] = sorted(
        (
            FacetOption(
                place_by_id[p].slug, place_by_id[p].name_en, n, filters.place == place_by_id[p].slug
            )
            for p, n in by_place.items()
        ),
        key=lambda o: (-o.count, o.label),
    )
    by_year = counts(SearchDocument.year, "year")
    facets["year"] = [
        FacetOption(str(y), str(y), by_year[y], filters.year == str(y))
        for y in sorted(by_year, reverse=True)
    ]
    by_status = counts(SearchDocument.status, "status")
    facets["status"] = [
        FacetOption(s, str(KIND_LABELS.get(f"status:{s}", s)), n, filters.status == s)
        for s, n in sorted(by_status.items())
        if s
    ]
    return facets
