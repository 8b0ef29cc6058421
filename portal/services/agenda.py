"""The agenda of a meeting: the items on it (the coordinators' own, and the cities'
proposals once accepted), their order, nesting and durations, and taking items off it.
The cities' proposals and the decisions on them are in portal.services.proposals."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.extensions import db
from portal.models.accounts import Role, User
from portal.models.meetings import ITEM_KINDS, AgendaItem, Meeting
from portal.security.permissions import ensure
from portal.services import audit, notifications, records
from portal.services.errors import NotFound, ValidationError
from portal.services.meetings import record_agenda_change

ITEM_FIELDS = ("title", "description", "kind", "duration_minutes", "presenter")
MAX_MINUTES = 8 * 60


def item_by_id(item_id: int) -> AgendaItem:
    """An agenda item or proposal by id (whether the actor may read it is the caller's
    question: permissions' proposal.read). Raises NotFound."""
    item = db.session.get(AgendaItem, item_id)
    if item is None:
        raise NotFound
    return item


def item_in_meeting(meeting: Meeting, item_id: int | None) -> AgendaItem | None:
    """An item of ``meeting`` by id, if there is one (a parent picked on its agenda)."""
    if item_id is None:
        return None
    return next((i for i in meeting.items if i.id == item_id), None)


def clean_item(values: dict) -> dict:
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {k: values.get(k) for k in ITEM_FIELDS}
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


def tell_proposing_city(item: AgendaItem, decision: str) -> None:
    """Notify the proposing city's officers of a decision on its item, with the reason."""
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

    def message() -> str:
        text = str(
            _l(
                "Your proposal “%(title)s” for %(meeting)s was %(decision)s.",
                title=item.title,
                meeting=item.meeting.title,
                decision=words,
            )
        )
        if item.reason:
            text += " " + str(_l("Reason: %(reason)s", reason=item.reason))
        return text

    notifications.notify(officers, message, url=f"/meetings/{item.meeting_id}")


def add_item(actor: User, meeting: Meeting, values: dict, *, parent: AgendaItem | None = None):
    """A coordinator puts an item on the agenda directly (optionally as a sub-item)."""
    ensure(actor, "meeting.manage")
    require_open(meeting)
    cleaned = clean_item(values)
    if parent is not None and (parent.meeting_id != meeting.id or parent.parent_id is not None):
        raise ValidationError({"parent": str(_l("Sub-items go one level deep."))})
    item = AgendaItem(
        meeting=meeting,
        status="accepted",
        parent_id=parent.id if parent is not None else None,
        position=next_position(meeting, parent.id if parent is not None else None),
        **cleaned,
    )
    db.session.add(item)
    if parent is None:
        place_before_closing(meeting, item)
    db.session.flush()
    audit.record(actor, "agenda.add", obj=item, changes={"title": [None, item.title]})
    record_agenda_change(actor, meeting)
    return item


def edit_item(actor: User, item: AgendaItem, values: dict, *, expected_version) -> dict:
    """A coordinator edits an item on the agenda (title, kind, duration, presenter ...)."""
    ensure(actor, "meeting.manage")
    require_open(item.meeting)
    records.check_version(item, expected_version)
    changes = records.apply_changes(item, clean_item(values))
    if changes:
        audit.record(actor, "agenda.edit", obj=item, changes=changes)
        record_agenda_change(actor, item.meeting)
    return changes


def remove_item(actor: User, item: AgendaItem, *, reason: str = "") -> None:
    """Take an item off the agenda: a city's item goes back to "rejected" with the reason;
    the coordinators' own items (and their sub-items) are deleted."""
    ensure(actor, "meeting.manage")
    meeting = item.meeting
    require_open(meeting)
    reason = (reason or "").strip() or str(_l("Taken off the agenda."))
    for child in [*_children(meeting, item.id), item]:
        child.parent_id = None
        if child.city_id is None:
            db.session.delete(child)
        else:
            # A city's item goes back to the city as rejected, and the city is told why.
            child.status = "rejected"
            child.reason = reason
            tell_proposing_city(child, "remove")
    audit.record(actor, "agenda.remove", obj=meeting, detail=item.title)
    record_agenda_change(actor, meeting)


def require_open(meeting: Meeting) -> None:
    if meeting.status == "approved":
        raise ValidationError({"": str(_l("The minutes are approved; the agenda is closed."))})


def _siblings(meeting: Meeting, parent_id: int | None) -> list[AgendaItem]:
    return sorted(
        (i for i in meeting.items if i.status == "accepted" and i.parent_id == parent_id),
        key=lambda i: (i.position, i.id or 0),
    )


def _children(meeting: Meeting, item_id: int) -> list[AgendaItem]:
    return [i for i in meeting.items if i.parent_id == item_id]


def next_position(meeting: Meeting, parent_id: int | None) -> int:
    positions = [i.position for i in meeting.items if i.parent_id == parent_id]
    return max(positions, default=-1) + 1


# New items go before these standard items at the end of an agenda.
CLOSING_KEYS = ("next_meeting", "closing")


def place_before_closing(meeting: Meeting, item: AgendaItem) -> None:
    """Put a new top-level item before the closing standard items (next meeting, closing),
    or at the end when the agenda has none."""
    others = [i for i in _siblings(meeting, None) if i is not item]
    at = next((n for n, i in enumerate(others) if i.standard_key in CLOSING_KEYS), len(others))
    others.insert(at, item)
    _renumber(others)


MOVES = ("up", "down", "indent", "outdent")


def move(actor: User, item: AgendaItem, direction: str) -> None:
    """Move an item one place up or down among its siblings, make it a sub-item of the item
    above it (indent), or bring a sub-item back to the top level after its parent."""
    ensure(actor, "meeting.manage")
    meeting = item.meeting
    require_open(meeting)
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
        item.position = next_position(meeting, parent.id)
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


def reorder(actor: User, meeting: Meeting, order: list[tuple[int, int | None]]) -> None:
    """Set the whole order at once (drag and drop): ``order`` lists every accepted item as
    (item id, parent id) in agenda order. Anything inconsistent is refused whole."""
    ensure(actor, "meeting.manage")
    require_open(meeting)
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
