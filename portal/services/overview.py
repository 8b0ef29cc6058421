"""The network overview: what the cities share, by theme and by city, and over time. Only
records shared with the network count, so the page is the same for everyone."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload

from portal import kinds as registry
from portal.caching import per_data_state
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


def by_theme() -> list[Row]:
    """Shared records per theme and kind (a record with two themes counts under both)."""
    themes = db.session.scalars(select(Theme).order_by(Theme.position)).all()
    counts: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(KINDS, 0))
    for kind, (model, table, column) in SHARED.items():
        if table is None:
            stmt = (
                select(model.theme_id, func.count()).where(*_shared(model)).group_by(model.theme_id)
            )
        else:
            stmt = (
                select(table.c.theme_id, func.count())
                .join(model, model.id == column)
                .where(*_shared(model))
                .group_by(table.c.theme_id)
            )
        for theme_id, n in db.session.execute(stmt):
            counts[theme_id][kind] = n
    return [
        Row(t.slug, t.local_name, counts[t.id])
        for t in themes
        if counts[t.id] and any(counts[t.id].values())
    ]


def by_city() -> list[Row]:
    """Shared records per city and kind, the 21 cities largest first."""
    cities = db.session.scalars(select(City).order_by(City.population.desc())).all()
    counts: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(KINDS, 0))
    for kind, (model, _table, _column) in SHARED.items():
        for city_id, n in db.session.execute(
            select(model.city_id, func.count()).where(*_shared(model)).group_by(model.city_id)
        ):
            counts[city_id][kind] = n
    return [Row(c.slug, c.local_name, counts[c.id]) for c in cities]


@dataclass
class Quarter:
    label: str
    created: int
    events_held: int


@cache
def _activity_statement(quarters: int):
    """Per quarter ``i``: the shared records created from ``since_i`` to ``until_i`` (moments)
    and the shared events held from ``first_i`` to ``after_i`` (days), each a count over a
    range of its index, all in one statement built once (its boundaries are parameters)."""

    def count(model, column, start: str, end: str):
        return (
            select(func.count())
            .where(*_shared(model), column >= bindparam(start), column < bindparam(end))
            .scalar_subquery()
        )

    figures = []
    for i in range(quarters):
        created = [
            count(model, model.created_at, f"since_{i}", f"until_{i}")
            for model, _t, _c in SHARED.values()
        ]
        figures.append(sum(created[1:], created[0]))
        figures.append(count(Event, Event.starts_on, f"first_{i}", f"after_{i}"))
    return select(*figures)


def activity(today: date, quarters: int = 8) -> list[Quarter]:
    """Shared records created, and shared events held, per quarter over the last two years.

    Counts over ranges of the indexes (created_at, starts_on): grouping by the year and
    month of every row instead cost 25 ms at the network's scale, cold."""
    keys = []
    year, quarter = today.year, (today.month - 1) // 3 + 1
    for _ in range(quarters):
        keys.append((year, quarter))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    keys.reverse()
    bounds: dict[str, date | datetime] = {}
    for i, (y, q) in enumerate(keys):
        first, after = date(y, 3 * q - 2, 1), date(y + (q == 4), 3 * q % 12 + 1, 1)
        bounds |= {f"first_{i}": first, f"after_{i}": after}
        bounds[f"since_{i}"] = datetime(first.year, first.month, 1, tzinfo=UTC)
        bounds[f"until_{i}"] = datetime(after.year, after.month, 1, tzinfo=UTC)
    counts = db.session.execute(_activity_statement(quarters), bounds).one()
    return [Quarter(f"{y} Q{q}", counts[2 * i], counts[2 * i + 1]) for i, (y, q) in enumerate(keys)]


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
    from collections import Counter

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
