"""Minutes and action items: per agenda item the decision and notes (saved with a version so
two secretaries never overwrite each other silently), action items with an owner city, a due
date and a status, approval that locks the minutes, and the open action items carried into
the series' later meetings under "matters arising"."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.models.accounts import User
from portal.models.meetings import ACTION_STATUSES, ActionItem, AgendaItem, Meeting
from portal.models.reference import City
from portal.security.permissions import ensure
from portal.services import audit, records
from portal.services.errors import NotFound, StaleEdit, ValidationError
from portal.timeutil import utcnow

MAX_TEXT = 20_000


class MinutesConflict(StaleEdit):
    """Someone saved this item's minutes after the form was loaded. ``current`` is the item
    as now stored; the caller keeps the user's text to show beside it."""


def action_by_id(action_id: int) -> ActionItem:
    """An action item by id (everyone logged in may see action items); raises NotFound."""
    action = db.session.get(ActionItem, action_id)
    if action is None:
        raise NotFound
    return action


def save_minutes(
    actor: User, item: AgendaItem, *, decision: str, notes: str, expected_version
) -> bool:
    """Save an item's decision and notes. Refused with MinutesConflict when someone else
    saved since ``expected_version``; returns whether anything changed."""
    meeting = item.meeting
    ensure(actor, "minutes.edit", meeting)
    decision, notes = (decision or "").strip(), (notes or "").strip()
    errors = {}
    for name, value in (("decision", decision), ("notes", notes)):
        if len(value) > MAX_TEXT:
            errors[name] = str(_l("Use at most %(n)d characters.", n=MAX_TEXT))
    if errors:
        raise ValidationError(errors)
    if expected_version is None or int(expected_version) != item.minutes_version:
        raise MinutesConflict(item)
    changes = {}
    if item.decision != decision:
        changes["decision"] = [item.decision, decision]
    if item.notes != notes:
        changes["notes"] = [item.notes, notes]
    if not changes:
        return False
    item.decision, item.notes = decision, notes
    item.minutes_version += 1
    audit.record(actor, "minutes.save", obj=item, changes=changes)
    return True


def _clean_action(values: dict) -> dict:
    errors = {}
    description = (values.get("description") or "").strip()
    owner = values.get("owner_city")
    due_on = values.get("due_on")
    if not description:
        errors["description"] = str(_l("Say what is to be done."))
    elif len(description) > 2000:
        errors["description"] = str(_l("Use at most %(n)d characters.", n=2000))
    if not isinstance(owner, City):
        errors["owner_city"] = str(_l("Choose the city that owns the action."))
    if due_on is not None and not isinstance(due_on, date):
        errors["due_on"] = str(_l("Give the due date as a date."))
    if errors or owner is None:
        raise ValidationError(errors)
    return {"description": description, "owner_city_id": owner.id, "due_on": due_on}


def add_action(actor: User, item: AgendaItem, values: dict) -> ActionItem:
    """The secretary records an action item under an agenda item."""
    ensure(actor, "minutes.edit", item.meeting)
    cleaned = _clean_action(values)
    action = ActionItem(item=item, status="open", **cleaned)
    db.session.add(action)
    db.session.flush()
    audit.record(
        actor,
        "action.create",
        obj=action,
        city_id=cleaned["owner_city_id"],
        changes={"description": [None, cleaned["description"]]},
    )
    return action


def set_action_status(actor: User, action: ActionItem, status: str, *, expected_version) -> None:
    """The owner city's officers or a coordinator move an action item along (also after
    the minutes are approved: following up is what action items are for)."""
    ensure(actor, "action.update", action)
    if status not in ACTION_STATUSES:
        raise ValidationError({"status": str(_l("Choose open, in progress or done."))})
    records.check_version(action, expected_version)
    if action.status == status:
        return
    audit.record(
        actor,
        "action.status",
        obj=action,
        city_id=action.owner_city_id,
        changes={"status": [action.status, status]},
    )
    action.status = status
    action.done_at = utcnow() if status == "done" else None


def can_approve(meeting: Meeting) -> bool:
    """Minutes are approved for a meeting that has been held, and only once."""
    return meeting.status == "held"


def approve(actor: User, meeting: Meeting) -> None:
    """Approve the minutes of a held meeting: from now on they cannot be changed (until a
    coordinator reopens them with a reason)."""
    ensure(actor, "meeting.manage")
    if not can_approve(meeting):
        raise ValidationError(
            {
                "": str(
                    _l(
                        "Minutes are approved after the meeting has been held: "
                        "mark the meeting held first."
                    )
                )
            }
        )
    meeting.status = "approved"
    meeting.minutes_approved_at = utcnow()
    meeting.minutes_approved_by_id = actor.id
    audit.record(actor, "minutes.approve", obj=meeting)


def reopen(actor: User, meeting: Meeting, reason: str) -> None:
    """Reopen approved minutes for a correction. The reason is required, kept in the
    meeting's history and shown on its page; the minutes are approved again afterwards."""
    ensure(actor, "meeting.manage")
    reason = (reason or "").strip()
    if meeting.status != "approved":
        raise ValidationError({"": str(_l("Only approved minutes can be reopened."))})
    if not reason:
        raise ValidationError({"reason": str(_l("Say why the minutes are reopened."))})
    if len(reason) > 500:
        raise ValidationError({"reason": str(_l("Use at most %(n)d characters.", n=500))})
    audit.record(
        actor,
        "minutes.reopen",
        obj=meeting,
        changes={"status": ["approved", "held"]},
        detail=reason,
    )
    meeting.status = "held"
    meeting.minutes_approved_at = None
    meeting.minutes_approved_by_id = None


def reopenings(meeting: Meeting) -> list:
    """When approved minutes were reopened, by whom and why, newest first."""
    from portal.models.audit import AuditEvent

    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.action == "minutes.reopen",
                AuditEvent.object_type == "meetings",
                AuditEvent.object_id == meeting.id,
            )
            .order_by(AuditEvent.id.desc())
        )
    )


def matters_arising(meeting: Meeting) -> list[ActionItem]:
    """The action items of the series' earlier meetings that are not done: they appear under
    "matters arising" of this meeting until someone marks them done."""
    return list(
        db.session.scalars(
            select(ActionItem)
            .join(AgendaItem, AgendaItem.id == ActionItem.item_id)
            .join(Meeting, Meeting.id == AgendaItem.meeting_id)
            .where(
                Meeting.series_id == meeting.series_id,
                Meeting.held_on < meeting.held_on,
                ActionItem.status != "done",
            )
            .options(
                joinedload(ActionItem.owner_city),
                joinedload(ActionItem.item).joinedload(AgendaItem.meeting),
            )
            .order_by(Meeting.held_on, ActionItem.id)
        )
    )


def open_actions_for_city(city_id: int) -> list[ActionItem]:
    """The city's action items not yet done, for its home page, soonest due first."""
    return list(
        db.session.scalars(
            select(ActionItem)
            .where(ActionItem.owner_city_id == city_id, ActionItem.status != "done")
            .options(joinedload(ActionItem.item).joinedload(AgendaItem.meeting))
            .order_by(ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id)
        )
    )


def decisions_of_series(series_id: int) -> list[AgendaItem]:
    """Every item with a recorded decision in the series, newest meeting first."""
    return list(
        db.session.scalars(
            select(AgendaItem)
            .join(Meeting, Meeting.id == AgendaItem.meeting_id)
            .where(Meeting.series_id == series_id, AgendaItem.decision != "")
            .options(joinedload(AgendaItem.meeting))
            .order_by(Meeting.held_on.desc(), AgendaItem.position)
        )
    )


def actions_of_series(series_id: int) -> list[ActionItem]:
    return list(
        db.session.scalars(
            select(ActionItem)
            .join(AgendaItem, AgendaItem.id == ActionItem.item_id)
            .join(Meeting, Meeting.id == AgendaItem.meeting_id)
            .where(Meeting.series_id == series_id)
            .options(
                joinedload(ActionItem.owner_city),
                joinedload(ActionItem.item).joinedload(AgendaItem.meeting),
            )
            .order_by(Meeting.held_on.desc(), ActionItem.id)
        )
    )
