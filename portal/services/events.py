"""Events: delegations, festivals, fairs and the like; the month calendar, the upcoming
list and the iCalendar feeds."""

from __future__ import annotations

import calendar as _calendar
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, partial
from zoneinfo import ZoneInfo

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select, true, update
from sqlalchemy.orm import joinedload, selectinload

from portal.caching import per_version
from portal.database import rows_matched
from portal.extensions import db
from portal.kinds import EVENT
from portal.models.accounts import CalendarToken, User
from portal.models.events import Event
from portal.models.meetings import Meeting
from portal.models.mixins import Visibility
from portal.models.reference import City
from portal.security.permissions import READ, can, ensure, select_visible
from portal.services import audit, organisations, records
from portal.services.errors import ValidationError
from portal.services.listing import RecordFilter, apply_filter
from portal.services.records import Page, Position, paginate
from portal.timeutil import HELSINKI, local_today, utcnow

TIMEZONES = ("Europe/Helsinki", "Asia/Shanghai")


def _clean(actor: User, values: dict) -> dict:
    errors: dict[str, str] = {}
    cleaned = EVENT.clean_text(values, errors)
    if not cleaned["title"]:
        errors["title"] = str(_l("Give the event a name."))
    start, end = cleaned["starts_on"], cleaned["ends_on"] or cleaned["starts_on"]
    cleaned["ends_on"] = end
    if start is None:
        errors["starts_on"] = str(_l("Enter the first day."))
    elif end < start:
        errors["ends_on"] = str(_l("The last day cannot be before the first."))
    if cleaned["end_time"] and not cleaned["start_time"]:
        errors["start_time"] = str(_l("Enter the start time too, or neither time."))
    if (
        start
        and start == end
        and cleaned["start_time"]
        and cleaned["end_time"]
        and cleaned["end_time"] <= cleaned["start_time"]
    ):
        errors["end_time"] = str(_l("The event must end after it starts."))
    if cleaned["place_city"] is not None and cleaned["place_china"] is not None:
        errors["place_china"] = str(_l("Choose a place in Finland or in China, not both."))
    for field in ("expected_attendance", "actual_attendance"):
        if cleaned[field] is not None and cleaned[field] < 0:
            errors[field] = str(_l("Enter a number of people, zero or more."))
    if any(not can(actor, READ, c) for c in cleaned["contacts"]):
        errors["contacts"] = str(_l("Choose contacts from the list."))
    link = organisations.OrganisationLink(actor, values, errors)
    if errors:
        raise ValidationError(errors)
    cleaned["organisations"] = link.linked(cleaned["organisations"])
    return cleaned


def check(actor: User, values: dict) -> dict:
    """What create_event would store, checked the same way, writing nothing (an import's
    preview). Raises ValidationError."""
    return _clean(actor, {**values, "organisation_name": "", "create_organisation": False})


def create_event(actor: User, city: City, values: dict) -> Event:
    """Add an event owned by ``city``. Writers of that city. Raises ValidationError,
    Forbidden."""
    ensure(actor, "city.create_records", city)
    return records.create_record(actor, city, EVENT, _clean(actor, values))


def update_event(actor: User, event: Event, *, expected_version, values: dict) -> dict:
    """Change an event. Writers of its city. Raises StaleEdit, ValidationError, Forbidden."""
    return records.update_record(
        actor, event, expected_version=expected_version, clean=lambda: _clean(actor, values)
    )


def archive_event(actor: User, event: Event) -> None:
    """Archive an event. Writers of its city."""
    records.archive(actor, event)


def restore_event(actor: User, event: Event) -> None:
    """Restore an archived event. Writers of its city."""
    records.restore(actor, event)


def _eager(stmt):
    """What the list and the calendar show with each event (an export loads the rest
    itself)."""
    return stmt.options(
        joinedload(Event.city),
        joinedload(Event.place_city),
        joinedload(Event.place_china),
        selectinload(Event.themes),
    )


def list_events(
    actor: User,
    flt: RecordFilter,
    *,
    when: str = "upcoming",
    today: date,
    page: int | Position = 1,
    per_page: int = 50,
) -> Page:
    """Visible events: upcoming (still running or to come, soonest first), past (latest
    first) or all."""
    stmt = apply_filter(
        _eager(select_visible(actor, Event, include_archived=True)), Event, flt, actor=actor
    )
    if when == "past":
        stmt = stmt.where(Event.ends_on < today).order_by(Event.starts_on.desc(), Event.id.desc())
    elif when == "all":
        stmt = stmt.order_by(Event.starts_on.desc(), Event.id.desc())
    else:
        stmt = stmt.where(Event.ends_on >= today).order_by(Event.starts_on, Event.id)
    return paginate(stmt, page=page, per_page=per_page, eager=_eager, searched=flt.searched)


def scope_filter(actor: User, scope: str):
    """ "city": the user's own city's events; "network": every city's shared events."""
    if scope == "city" and actor.city_id is not None:
        return Event.city_id == actor.city_id
    return Event.visibility == Visibility.NETWORK.value


@dataclass
class MonthGrid:
    first: date
    weeks: list[list[tuple[date, list[Event]]]]

    @property
    def previous(self) -> date:
        return (self.first - timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> date:
        return (self.first + timedelta(days=32)).replace(day=1)


def month_grid(actor: User, *, year: int, month: int, scope: str) -> MonthGrid:
    """The weeks of a month (Monday first), each day with the visible events on it."""
    first = date(year, month, 1)
    weeks = _calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    start, end = weeks[0][0], weeks[-1][-1]
    events = (
        db.session.scalars(
            _eager(select_visible(actor, Event))
            .where(scope_filter(actor, scope), and_(Event.starts_on <= end, Event.ends_on >= start))
            .order_by(Event.starts_on, Event.start_time, Event.id)
        )
        .unique()
        .all()
    )
    grid = [
        [(day, [e for e in events if e.starts_on <= day <= e.ends_on]) for day in week]
        for week in weeks
    ]
    return MonthGrid(first=first, weeks=grid)


# --- iCalendar -----------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_calendar_token(user: User) -> str:
    """A new secret for the user's feed addresses; the old addresses stop working. The user
    themself only."""
    revoke_calendar_tokens(user)
    token = secrets.token_urlsafe(24)
    db.session.add(CalendarToken(token_hash=_token_hash(token), user_id=user.id))
    db.session.flush()
    audit.record(user, "calendar.token_issued", obj=user)
    return token


def revoke_calendar_tokens(user: User) -> int:
    """Stop every feed address of the user."""
    result = db.session.execute(
        update(CalendarToken)
        .where(CalendarToken.user_id == user.id, CalendarToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    if rows_matched(result):
        audit.record(user, "calendar.token_revoked", obj=user)
    return rows_matched(result)


def has_calendar_token(user: User) -> bool:
    return bool(
        db.session.scalar(
            select(CalendarToken.id).where(
                CalendarToken.user_id == user.id, CalendarToken.revoked_at.is_(None)
            )
        )
    )


def user_for_calendar_token(token: str) -> User | None:
    """The active user whose live feed token this is, or None."""
    row = db.session.scalar(
        select(CalendarToken).where(
            CalendarToken.token_hash == _token_hash(token), CalendarToken.revoked_at.is_(None)
        )
    )
    if row is None or not row.user.active:
        return None
    return row.user


# A feed holds what a calendar needs: the recent past and the two years to come.
FEED_PAST = timedelta(days=90)
FEED_AHEAD = timedelta(days=730)


def _feed_filter(user: User, scope: str, today: date):
    return and_(
        scope_filter(user, scope),
        Event.ends_on >= today - FEED_PAST,
        Event.starts_on <= today + FEED_AHEAD,
    )


@dataclass(frozen=True)
class FeedVersion:
    """What a calendar client compares before it downloads a feed again (its hourly poll):
    unchanged unless an event of the feed changed, came or went, or the day turned."""

    etag: str
    modified: datetime | None  # None within a second of the latest change


def feed_version(user: User, scope: str) -> FeedVersion:
    """The feed's validators, from two aggregate statements instead of the feed itself.

    The tag covers which events the feed holds and their latest change (count, sum of
    ids, newest change), for this reader on this day. Last-Modified, for clients that
    only send If-Modified-Since, is the latest change of any event the feed could hold,
    in or out of it (an archived or unshared event changed when it left)."""
    now = utcnow()
    today = now.astimezone(HELSINKI).date()
    count, id_sum, newest = db.session.execute(
        select_visible(user, Event)
        .where(_feed_filter(user, scope, today))
        .with_only_columns(func.count(), func.sum(Event.id), func.max(Event.updated_at))
    ).one()
    base = Event.city_id == user.city_id if scope == "city" else true()
    any_change = db.session.scalar(select(func.max(Event.updated_at)).where(base))
    meetings: tuple = (0, 0, None)
    if scope == "network":  # the network feed holds the meetings too
        meetings = tuple(
            db.session.execute(
                select(func.count(Meeting.id), func.sum(Meeting.id), func.max(Meeting.updated_at))
            ).one()
        )
        if meetings[2] is not None:
            any_change = max(any_change, meetings[2]) if any_change is not None else meetings[2]
    reader = (user.id, user.role, user.city_id, scope, str(get_locale()))
    tag = hashlib.sha256(
        repr((reader, today, count, id_sum, newest, meetings)).encode()
    ).hexdigest()
    # The window moves at midnight in Finland (from 22:00 UTC), not at midnight UTC.
    modified = datetime.combine(today, time(0), tzinfo=HELSINKI).astimezone(UTC)
    if any_change is not None:
        modified = max(modified, any_change.replace(tzinfo=UTC))
    # HTTP dates count whole seconds: while another change could still share this second,
    # the time would not tell the two apart, so only the tag is offered.
    if now - modified < timedelta(seconds=1):
        return FeedVersion(etag=tag[:32], modified=None)
    # Rounded up: a change later in the same second must not look older than the feed.
    whole = modified.replace(microsecond=0)
    if whole < modified:
        whole += timedelta(seconds=1)
    return FeedVersion(etag=tag[:32], modified=whole)


def feed_events(user: User, scope: str, cities: Sequence[int]) -> list[Event]:
    """The events of ``cities`` in a feed, as far as ``user`` may see them: the last 90 days
    and the next two years, by start.

    Sorted here, not in the statement: asked for them in order of start, SQLite walked the
    index of starts over every event before the window's end (the whole network's, 118 ms
    at full scale) instead of the feed's index over the window (12)."""
    stmt = (
        select_visible(user, Event)
        .options(joinedload(Event.place_city), joinedload(Event.place_china))
        .where(_feed_filter(user, scope, local_today()), Event.city_id.in_(list(cities)))
    )
    return sorted(db.session.scalars(stmt).unique(), key=lambda e: (e.starts_on, e.id))


# The feeds' parts kept, in kilobytes (a city's share of the network's feed is a few tens).
FEED_PARTS_KB = 16 * 1024


@dataclass(frozen=True)
class FeedPart:
    """One city's events of a feed, written: their VEVENTs, and the time zones they use."""

    body: bytes
    timezones: frozenset[str]


def _feed_part(events: list[Event], url_for_event) -> FeedPart:
    return FeedPart(
        b"".join(_written(event, url_for_event) for event in events),
        frozenset(e.timezone for e in events if e.start_time),
    )


def feed_ical(
    user: User, scope: str, *, name: str, url_for_event, link_base: str, extra=()
) -> bytes:
    """A feed's iCalendar document (``to_ical`` of ``feed_events``), written city by city:
    each city's part is kept until one of its events changes (portal.caching.per_part_state:
    the network's feed after one city's change writes that city's part, not 1,200 events
    from the database). ``link_base``: what the events' links start with."""
    from portal.caching import per_part_state
    from portal.security.permissions import visibility_scope_in

    today = local_today()
    if scope == "city" and user.city_id is not None:
        cities = [user.city_id]
    else:
        cities = sorted(db.session.scalars(select(City.id)))
    # Every reader with the same view of a city's events shares its part.
    keys = {city: visibility_scope_in(user, Event, city) for city in cities}

    def write(missing: list[tuple[str, int]]) -> dict[tuple[str, int], FeedPart]:
        found: dict[int, list[Event]] = {city: [] for _kind, city in missing}
        for event in feed_events(user, scope, [city for _kind, city in missing]):
            found[event.city_id].append(event)
        return {(EVENT.key, city): _feed_part(found[city], url_for_event) for city in found}

    parts: dict[tuple[str, int], FeedPart] = {}
    for view in set(keys.values()):
        shared_view = [city for city in cities if keys[city] == view]
        parts |= per_part_state(
            "ical-feed",
            (scope, view, today, link_base, str(get_locale())),
            [(EVENT.key, city) for city in shared_view],
            write,
            limit=FEED_PARTS_KB,
            weight=lambda part: len(part.body) // 1024 + 1,
        )
    written = [parts[(EVENT.key, city)] for city in cities]
    timezones = sorted(set().union(*(p.timezones for p in written)))
    return _document(name, timezones, [p.body for p in written], extra)


def _vevent(event: Event, link: str, location: str) -> bytes:
    from icalendar import Event as IcalEvent

    item = IcalEvent()
    item.add("uid", f"event-{event.id}@c21-portal")
    item.add("summary", event.title)
    item.add("dtstamp", event.updated_at)
    item.add("last-modified", event.updated_at)
    if event.start_time is not None:
        zone = ZoneInfo(event.timezone)
        item.add("dtstart", datetime.combine(event.starts_on, event.start_time, zone))
        end_time = event.end_time or event.start_time
        end = datetime.combine(event.ends_on, end_time, zone)
        if event.end_time is None:
            end += timedelta(hours=1)
        item.add("dtend", end)
    else:
        item.add("dtstart", event.starts_on)
        item.add("dtend", event.ends_on + timedelta(days=1))  # exclusive, per RFC 5545
    if location:
        item.add("location", location)
    item.add("url", link)
    item.add("description", (event.description + "\n\n" if event.description else "") + link)
    return item.to_ical()


@cache
def _timezone(tzid: str) -> bytes:
    from icalendar import Timezone

    return Timezone.from_tzid(tzid).to_ical()


def _written(event: Event, url_for_event) -> bytes:
    """An event's VEVENT, written by the icalendar library once per version of it (its last
    change, link and place) and kept: a feed of a thousand events after one change writes
    one."""
    link = url_for_event(event)
    location = ", ".join(p for p in (event.place_text, event.place_label) if p)
    return per_version(
        "ical-event",
        (event.id, event.updated_at, link, location),
        partial(_vevent, event, link, location),
        limit=50_000,
    )


def _document(
    name: str, timezones: Sequence[str], bodies: Sequence[bytes], extra: Sequence[bytes] = ()
) -> bytes:
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", "-//C21 China Network Portal//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    end = b"END:VCALENDAR\r\n"
    shell = cal.to_ical()
    # The time zones the events' times refer to, before the events (RFC 5545 3.6.5).
    parts = [shell[: -len(end)], *(_timezone(t) for t in timezones), *bodies, *extra, end]
    return b"".join(parts)


def to_ical(events: list[Event], *, name: str, url_for_event, extra: Sequence[bytes] = ()) -> bytes:
    """An iCalendar document. UIDs are stable (event-<id>@c21-portal) so that clients update
    events instead of duplicating them; each links back to its page.
    ``extra``: more components, already written (the network's meetings)."""
    timezones = sorted({e.timezone for e in events if e.start_time})
    return _document(name, timezones, [_written(e, url_for_event) for e in events], extra)


def city_events_for_picker(actor: User, city_id: int | None) -> list[Event]:
    """The live events of a city, latest first, for linking them to an expertise offer."""
    if city_id is None:
        return []
    return list(
        db.session.scalars(
            select_visible(actor, Event)
            .where(Event.city_id == city_id)
            .order_by(Event.starts_on.desc())
        )
    )
