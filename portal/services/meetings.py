"""Meetings of a series: creating them (from the series' standard items or a copy of the
previous agenda), the agenda as planned, publishing it (with the frozen network-update
annex and a notice to the cities' officers) and the versions of a published agenda."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.formatting import date_text
from portal.models.accounts import Role, User
from portal.models.meetings import AgendaItem, AgendaVersion, Meeting, MeetingSeries
from portal.models.reference import City
from portal.security.permissions import can, ensure
from portal.services import audit, notifications, records
from portal.services.errors import NotFound, ValidationError
from portal.services.schedule import Schedule, plan
from portal.timeutil import local_today, utcnow

MEETING_FIELDS = (
    "title",
    "held_on",
    "starts_at",
    "ends_at",
    "host_city",
    "venue",
    "online_url",
    "proposal_deadline",
    "chair",
    "secretary",
)
STARTS = ("standard", "previous", "empty")


def _clean_meeting(values: dict) -> dict:
    errors: dict[str, str] = {}
    cleaned = {k: values.get(k) for k in MEETING_FIELDS}
    for name in ("title", "venue", "online_url", "chair", "secretary"):
        cleaned[name] = (cleaned[name] or "").strip()
    if not cleaned["title"]:
        errors["title"] = str(_l("Give the meeting a title."))
    elif len(cleaned["title"]) > 200:
        errors["title"] = str(_l("Use at most %(n)d characters.", n=200))
    if not isinstance(cleaned["held_on"], date):
        errors["held_on"] = str(_l("Give the date of the meeting."))
    for name, message in (
        ("starts_at", _l("Give the start time.")),
        ("ends_at", _l("Give the end time.")),
    ):
        if not isinstance(cleaned[name], time):
            errors[name] = str(message)
    if (
        isinstance(cleaned["starts_at"], time)
        and isinstance(cleaned["ends_at"], time)
        and cleaned["ends_at"] <= cleaned["starts_at"]
    ):
        errors["ends_at"] = str(_l("The meeting must end after it starts."))
    if not isinstance(cleaned["proposal_deadline"], date):
        errors["proposal_deadline"] = str(_l("Give the last day for proposals."))
    elif isinstance(cleaned["held_on"], date) and cleaned["proposal_deadline"] > cleaned["held_on"]:
        errors["proposal_deadline"] = str(_l("Proposals must be due before the meeting."))
    if cleaned["online_url"] and not cleaned["online_url"].startswith(("https://", "http://")):
        errors["online_url"] = str(_l("Give a web address starting with https://."))
    if cleaned["host_city"] is not None and not isinstance(cleaned["host_city"], City):
        errors["host_city"] = str(_l("Choose the host city from the list."))
    if errors:
        raise ValidationError(errors)
    return cleaned


def _apply(meeting: Meeting, cleaned: dict) -> dict:
    changes = {}
    for name, value in cleaned.items():
        column = "host_city_id" if name == "host_city" else name
        new = value.id if name == "host_city" and value is not None else value
        old = getattr(meeting, column)
        if old != new:
            changes[name] = [_plain(old), _plain(new)]
            setattr(meeting, column, new)
    return changes


def _plain(value):
    return value.isoformat() if isinstance(value, date | time) else value


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The series' meeting before this one (by date)."""
    return db.session.scalars(
        select(Meeting)
        .where(
            Meeting.series_id == meeting.series_id,
            Meeting.id != meeting.id,
            (Meeting.held_on < meeting.held_on)
            | ((Meeting.held_on == meeting.held_on) & (Meeting.id < (meeting.id or 0))),
        )
        .order_by(Meeting.held_on.desc(), Meeting.id.desc())
        .limit(1)
    ).first()


# What a proposal carries to the meeting it is deferred to.
CARRIED_FIELDS = ("title", "description", "kind", "duration_minutes", "presenter")


def carry_proposal(item: AgendaItem, target: Meeting) -> AgendaItem:
    """A deferred proposal becomes a proposal of ``target`` again, with its links; the
    deferred one records where it went."""
    from portal.models.meetings import AgendaLink

    positions = [i.position for i in target.items if i.parent_id is None]
    again = AgendaItem(
        meeting=target,
        status="proposed",
        city_id=item.city_id,
        proposed_by_id=item.proposed_by_id,
        position=max(positions, default=-1) + 1,
        **{name: getattr(item, name) for name in CARRIED_FIELDS},
    )
    db.session.add(again)
    again.links = [AgendaLink(kind=link.kind, record_id=link.record_id) for link in item.links]
    item.deferred_to = target
    return again


def queued_proposals(meeting: Meeting) -> list[AgendaItem]:
    """Proposals of the series deferred without a meeting to go to, from meetings before
    ``meeting``: the series' queue, which the next meeting created starts with."""
    return list(
        db.session.scalars(
            select(AgendaItem)
            .join(Meeting, AgendaItem.meeting_id == Meeting.id)
            .where(
                Meeting.series_id == meeting.series_id,
                Meeting.held_on < meeting.held_on,
                AgendaItem.status == "deferred",
                AgendaItem.deferred_to_id.is_(None),
            )
            .order_by(AgendaItem.decided_at, AgendaItem.id)
        )
    )


def last_held_meeting(meeting: Meeting) -> Meeting | None:
    """The series' last meeting actually held before this one: what "since the previous
    meeting" means (a draft or a meeting still to come is not a previous meeting)."""
    return db.session.scalars(
        select(Meeting)
        .where(
            Meeting.series_id == meeting.series_id,
            Meeting.id != meeting.id,
            Meeting.status.in_(("held", "approved")),
            Meeting.held_on < meeting.held_on,
            Meeting.held_on <= local_today(),
        )
        .order_by(Meeting.held_on.desc(), Meeting.id.desc())
        .limit(1)
    ).first()


def create_meeting(
    actor: User,
    series: MeetingSeries,
    values: dict,
    *,
    start: str = "standard",
    past_deadline_ok: bool = False,
):
    """A coordinator creates a meeting in draft, its agenda started from the series'
    standard items, from a copy of the previous meeting's agenda, or empty.

    A meeting whose last day for proposals has already passed is refused unless the
    coordinator confirms it (``past_deadline_ok``): no city could propose anything to it."""
    ensure(actor, "meeting.manage")
    if start not in STARTS:
        raise ValidationError({"start": str(_l("Choose how the agenda starts."))})
    cleaned = _clean_meeting(values)
    if cleaned["proposal_deadline"] < local_today() and not past_deadline_ok:
        raise ValidationError(
            {
                "proposal_deadline": str(
                    _l(
                        "This day has passed: no city could propose items. Give a later "
                        "day, or tick the box below to create the meeting anyway."
                    )
                )
            }
        )
    meeting = Meeting(series=series, status="draft")
    _apply(meeting, cleaned)
    db.session.add(meeting)
    db.session.flush()
    if start == "standard":
        for position, (key, title, kind, minutes) in enumerate(series.standard_items):
            meeting.items.append(
                AgendaItem(
                    status="accepted",
                    standard_key=key,
                    title=title,
                    kind=kind,
                    duration_minutes=minutes,
                    position=position,
                )
            )
    elif start == "previous":
        before = previous_meeting(meeting)
        if before is None:
            raise ValidationError(
                {"start": str(_l("This is the series' first meeting: there is none to copy."))}
            )
        _copy_agenda(before, meeting)
    # Proposals deferred without a target meeting wait in the series' queue for this one.
    for queued in queued_proposals(meeting):
        carry_proposal(queued, meeting)
    audit.record(actor, "meeting.create", obj=meeting, changes=_creation(cleaned))
    db.session.flush()
    return meeting


def _creation(cleaned: dict) -> dict:
    return {
        k: [None, v.id if isinstance(v, City) else _plain(v)]
        for k, v in cleaned.items()
        if v not in (None, "")
    }


def _copy_agenda(source: Meeting, target: Meeting) -> None:
    """The accepted items (and sub-items) of ``source`` as the new agenda: titles, kinds,
    durations and presenters; not the decisions, the links or the papers."""
    copies: dict[int, AgendaItem] = {}
    for item in sorted(accepted_items(source), key=lambda i: (i.parent_id is not None, i.position)):
        copy = AgendaItem(
            status="accepted",
            standard_key=item.standard_key,
            title=item.title,
            description=item.description if item.standard_key else "",
            kind=item.kind,
            duration_minutes=item.duration_minutes,
            presenter=item.presenter,
            city_id=item.city_id,
            position=item.position,
        )
        target.items.append(copy)
        copies[item.id] = copy
    db.session.flush()
    for item in accepted_items(source):
        if item.parent_id is not None and item.parent_id in copies:
            copies[item.id].parent_id = copies[item.parent_id].id


def update_meeting(actor: User, meeting: Meeting, values: dict, *, expected_version: int | None):
    """A coordinator edits the meeting's details; a concurrent edit is refused."""
    ensure(actor, "meeting.manage")
    records.check_version(meeting, expected_version)
    changes = _apply(meeting, _clean_meeting(values))
    if changes:
        audit.record(actor, "meeting.update", obj=meeting, changes=changes)
        record_agenda_change(actor, meeting)
    return changes


def accepted_items(meeting: Meeting) -> list[AgendaItem]:
    return [i for i in meeting.items if i.status == "accepted"]


def series_by_slug(slug: str) -> MeetingSeries:
    """A meeting series; raises NotFound."""
    series = db.session.scalar(select(MeetingSeries).where(MeetingSeries.slug == slug))
    if series is None:
        raise NotFound
    return series


def later_drafts(meeting: Meeting) -> list[Meeting]:
    """The series' draft meetings after ``meeting``: where a proposal can be deferred to."""
    return list(
        db.session.scalars(
            select(Meeting)
            .where(
                Meeting.series_id == meeting.series_id,
                Meeting.held_on > meeting.held_on,
                Meeting.status == "draft",
            )
            .order_by(Meeting.held_on)
        )
    )


def find_meeting(meeting_id: int | None) -> Meeting | None:
    """A meeting by id, if there is one (a choice on a form)."""
    return db.session.get(Meeting, meeting_id) if meeting_id else None


def meeting_by_id(meeting_id: int) -> Meeting:
    """A meeting with its items, their links, action items, cities and papers loaded (one
    statement per collection); raises NotFound. Every logged-in user may see a meeting."""
    meeting = db.session.scalars(
        select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(
            selectinload(Meeting.items).selectinload(AgendaItem.links),
            selectinload(Meeting.items).selectinload(AgendaItem.action_items),
            selectinload(Meeting.items).selectinload(AgendaItem.city),
            selectinload(Meeting.items).selectinload(AgendaItem.attachments),
        )
    ).first()
    if meeting is None:
        raise NotFound
    return meeting


def agenda(meeting: Meeting) -> Schedule:
    """The accepted items in order, with sub-items, numbered and timed."""
    items = accepted_items(meeting)
    top = sorted((i for i in items if i.parent_id is None), key=lambda i: (i.position, i.id))
    children: dict[int, list[AgendaItem]] = {}
    for item in items:
        if item.parent_id is not None:
            children.setdefault(item.parent_id, []).append(item)
    for group in children.values():
        group.sort(key=lambda i: (i.position, i.id))
    return plan(meeting.starts_at, meeting.ends_at, top, lambda i: children.get(i.id, []))


# --- Publishing and versions -------------------------------------------------------------


def snapshot(meeting: Meeting) -> list[dict]:
    """What the published agenda shows, in a form that can be compared between versions."""
    return [
        {
            "id": slot.item.id,
            "number": slot.number,
            "title": slot.item.title,
            "kind": slot.item.kind,
            "minutes": slot.minutes,
            "starts_at": slot.starts_at.strftime("%H:%M"),
            "presenter": slot.item.presenter,
        }
        for slot in agenda(meeting).flat()
    ] + [
        {
            "id": 0,
            "number": "",
            "title": "meeting",
            "kind": "",
            "minutes": 0,
            "starts_at": f"{meeting.held_on.isoformat()} {meeting.starts_at:%H:%M}"
            f"-{meeting.ends_at:%H:%M}",
            "presenter": meeting.venue,
        }
    ]


def describe_changes(before: list[dict], after: list[dict]) -> list[str]:
    """Plain sentences saying what changed between two snapshots of an agenda."""
    old = {row["id"]: row for row in before}
    new = {row["id"]: row for row in after}
    lines: list[str] = []
    if old.get(0) != new.get(0) and 0 in new:
        lines.append(
            str(
                _l(
                    "Time or place changed: %(value)s, %(venue)s",
                    value=new[0]["starts_at"],
                    venue=new[0]["presenter"],
                )
            )
        )
    for row in after:
        if row["id"] == 0:
            continue
        was = old.get(row["id"])
        if was is None:
            lines.append(str(_l("Added: %(number)s %(title)s", **row)))
            continue
        if was["title"] != row["title"]:
            lines.append(
                str(_l("Renamed: %(number)s %(old)s → %(title)s", old=was["title"], **row))
            )
        if was["number"] != row["number"]:
            lines.append(
                str(_l("Moved: %(title)s from %(old)s to %(number)s", old=was["number"], **row))
            )
        if was["minutes"] != row["minutes"]:
            lines.append(
                str(
                    _l(
                        "Duration of %(number)s %(title)s: %(old)d → %(minutes)d min",
                        old=was["minutes"],
                        **row,
                    )
                )
            )
        if was["presenter"] != row["presenter"]:
            lines.append(str(_l("Presenter of %(number)s %(title)s: %(presenter)s", **row)))
    for row in before:
        if row["id"] != 0 and row["id"] not in new:
            lines.append(str(_l("Removed: %(number)s %(title)s", **row)))
    return lines


def record_agenda_change(actor: User, meeting: Meeting) -> AgendaVersion | None:
    """After a change to a published agenda: a new version with what changed (nothing when
    the visible agenda is the same). Every service that changes an agenda calls this."""
    if not meeting.is_published or not meeting.versions:
        return None
    db.session.flush()
    db.session.expire(meeting, ["items"])
    latest = meeting.versions[-1]
    current = snapshot(meeting)
    if current == latest.snapshot:
        return None
    version = AgendaVersion(
        number=latest.number + 1,
        created_by_id=actor.id,
        snapshot=current,
        changes=describe_changes(latest.snapshot, current),
    )
    meeting.versions.append(version)
    audit.record(actor, "meeting.agenda_changed", obj=meeting, detail=f"version {version.number}")
    _tell_agenda_change(meeting, latest.snapshot, current)
    return version


def _tell_agenda_change(meeting: Meeting, before: list[dict], after: list[dict]) -> None:
    """Who hears of a change to a published agenda: every city's officers when an item is
    added or removed or the time or place changes; otherwise the officers of the cities
    whose own items changed (their title, number, duration or presenter)."""
    old = {row["id"]: row for row in before}
    new = {row["id"]: row for row in after}
    everyone = set(old) != set(new) or old.get(0) != new.get(0)
    officers = select(User).where(User.active.is_(True), User.role == Role.OFFICER)
    if not everyone:
        changed = [i for i, row in new.items() if old.get(i) != row]
        cities = db.session.scalars(
            select(AgendaItem.city_id).where(
                AgendaItem.id.in_(changed), AgendaItem.city_id.is_not(None)
            )
        ).all()
        if not cities:
            return
        officers = officers.where(User.city_id.in_(set(cities)))
    notifications.notify(
        db.session.scalars(officers).all(),
        lambda: str(
            _l(
                "The published agenda of %(title)s on %(day)s has changed: %(changes)s",
                title=meeting.title,
                day=date_text(meeting.held_on),
                changes="; ".join(describe_changes(before, after)),
            )
        ),
        url=f"/meetings/{meeting.id}",
    )


def publish(actor: User, meeting: Meeting, *, annex: dict) -> AgendaVersion:
    """Publish a draft agenda: everyone in the network sees it, the annex is kept as it is
    now, who published it and when is recorded, and the cities' officers are told."""
    ensure(actor, "meeting.manage")
    if meeting.status != "draft":
        raise ValidationError({"": str(_l("The agenda is already published."))})
    if not accepted_items(meeting):
        raise ValidationError({"": str(_l("Put at least one item on the agenda first."))})
    meeting.status = "published"
    meeting.published_at = utcnow()
    meeting.published_by_id = actor.id
    meeting.annex = annex
    version = AgendaVersion(number=1, created_by_id=actor.id, snapshot=snapshot(meeting))
    meeting.versions.append(version)
    audit.record(actor, "meeting.publish", obj=meeting)
    officers = db.session.scalars(
        select(User).where(User.active.is_(True), User.role == Role.OFFICER)
    ).all()
    notifications.notify(
        officers,
        lambda: str(
            _l(
                "The agenda of %(title)s on %(day)s is published.",
                title=meeting.title,
                day=date_text(meeting.held_on),
            )
        ),
        url=f"/meetings/{meeting.id}",
    )
    return version


def set_status(actor: User, meeting: Meeting, status: str) -> None:
    """Mark a published meeting held (minutes may still be edited)."""
    ensure(actor, "meeting.manage")
    if (meeting.status, status) not in (("published", "held"),):
        raise ValidationError({"": str(_l("The meeting cannot move to that status now."))})
    if meeting.held_on > local_today():
        raise ValidationError(
            {
                "": str(
                    _l(
                        "The meeting is on %(day)s: it can be marked held on that day or later.",
                        day=date_text(meeting.held_on),
                    )
                )
            }
        )
    meeting.status = status
    audit.record(actor, f"meeting.{status}", obj=meeting)


@dataclass
class SeriesOverview:
    series: MeetingSeries
    upcoming: list[Meeting]
    past: list[Meeting]


def series_overview(series: MeetingSeries, *, today: date) -> SeriesOverview:
    meetings = db.session.scalars(
        select(Meeting)
        .where(Meeting.series_id == series.id)
        .options(selectinload(Meeting.host_city))
        .order_by(Meeting.held_on, Meeting.id)
    ).all()
    return SeriesOverview(
        series,
        [m for m in meetings if m.held_on >= today],
        list(reversed([m for m in meetings if m.held_on < today])),
    )


# --- Outputs -------------------------------------------------------------------------------


def to_ical(meeting: Meeting, *, url: str, with_agenda: bool) -> bytes:
    """The meeting as an iCalendar event in Europe/Helsinki time; the agenda's items go in
    the description once the reader may see them. The UID is stable, so a client updates
    the meeting when it changes instead of adding it twice."""
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", "-//C21 China Network Portal//EN")
    cal.add("version", "2.0")
    lines = []
    if with_agenda:
        lines = [
            f"{'  ' * s.depth}{s.number} {s.starts_at:%H:%M} {s.item.title}"
            for s in agenda(meeting).flat()
        ]
    cal.add_component(_meeting_event(meeting, url, "\n".join([*lines, "", url]).strip()))
    cal.add_missing_timezones()
    return cal.to_ical()


def _meeting_event(meeting: Meeting, url: str, description: str):
    """A meeting as a VEVENT in Helsinki time, with a reminder the day before: the same in
    its own .ics and in the network feed (a stable UID, so a client updates it)."""
    from zoneinfo import ZoneInfo

    from icalendar import Event as IcalEvent

    zone = ZoneInfo("Europe/Helsinki")
    event = IcalEvent()
    event.add("uid", f"meeting-{meeting.id}@c21-portal")
    event.add("summary", meeting.title)
    event.add("dtstamp", meeting.updated_at)
    event.add("last-modified", meeting.updated_at)
    event.add("dtstart", datetime.combine(meeting.held_on, meeting.starts_at, zone))
    event.add("dtend", datetime.combine(meeting.held_on, meeting.ends_at, zone))
    location = ", ".join(
        p for p in (meeting.venue, meeting.host_city.local_name if meeting.host_city else "") if p
    )
    if location:
        event.add("location", location)
    event.add("url", url)
    event.add("description", description)
    event.add_component(_alarm(MEETING_ALARM, _l("Tomorrow: %(title)s", title=meeting.title)))
    return event


# When calendars remind of a meeting, and of the last day for proposals to it.
MEETING_ALARM = timedelta(days=-1)
DEADLINE_ALARM = timedelta(days=-2)


def _alarm(before: timedelta, text):
    """A VALARM that shows ``text`` (RFC 5545 3.6.6) at ``before`` the event's start."""
    from icalendar import Alarm

    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", before)
    alarm.add("description", str(text))
    return alarm


def feed_meetings(user: User, today: date) -> list[Meeting]:
    """The network's meetings for a calendar feed: the same window as its events (the past
    90 days, the next two years). Anyone in the network sees when meetings are."""
    if not can(user, "network.read"):
        return []
    return list(
        db.session.scalars(
            select(Meeting)
            .options(selectinload(Meeting.host_city))
            .where(
                Meeting.held_on >= today - timedelta(days=90),
                Meeting.held_on <= today + timedelta(days=730),
            )
            .order_by(Meeting.held_on, Meeting.id)
        )
    )


def feed_parts(meetings: list[Meeting], *, today: date, url_for_meeting) -> list[bytes]:
    """Each meeting as a VEVENT with a reminder the day before, and, while proposals are
    open, its proposal deadline as an all-day VEVENT with a reminder two days before."""
    from icalendar import Event as IcalEvent

    parts = []
    for meeting in meetings:
        url = url_for_meeting(meeting)
        parts.append(_meeting_event(meeting, url, url).to_ical())
        if meeting.status in ("draft", "published") and meeting.proposal_deadline >= today:
            deadline = IcalEvent()
            deadline.add("uid", f"meeting-{meeting.id}-proposals@c21-portal")
            deadline.add(
                "summary", str(_l("Last day for proposals: %(title)s", title=meeting.title))
            )
            deadline.add("dtstamp", meeting.updated_at)
            deadline.add("last-modified", meeting.updated_at)
            deadline.add("dtstart", meeting.proposal_deadline)
            deadline.add("dtend", meeting.proposal_deadline + timedelta(days=1))
            deadline.add("url", url)
            deadline.add("description", url)
            deadline.add_component(
                _alarm(
                    DEADLINE_ALARM,
                    _l("Proposals to %(title)s are due in two days.", title=meeting.title),
                )
            )
            parts.append(deadline.to_ical())
    return parts


def to_pdf(html: str) -> bytes:
    """A printable page (an agenda, a city's report) as a tagged PDF. Nothing is fetched
    while rendering: the stylesheet is read from the package, any other address refused."""
    from pathlib import Path

    from weasyprint import CSS, HTML

    def refuse(url, *args, **kwargs):
        raise ValueError(f"not fetched: {url}")

    css = Path(__file__).resolve().parent.parent / "static" / "css" / "print.css"
    # PDF/UA-1: a tagged PDF (headings, tables, lists in the structure, the document's
    # language and title) that screen readers read in order; the untagged one read a hidden
    # caption between a table's columns.
    return HTML(string=html, url_fetcher=refuse).write_pdf(
        stylesheets=[CSS(filename=str(css))], pdf_variant="pdf/ua-1"
    )
