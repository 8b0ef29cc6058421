"""The network overview: what the cities share, by theme and by city, and over time. Only
records shared with the network count, so the page is the same for everyone."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache

from sqlalchemy import CompoundSelect, Select, bindparam, func, literal, select, union_all
from sqlalchemy.orm import joinedload

from portal import kinds as registry
from portal.caching import per_data_state, per_part_state
from portal.extensions import db
from portal.maps import Link
from portal.models.accounts import User
from portal.models.agreements import Agreement
from portal.models.events import Event
from portal.models.reference import City, Theme

# The shared directory's kinds of the registry, by their list names ("projects", ...):
# the model, and the themes' link table with its column naming the record (None for a kind
# with one theme, the expertise offers).
SHARED = {
    k.blueprint: (k.model, *(k.theme_link or (None, None))) for k in registry.shared_directory()
}
KINDS = tuple(SHARED)


# Their keys in the registry (what the search index calls them: portal.caching's parts).
KEYS = {k.blueprint: k.key for k in registry.shared_directory()}


def _shared(model):
    return (model.visibility == "network", model.archived_at.is_(None))


@dataclass
class Row:
    key: str
    label: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class Quarter:
    label: str
    created: int
    events_held: int


@dataclass(frozen=True)
class Share:
    """What one city shares of one kind: how many records, how many per theme id (a record
    with two themes counts under both), and per quarter those created and (events) held."""

    total: int
    themes: dict[int, int]
    created: tuple[int, ...]
    held: tuple[int, ...]


@dataclass(frozen=True)
class Span:
    """A quarter: its label's year and number, its days (``first`` to ``after``, exclusive)."""

    year: int
    number: int
    first: date
    after: date

    @property
    def since(self) -> datetime:
        return datetime(self.first.year, self.first.month, 1, tzinfo=UTC)

    @property
    def until(self) -> datetime:
        return datetime(self.after.year, self.after.month, 1, tzinfo=UTC)


def quarters(today: date, n: int = 8) -> tuple[Span, ...]:
    """The last ``n`` quarters up to the one of ``today``, oldest first."""
    spans = []
    year, quarter = today.year, (today.month - 1) // 3 + 1
    for _ in range(n):
        first = date(year, 3 * quarter - 2, 1)
        after = date(year + (quarter == 4), 3 * quarter % 12 + 1, 1)
        spans.append(Span(year, quarter, first, after))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return tuple(reversed(spans))


@cache
def _statements(kind: str, quarters_: int) -> tuple[Select, CompoundSelect]:
    """A kind's two statements, built once (their building cost more than their reading):
    its theme links by city and theme; its records by city, how many in all (figure -1),
    then per quarter i those created (figure i: from ``since_i`` to ``until_i``) and, for
    events, held (figure ``quarters_ + i``: from ``first_i`` to ``after_i``), each a count
    over a range of an index by city. (Counting the quarters in one pass over the rows
    tested every row against every quarter: 50 ms at the network's scale, not 2.) The
    cities are the parameter "cities"."""
    model, table, column = SHARED[kind]
    shared = (*_shared(model), model.city_id.in_(bindparam("cities", expanding=True)))
    if table is None:
        themes = select(model.city_id, model.theme_id, func.count()).where(*shared)
        themes = themes.group_by(model.city_id, model.theme_id)
    else:
        themes = (
            select(model.city_id, table.c.theme_id, func.count())
            .join(model, model.id == column)
            .where(*shared)
            .group_by(model.city_id, table.c.theme_id)
        )
    parts = [select(model.city_id, literal(-1), func.count()).where(*shared)]
    for i in range(quarters_):
        made = (
            model.created_at >= bindparam(f"since_{i}"),
            model.created_at < bindparam(f"until_{i}"),
        )
        parts.append(select(model.city_id, literal(i), func.count()).where(*shared, *made))
        if model is Event:
            held = (
                Event.starts_on >= bindparam(f"first_{i}"),
                Event.starts_on < bindparam(f"after_{i}"),
            )
            parts.append(
                select(model.city_id, literal(quarters_ + i), func.count()).where(*shared, *held)
            )
    return themes, union_all(*(part.group_by(model.city_id) for part in parts))


def _count(parts: list[tuple[str, int]], spans: tuple[Span, ...]) -> dict[tuple[str, int], Share]:
    """The shares of ``parts`` (a kind's key and a city), two statements per kind."""
    cities_of: dict[str, list[int]] = defaultdict(list)
    for key, city in parts:
        cities_of[key].append(city)
    n = len(spans)
    bounds: dict[str, object] = {}
    for i, span in enumerate(spans):
        bounds |= {f"since_{i}": span.since, f"until_{i}": span.until}
        bounds |= {f"first_{i}": span.first, f"after_{i}": span.after}
    found: dict[tuple[str, int], Share] = {}
    for kind in SHARED:
        key = KEYS[kind]
        if key not in cities_of:
            continue
        cities = cities_of[key]
        theme_counts, figures = _statements(kind, n)
        themes: dict[int, dict[int, int]] = defaultdict(dict)
        for city, theme, count in db.session.execute(theme_counts, {"cities": cities}):
            themes[city][theme] = count
        counted: dict[int, list[int]] = {}
        for city, figure, count in db.session.execute(figures, {"cities": cities, **bounds}):
            counted.setdefault(city, [0] * (2 * n + 1))[figure + 1] = count
        for city in cities:
            total, *per_quarter = counted.get(city, [0] * (2 * n + 1))
            made, done = tuple(per_quarter[:n]), tuple(per_quarter[n:])
            found[(key, city)] = Share(total, themes[city], made, done)
    return found


@dataclass
class Figures:
    """The overview's figures: every city's shares of every kind, over the quarters."""

    shares: dict[tuple[str, int], Share]
    spans: tuple[Span, ...]
    cities: list[City]  # the 21, largest first

    def by_theme(self) -> list[Row]:
        """Shared records per theme and kind, the themes that have any in their order."""
        per_kind: dict[str, Counter[int]] = defaultdict(Counter)
        for (key, _city), share in self.shares.items():
            per_kind[key].update(share.themes)
        rows = []
        for theme in db.session.scalars(select(Theme).order_by(Theme.position)):
            counts = {kind: per_kind[KEYS[kind]][theme.id] for kind in KINDS}
            if any(counts.values()):
                rows.append(Row(theme.slug, theme.local_name, counts))
        return rows

    def by_city(self) -> list[Row]:
        """Shared records per city and kind, the 21 cities largest first."""
        return [
            Row(c.slug, c.local_name, {k: self.shares[(KEYS[k], c.id)].total for k in KINDS})
            for c in self.cities
        ]

    def activity(self) -> list[Quarter]:
        """Shared records created, and shared events held, per quarter."""
        return [
            Quarter(
                f"{span.year} Q{span.number}",
                sum(share.created[i] for share in self.shares.values()),
                sum(share.held[i] for share in self.shares.values()),
            )
            for i, span in enumerate(self.spans)
        ]


def figures(today: date) -> Figures:
    """What the cities share, counted once per state of each city's records of each kind:
    after a write, only the city and kind it changed are counted again (at the network's
    scale, counting every share took 50 ms on SQLite and 65 on PostgreSQL; Helsinki's
    events, 5 and 12). Numbers only: the names are the reader's language's, at each
    request (kept with the numbers, they were the first reader's)."""
    spans = quarters(today)
    cities = list(db.session.scalars(select(City).order_by(City.population.desc())))
    parts = [(KEYS[kind], city.id) for kind in KINDS for city in cities]
    current = (spans[-1].year, spans[-1].number)
    shares = per_part_state("overview", current, parts, lambda missing: _count(missing, spans))
    return Figures(shares, spans, cities)


def map_links(actor: User) -> list:
    """The lines of the network map: the publicly known partnerships, and the agreements
    with a counterpart place that ``actor`` may see (one line per city and place)."""
    from sqlalchemy.orm import joinedload

    from portal.models.reference import CityPartnership
    from portal.security.permissions import select_visible

    links: dict[tuple[int, int], Link] = {}
    for p in db.session.scalars(
        select(CityPartnership).options(
            joinedload(CityPartnership.city), joinedload(CityPartnership.place)
        )
    ):
        if p.city.lat is None or p.city.lon is None or p.place.lat is None or p.place.lon is None:
            continue
        links[(p.city_id, p.place_id)] = Link(
            p.city.local_name,
            p.city.lat,
            p.city.lon,
            p.place.local_name,
            p.place.lat,
            p.place.lon,
            f"{p.city.local_name} – {p.place.local_name}"
            + (f", {p.since_year}" if p.since_year else ""),
        )
    for a in db.session.scalars(
        select_visible(actor, Agreement)
        .where(Agreement.counterpart_place_id.is_not(None))
        .options(joinedload(Agreement.city), joinedload(Agreement.counterpart_place))
    ):
        key = (a.city_id, a.counterpart_place_id)
        place = a.counterpart_place
        if key in links:  # a partnership with an agreement: shown as the agreement
            links[key].kind = "agreement"
            links[key].label += f": {a.title}"
        elif None not in (a.city.lat, a.city.lon, place.lat, place.lon):
            links[key] = Link(
                a.city.local_name,
                a.city.lat,
                a.city.lon,
                place.local_name,
                place.lat,
                place.lon,
                f"{a.city.local_name} – {place.local_name}: {a.title}",
                kind="agreement",
            )
    return sorted(links.values(), key=lambda link: (link.city, link.place))


def map_summary(links: list[Link]) -> str:
    """The map in words, for those who do not see it: how many links of each kind between
    how many cities and places, and the cities with the most."""
    from flask_babel import gettext, ngettext

    if not links:
        return gettext("No city has a partnership or an agreement with a place in China yet.")
    per_city = Counter(link.city for link in links)
    agreements = sum(1 for link in links if link.kind == "agreement")
    most = ", ".join(f"{city} ({n})" for city, n in per_city.most_common(3))
    return " ".join(
        [
            ngettext(
                "%(num)d link between %(cities)d C21 cities and %(places)d places in China:",
                "%(num)d links between %(cities)d C21 cities and %(places)d places in China:",
                len(links),
                cities=len(per_city),
                places=len({link.place for link in links}),
            ),
            gettext(
                "%(partnerships)d city partnerships (circles, dashed lines) and "
                "%(agreements)d with an agreement (squares, solid lines).",
                partnerships=len(links) - agreements,
                agreements=agreements,
            ),
            gettext("Most links: %(cities)s.", cities=most),
            gettext("The table below the map lists every link."),
        ]
    )


def map_cities() -> list[tuple[str, float, float]]:
    return [
        (c.local_name, c.lat, c.lon)
        for c in db.session.scalars(select(City))
        if c.lat is not None and c.lon is not None
    ]


def upcoming_shared_events(today: date) -> list[Event]:
    """The next ten shared events (the same for everyone; which ones is computed once per
    state of the data).

    The events still ahead are gathered first (a range of the feed's index, a few hundred
    at the network's scale) and sorted after: asked in one statement, SQLite walked every
    shared event in order of start, the past ones first (23 ms at full scale)."""

    def first_ten() -> list[int]:
        ahead = (
            select(Event.id, Event.starts_on)
            .where(
                Event.visibility == "network",
                Event.archived_at.is_(None),
                Event.ends_on >= today,
            )
            .cte("ahead")
            .prefix_with("MATERIALIZED")
        )
        stmt = select(ahead.c.id).order_by(ahead.c.starts_on, ahead.c.id).limit(10)
        return list(db.session.scalars(stmt))

    ids = per_data_state("upcoming-events", today, first_ten)
    events = {
        e.id: e
        for e in db.session.scalars(
            select(Event).where(Event.id.in_(ids or [-1])).options(joinedload(Event.city))
        )
    }
    return [events[i] for i in ids if i in events]
