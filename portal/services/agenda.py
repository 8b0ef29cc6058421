"""Agenda items: the cities' proposals (made before the deadline, edited or withdrawn until
decided), the coordinators' decisions on them (accept, defer, reject with a reason), items
the coordinators add themselves, their order, nesting and durations.

Linking an item to records never exposes a private record: only records the proposing city
shares with the network can be linked, and a link is shown only to those who may read the
record at that moment."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal import kinds
from portal.extensions import db
from portal.models.meetings import ITEM_KINDS, AgendaItem, AgendaLink, Meeting
from portal.models.mixins import Visibility
from portal.security.permissions import READ, can, ensure, visible_filter
from portal.services import audit, notifications, records
from portal.services.errors import ValidationError
from portal.services.meetings import record_agenda_change
from portal.timeutil import utcnow

# What a proposal may link: the shared directory's kinds of the registry.
LINK_MODELS = {k.key: k.model for k in kinds.shared_directory()}
ITEM_FIELDS = ("title", "description", "kind", "duration_minutes", "presenter")
MAX_MINUTES = 8 * 60


def _clean_item(values: dict) -> dict:
    errors: dict[str, str] = {}
    cleaned = {k: values.get(k) for k in ITEM_FIELDS}
    for name in ("title", "description", "presenter"):
        cleaned[name] = (cleaned[name] or "").strip()
    if not cleaned["title"]:
        errors["title"] = str(_l("Give the item a title."))
    elif len(cleaned["title"]) > 200:
        errors["title"] = str(_l("Use at most %(n)d characters.", n=200))
    if len(cleaned["presenter"]) > 200:
        errors["presenter"] = str(_l("Use at most %(n)d characters.", n=200))
    if cleaned["kind"] not in ITEM_KINDS:
        errors["kind"] = str(_l("Choose information, discussion or decision."))
    minutes = cleaned["duration_minutes"]
    if not isinstance(minutes, int) or not 0 <= minutes <= MAX_MINUTES:
        errors["duration_minutes"] = str(
            _l("Give the duration in minutes, from 0 to %(n)d.", n=MAX_MINUTES)
        )
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_links(actor, city_id: int, links) -> list[tuple[str, int]]:
    """Links as (kind, record id); each must be a record of ``city_id`` shared with the
    network and not archived. Anything else is refused the same way whether it exists or
    not, so the message reveals nothing."""
    cleaned: list[tuple[str, int]] = []
    for kind, record_id in links or ():
        model = LINK_MODELS.get(kind)
        record = db.session.get(model, record_id) if model is not None else None
        if (
            record is None
            or record.city_id != city_id
            or record.visibility != Visibility.NETWORK
            or record.archived_at is not None
            or not can(actor, READ, record)
        ):
            raise ValidationError(
                {"links": str(_l("Only records your city shares with the network can be linked."))}
            )
        if (kind, record.id) not in cleaned:
            cleaned.append((kind, record.id))
    return cleaned


def linkable_records(actor, city_id: int | None) -> dict[str, list]:
    """What ``actor`` may link a proposal of ``city_id`` to: the city's shared records."""
    if city_id is None:
        return {kind: [] for kind in LINK_MODELS}
    out = {}
    for kind, model in LINK_MODELS.items():
        out[kind] = db.session.scalars(
            select(model)
            .where(
                visible_filter(actor, model),
                model.city_id == city_id,
                model.visibility == Visibility.NETWORK,
                model.archived_at.is_(None),
            )
            .order_by(model.title)
        ).all()
    return out


def _set_links(item: AgendaItem, links: list[tuple[str, int]]) -> list[str]:
    before = sorted(f"{link.kind}:{link.record_id}" for link in item.links)
    item.links = [AgendaLink(kind=k, record_id=r) for k, r in links]
    after = sorted(f"{k}:{r}" for k, r in links)
    return [before, after] if before != after else []


@dataclass
class ShownLink:
    kind: str
    record: object


def visible_links(actor, item: AgendaItem) -> list[ShownLink]:
    """The item's linked records that ``actor`` may read now (a record made private after
    it was linked drops out for other cities)."""
    shown = []
    for link in item.links:
        model = LINK_MODELS[link.kind]
        record = db.session.get(model, link.record_id)
        if record is not None and record.archived_at is None and can(actor, READ, record):
            shown.append(ShownLink(link.kind, record))
    return shown


# --- Proposals by the cities ---------------------------------------------------------------


def propose(actor, meeting: Meeting, values: dict) -> AgendaItem:
    """An officer proposes an item for a meeting, for their own city, before the deadline."""
    ensure(actor, "agenda.propose", meeting)
    cleaned = _clean_item(values)
    links = _clean_links(actor, actor.city_id, values.get("links"))
    item = AgendaItem(
        meeting=meeting,
        status="proposed",
        city_id=actor.city_id,
        proposed_by_id=actor.id,
        position=_next_position(meeting, None),
        **cleaned,
    )
    db.session.add(item)
    _set_links(item, links)
    db.session.flush()
    audit.record(
        actor,
        "agenda.propose",
        obj=item,
        city_id=actor.city_id,
        changes={k: [None, v] for k, v in cleaned.items() if v not in ("", None)},
    )
    return item


def edit_proposal(actor, item: AgendaItem, values: dict, *, expected_version) -> dict:
    """The proposing city edits its proposal until the coordinator has decided on it."""
    ensure(actor, "proposal.edit", item)
    records.check_version(item, expected_version)
    cleaned = _clean_item(values)
    links = _clean_links(actor, item.city_id, values.get("links"))
    changes = records.apply_changes(item, cleaned)
    link_change = _set_links(item, links)
    if link_change:
        changes["links"] = link_change
    if changes:
        audit.record(actor, "agenda.proposal_edit", obj=item, changes=changes)
    return changes


def withdraw(actor, item: AgendaItem) -> None:
    """The proposing city takes its proposal back before the coordinator decides."""
    ensure(actor, "proposal.edit", item)
    item.status = "withdrawn"
    audit.record(actor, "agenda.withdraw", obj=item)


# --- Decisions and the agenda by the coordinators ------------------------------------------

DECISIONS = ("accept", "defer", "reject")


def decide(actor, item: AgendaItem, decision: str, *, reason: str = "", defer_to=None) -> None:
    """Accept a proposal onto the agenda (at the end), defer it to a later meeting of the
    series (where it becomes a proposal again), or reject it. Deferring and rejecting need a
    reason, which the proposing city sees."""
    ensure(actor, "meeting.manage")
    _require_open(item.meeting)
    reason = (reason or "").strip()
    if item.status != "proposed":
        raise ValidationError({"": str(_l("This proposal has already been decided."))})
    if decision not in DECISIONS:
        raise ValidationError({"decision": str(_l("Choose accept, defer or reject."))})
    if decision in ("defer", "reject") and not reason:
        raise ValidationError({"reason": str(_l("Give the reason; the city will see it."))})
    meeting = item.meeting
    if (
        decision == "defer"
        and defer_to is not None
        and (
            defer_to.series_id != meeting.series_id
            or defer_to.held_on <= meeting.held_on
            or defer_to.status != "draft"
        )
    ):
        raise ValidationError(
            {"defer_to": str(_l("Choose a later meeting of the series still in draft."))}
        )
    item.decided_at = utcnow()
    item.decided_by_id = actor.id
    item.reason = reason
    if decision == "accept":
        item.status = "accepted"
        _place_before_closing(meeting, item)
    elif decision == "reject":
        item.status = "rejected"
    else:
        item.status = "deferred"
        item.deferred_to_id = defer_to.id if defer_to is not None else None
        if defer_to is not None:
            again = AgendaItem(
                meeting=defer_to,
                status="proposed",
                city_id=item.city_id,
                proposed_by_id=item.proposed_by_id,
                position=_next_position(defer_to, None),
                **{name: getattr(item, name) for name in ITEM_FIELDS},
            )
            db.session.add(again)
            again.links = [
                AgendaLink(kind=link.kind, record_id=link.record_id) for link in item.links
            ]
    audit.record(
        actor,
        f"agenda.{decision}",
        obj=item,
        city_id=item.city_id,
        changes={"status": ["proposed", item.status], "reason": [None, reason or None]},
    )
    _tell_city(item, decision)
    if decision == "accept":
        record_agenda_change(actor, meeting)


def _tell_city(item: AgendaItem, decision: str) -> None:
    from portal.models.accounts import Role, User

    if item.city_id is None:
        return
    officers = db.session.scalars(
        select(User).where(
            User.city_id == item.city_id, User.role == Role.OFFICER, User.active.is_(True)
        )
    ).all()
    words = {
        "accept": _l("accepted"),
        "defer": _l("deferred"),
        "reject": _l("rejected"),
        "remove": _l("taken off the agenda"),
    }[decision]
    message = str(
        _l(
            "Your proposal “%(title)s” for %(meeting)s was %(decision)s.",
            title=item.title,
            meeting=item.meeting.title,
            decision=words,
        )
    )
    if item.reason:
        message += " " + str(_l("Reason: %(reason)s", reason=item.reason))
    notifications.notify(officers, message, url=f"/meetings/{item.meeting_id}")


def add_item(actor, meeting: Meeting, values: dict, *, parent: AgendaItem | None = None):
    """A coordinator puts an item on the agenda directly (optionally as a sub-item)."""
    ensure(actor, "meeting.manage")
    _require_open(meeting)
    cleaned = _clean_item(values)
    if parent is not None and (parent.meeting_id != meeting.id or parent.parent_id is not None):
        raise ValidationError({"parent": str(_l("Sub-items go one level deep."))})
    item = AgendaItem(
        meeting=meeting,
        status="accepted",
        parent_id=parent.id if parent is not None else None,
        position=_next_position(meeting, parent.id if parent is not None else None),
        **cleaned,
    )
    db.session.add(item)
    if parent is None:
        _place_before_closing(meeting, item)
    db.session.flush()
    audit.record(actor, "agenda.add", obj=item, changes={"title": [None, item.title]})
    record_agenda_change(actor, meeting)
    return item


def edit_item(actor, item: AgendaItem, values: dict, *, expected_version) -> dict:
    """A coordinator edits an item on the agenda (title, kind, duration, presenter ...)."""
    ensure(actor, "meeting.manage")
    _require_open(item.meeting)
    records.check_version(item, expected_version)
    changes = records.apply_changes(item, _clean_item(values))
    if changes:
        audit.record(actor, "agenda.edit", obj=item, changes=changes)
        record_agenda_change(actor, item.meeting)
    return changes


def remove_item(actor, item: AgendaItem, *, reason: str = "") -> None:
    """Take an item off the agenda: a city's item goes back to "rejected" with the reason;
    the coordinators' own items (and their sub-items) are deleted."""
    ensure(actor, "meeting.manage")
    meeting = item.meeting
    _require_open(meeting)
    reason = (reason or "").strip() or str(_l("Taken off the agenda."))
    for child in [*_children(meeting, item.id), item]:
        child.parent_id = None
        if child.city_id is None:
            db.session.delete(child)
        else:
            # A city's item goes back to the city as rejected, and the city is told why.
            child.status = "rejected"
            child.reason = reason
            _tell_city(child, "remove")
    audit.record(actor, "agenda.remove", obj=meeting, detail=item.title)
    record_agenda_change(actor, meeting)


def _require_open(meeting: Meeting) -> None:
    if meeting.status == "approved":
        raise ValidationError({"": str(_l("The minutes are approved; the agenda is closed."))})


def _siblings(meeting: Meeting, parent_id: int | None) -> list[AgendaItem]:
    return sorted(
        (i for i in meeting.items if i.status == "accepted" and i.parent_id == parent_id),
        key=lambda i: (i.position, i.id or 0),
    )


def _children(meeting: Meeting, item_id: int) -> list[AgendaItem]:
    return [i for i in meeting.items if i.parent_id == item_id]


def _next_position(meeting: Meeting, parent_id: int | None) -> int:
    positions = [i.position for i in meeting.items if i.parent_id == parent_id]
    return max(positions, default=-1) + 1


# New items go before these standard items at the end of an agenda.
CLOSING_KEYS = ("next_meeting", "closing")


def _place_before_closing(meeting: Meeting, item: AgendaItem) -> None:
    """Put a new top-level item before the closing standard items (next meeting, closing),
    or at the end when the agenda has none."""
    others = [i for i in _siblings(meeting, None) if i is not item]
    at = next((n for n, i in enumerate(others) if i.standard_key in CLOSING_KEYS), len(others))
    others.insert(at, item)
    _renumber(others)


MOVES = ("up", "down", "indent", "outdent")


def move(actor, item: AgendaItem, direction: str) -> None:
    """Move an item one place up or down among its siblings, make it a sub-item of the item
    above it (indent), or bring a sub-item back to the top level after its parent."""
    ensure(actor, "meeting.manage")
    meeting = item.meeting
    _require_open(meeting)
    if item.status != "accepted" or direction not in MOVES:
        raise ValidationError({"": str(_l("That item cannot be moved that way."))})
    siblings = _siblings(meeting, item.parent_id)
    index = siblings.index(item)
    if direction in ("up", "down"):
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(siblings):
            raise ValidationError({"": str(_l("The item is already at the edge."))})
        siblings[index], siblings[other] = siblings[other], siblings[index]
        _renumber(siblings)
    elif direction == "indent":
        if item.parent_id is not None or index == 0 or _children(meeting, item.id):
            raise ValidationError(
                {"": str(_l("Only a top-level item without sub-items under another item."))}
            )
        parent = siblings[index - 1]
        item.parent_id = parent.id
        item.position = _next_position(meeting, parent.id)
        _renumber([s for s in siblings if s is not item])
    else:  # outdent
        if item.parent_id is None:
            raise ValidationError({"": str(_l("The item is already at the top level."))})
        parent = next(i for i in meeting.items if i.id == item.parent_id)
        top = _siblings(meeting, None)
        item.parent_id = None
        top.insert(top.index(parent) + 1, item)
        _renumber(top)
        _renumber(_siblings(meeting, parent.id))
    audit.record(actor, "agenda.move", obj=item, detail=direction)
    record_agenda_change(actor, meeting)


def reorder(actor, meeting: Meeting, order: list[tuple[int, int | None]]) -> None:
    """Set the whole order at once (drag and drop): ``order`` lists every accepted item as
    (item id, parent id) in agenda order. Anything inconsistent is refused whole."""
    ensure(actor, "meeting.manage")
    _require_open(meeting)
    accepted = {i.id: i for i in meeting.items if i.status == "accepted"}
    ids = [item_id for item_id, _ in order]
    if sorted(ids) != sorted(accepted) or len(set(ids)) != len(ids):
        raise ValidationError({"": str(_l("The agenda changed meanwhile; reload the page."))})
    parents = {item_id: parent for item_id, parent in order}
    for _item_id, parent in order:
        if parent is not None and (parent not in accepted or parents.get(parent) is not None):
            raise ValidationError({"": str(_l("Sub-items go one level deep."))})
    seen: set[int] = set()
    counters: dict[int | None, int] = {}
    for item_id, parent in order:
        if parent is not None and parent not in seen:
            raise ValidationError({"": str(_l("A sub-item must come after its item."))})
        seen.add(item_id)
        item = accepted[item_id]
        item.parent_id = parent
        item.position = counters.get(parent, 0)
        counters[parent] = item.position + 1
    audit.record(actor, "agenda.reorder", obj=meeting)
    record_agenda_change(actor, meeting)


def _renumber(items: list[AgendaItem]) -> None:
    for position, item in enumerate(items):
        item.position = position


def proposals_for(actor, meeting: Meeting) -> list[AgendaItem]:
    """The proposals (any status but accepted) that ``actor`` may see: all of them for the
    coordinators, their own city's for everyone else."""
    return [
        i
        for i in sorted(meeting.items, key=lambda i: (i.created_at, i.id))
        if i.status != "accepted" and can(actor, "proposal.read", i)
    ]
