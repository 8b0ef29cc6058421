"""The agenda's automatic annex, "Network update since the previous meeting": what the
cities shared in projects, events, agreements and expertise offers since the series'
previous meeting, by theme: how many of each kind, which cities, and the newest few of each
theme by name. Built when the agenda is published and stored with the meeting as it was
then (plain data, so later edits of the records do not alter it).

A summary, not a list: a busy period shares thousands of records, and a meeting reads a
page. The counts and the newest records come from the database by aggregation, whatever the
network's size. Only records shared with the network are read, so the annex is the same for
every reader; a record made private since is left out for those who may no longer see it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, cast, exists, func, null, select

from portal import kinds
from portal.extensions import db
from portal.models.accounts import User
from portal.models.meetings import Meeting
from portal.models.mixins import Visibility
from portal.models.reference import City, Theme
from portal.security.permissions import visible_filter
from portal.services.meetings import last_held_meeting

# Without a previous meeting, the update covers this long before the meeting.
FIRST_PERIOD = timedelta(days=180)
# The newest records named under each theme; the rest are counted.
NEWEST = 5
NO_THEME = ""


def _since(meeting: Meeting) -> datetime:
    before = last_held_meeting(meeting)
    day = before.held_on if before is not None else meeting.held_on - FIRST_PERIOD
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def build(meeting: Meeting) -> dict:
    """The annex as plain data: {"since": "YYYY-MM-DD", "total": n, "themes": [{"theme":
    name, "slug": slug, "counts": {kind: n}, "cities": [{"city": name, "slug": slug,
    "count": n}], "records": [{kind, id, title, city, change}] (the newest few)}]}."""
    since = _since(meeting)
    theme_rows = {t.id: t for t in db.session.scalars(select(Theme))}
    city_rows = {c.id: c for c in db.session.scalars(select(City))}
    counts: dict[int | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_city: dict[int | None, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    newest: dict[int | None, list[dict[str, Any]]] = defaultdict(list)
    total = 0
    for kind in kinds.shared_directory():
        model = kind.model
        shared = (
            model.visibility == Visibility.NETWORK,
            model.archived_at.is_(None),
            model.updated_at >= since,
        )
        total += db.session.scalar(select(func.count()).select_from(model).where(*shared)) or 0
        columns = (model.id, model.title, model.city_id, model.created_at, model.updated_at)
        if kind.theme_link is not None:
            link, own = kind.theme_link
            joined = select(link.c.theme_id.label("theme_id"), *columns).join(link, own == model.id)
            themeless = select(cast(null(), Integer).label("theme_id"), *columns).where(
                ~exists().where(own == model.id)
            )
            rows = joined.where(*shared).union_all(themeless.where(*shared)).subquery()
        else:  # one theme a record, in its own column
            rows = select(model.theme_id.label("theme_id"), *columns).where(*shared).subquery()
        for theme_id, city_id, n in db.session.execute(
            select(rows.c.theme_id, rows.c.city_id, func.count()).group_by(
                rows.c.theme_id, rows.c.city_id
            )
        ):
            counts[theme_id][kind.key] += n
            by_city[theme_id][city_id] += n
        order = func.row_number().over(
            partition_by=rows.c.theme_id, order_by=(rows.c.updated_at.desc(), rows.c.id.desc())
        )
        ranked = select(rows, order.label("rank")).subquery()
        for row in db.session.execute(select(ranked).where(ranked.c.rank <= NEWEST)):
            newest[row.theme_id].append(
                {
                    "kind": kind.key,
                    "id": row.id,
                    "title": row.title,
                    "city": city_rows[row.city_id].local_name,
                    "change": "new" if _aware(row.created_at) >= since else "changed",
                    "at": _aware(row.updated_at).isoformat(),
                }
            )
    ordered = sorted(
        counts, key=lambda t: (t is None, theme_rows[t].position if t is not None else 0)
    )
    return {
        "since": since.date().isoformat(),
        "total": total,
        "themes": [
            {
                "theme": theme_rows[t].local_name if t is not None else str(_l("No theme")),
                "slug": theme_rows[t].slug if t is not None else NO_THEME,
                "counts": dict(counts[t]),
                "cities": [
                    {"city": city_rows[c].local_name, "slug": city_rows[c].slug, "count": n}
                    for c, n in sorted(by_city[t].items(), key=lambda item: -item[1])
                ],
                "records": [
                    {k: v for k, v in entry.items() if k != "at"}
                    for entry in sorted(newest[t], key=lambda e: e["at"], reverse=True)[:NEWEST]
                ],
            }
            for t in ordered
        ],
    }


def _aware(value: datetime) -> datetime:
    """A timestamp read through a subquery comes back naive (UTC) on SQLite."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _from_first_form(annex: dict) -> dict:
    """Annexes stored before the summary form listed every record by theme and city:
    read them in the summary form (they were small)."""
    themes = []
    for theme in annex.get("themes", []):
        if "records" in theme:
            themes.append(theme)
            continue
        counts: dict[str, int] = defaultdict(int)
        cities, records = [], []
        for group in theme.get("cities", []):
            cities.append({"city": group["city"], "slug": "", "count": len(group["records"])})
            for entry in group["records"]:
                counts[entry["kind"]] += 1
                records.append({**entry, "city": group["city"]})
        themes.append(
            {
                "theme": theme["theme"],
                "slug": "",
                "counts": dict(counts),
                "cities": cities,
                "records": records,
            }
        )
    return {**annex, "themes": themes}


def for_reader(actor: User, annex: dict | None) -> dict | None:
    """The stored annex as ``actor`` may read it now: a named record made private (or
    erased) since publication is left out for readers who may no longer see it, while the
    frozen text stays for those who may. One statement per record kind."""
    if not annex:
        return annex
    annex = _from_first_form(annex)
    wanted: dict[str, set[int]] = {}
    for theme in annex["themes"]:
        for entry in theme["records"]:
            wanted.setdefault(entry["kind"], set()).add(entry["id"])
    visible: set[tuple[str, int]] = set()
    for registered in kinds.shared_directory():
        kind, model = registered.key, registered.model
        if wanted.get(kind):
            ids = db.session.scalars(
                select(model.id).where(model.id.in_(wanted[kind]), visible_filter(actor, model))
            )
            visible.update((kind, record_id) for record_id in ids)
    return {
        **annex,
        "themes": [
            {
                **theme,
                "records": [e for e in theme["records"] if (e["kind"], e["id"]) in visible],
            }
            for theme in annex["themes"]
        ],
    }
