"""The agenda's automatic annex, "Network update since the previous meeting": the shared
projects, events, agreements and expertise offers created or changed since the series'
previous meeting, grouped by theme and city. Built when the agenda is published and stored
with the meeting as it was then (plain data, so later edits of the records do not alter it).

Only records shared with the network are read, so the annex is the same for every reader."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal import kinds
from portal.extensions import db
from portal.models.accounts import User
from portal.models.expertise import ExpertiseOffer
from portal.models.meetings import Meeting
from portal.models.mixins import Visibility
from portal.security.permissions import visible_filter
from portal.services.meetings import previous_meeting

# Without a previous meeting, the update covers this long before the meeting.
FIRST_PERIOD = timedelta(days=180)


def build(meeting: Meeting) -> dict:
    """The annex as plain data: {"since": "YYYY-MM-DD", "themes": [{"theme": name,
    "cities": [{"city": name, "records": [{kind, title, url, change}]}]}]}."""
    before = previous_meeting(meeting)
    since_day = before.held_on if before is not None else meeting.held_on - FIRST_PERIOD
    since = datetime(since_day.year, since_day.month, since_day.day, tzinfo=UTC)
    grouped: dict[str, dict[str, list[dict]]] = {}
    for registered in kinds.shared_directory():
        kind, model = registered.key, registered.model
        options = [selectinload(model.city)]
        if model is not ExpertiseOffer:
            options.append(selectinload(model.themes))
        else:
            options.append(selectinload(model.theme))
        records = db.session.scalars(
            select(model)
            .where(
                model.visibility == Visibility.NETWORK,
                model.archived_at.is_(None),
                model.updated_at >= since,
            )
            .options(*options)
            .order_by(model.title)
        ).all()
        for record in records:
            entry = {
                "kind": kind,
                "id": record.id,
                "title": record.title,
                "change": "new" if record.created_at >= since else "changed",
            }
            themes = [t.name_en for t in record.themes] or [str(_l("No theme"))]
            for theme in themes:
                grouped.setdefault(theme, {}).setdefault(record.city.name_fi, []).append(entry)
    return {
        "since": since_day.isoformat(),
        "themes": [
            {
                "theme": theme,
                "cities": [
                    {"city": city, "records": records}
                    for city, records in sorted(grouped[theme].items())
                ],
            }
            for theme in sorted(grouped)
        ],
    }


def for_reader(actor: User, annex: dict | None) -> dict | None:
    """The stored annex as ``actor`` may read it now: an entry whose record was made private
    (or erased) since publication is left out for readers who may no longer see it, while the
    frozen text stays for those who may. One statement per record kind."""
    if not annex:
        return annex
    wanted: dict[str, set[int]] = {}
    for theme in annex.get("themes", []):
        for group in theme["cities"]:
            for entry in group["records"]:
                wanted.setdefault(entry["kind"], set()).add(entry["id"])
    visible: set[tuple[str, int]] = set()
    for registered in kinds.shared_directory():
        kind, model = registered.key, registered.model
        if wanted.get(kind):
            ids = db.session.scalars(
                select(model.id).where(model.id.in_(wanted[kind]), visible_filter(actor, model))
            )
            visible.update((kind, record_id) for record_id in ids)
    themes = []
    for theme in annex.get("themes", []):
        cities = []
        for group in theme["cities"]:
            records = [e for e in group["records"] if (e["kind"], e["id"]) in visible]
            if records:
                cities.append({**group, "records": records})
        if cities:
            themes.append({**theme, "cities": cities})
    return {**annex, "themes": themes}
