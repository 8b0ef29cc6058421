"""The cities' proposals for a meeting's agenda: made before the deadline, edited or
withdrawn until decided; the coordinators' decisions on them (accept, defer, reject with a
reason the city sees).

Linking a proposal to records never exposes a private record: only records the proposing
city shares with the network can be linked, and a link is shown only to those who may read
the record at that moment."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal import kinds
from portal.extensions import db
from portal.models.accounts import User
from portal.models.meetings import AgendaItem, AgendaLink, Meeting
from portal.models.mixins import Visibility
from portal.security.permissions import READ, can, ensure, visible_filter
from portal.services import audit, records
from portal.services.agenda import (
    clean_item,
    next_position,
    place_before_closing,
    require_open,
    tell_proposing_city,
)
from portal.services.errors import ValidationError
from portal.services.meetings import carry_proposal, record_agenda_change
from portal.timeutil import utcnow

# What a proposal may link: the shared directory's kinds of the registry.
LINK_MODELS = {k.key: k.model for k in kinds.shared_directory()}


def _clean_links(actor: User, city_id: int | None, links) -> list[tuple[str, int]]:
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


def linkable_records(actor: User, city_id: int | None) -> dict[str, list]:
    """What ``actor`` may link a proposal of ``city_id`` to: the city's shared records."""
    if city_id is None:
        return {kind: [] for kind in LINK_MODELS}
    out = {}
    for kind, model in LINK_MODELS.items():
        out[kind] = list(
            db.session.scalars(
                select(model)
                .where(
                    visible_filter(actor, model),
                    model.city_id == city_id,
                    model.visibility == Visibility.NETWORK,
                    model.archived_at.is_(None),
                )
                .order_by(model.title)
            )
        )
    return out


def _set_links(item: AgendaItem, links: list[tuple[str, int]]) -> list[list[str]]:
    before = sorted(f"{link.kind}:{link.record_id}" for link in item.links)
    item.links = [AgendaLink(kind=k, record_id=r) for k, r in links]
    after = sorted(f"{k}:{r}" for k, r in links)
    return [before, after] if before != after else []


@dataclass
class ShownLink:
    kind: str
    record: object


def visible_links(actor: User, item: AgendaItem) -> list[ShownLink]:
    """The item's linked records that ``actor`` may read now (a record made private after
    it was linked drops out for other cities)."""
    shown = []
    for link in item.links:
        model = LINK_MODELS[link.kind]
        record = db.session.get(model, link.record_id)
        if record is not None and record.archived_at is None and can(actor, READ, record):
            shown.append(ShownLink(link.kind, record))
    return shown


def whom_to_ask() -> list[User]:
    """The network's coordinators, who can still put an item on an agenda."""
    from portal.models.accounts import Role

    return list(
        db.session.scalars(
            select(User).where(User.role == Role.COORDINATOR, User.active).order_by(User.name)
        )
    )


def propose(actor: User, meeting: Meeting, values: dict) -> AgendaItem:
    """An officer proposes an item for a meeting, for their own city, before the deadline."""
    ensure(actor, "agenda.propose", meeting)
    cleaned = clean_item(values)
    links = _clean_links(actor, actor.city_id, values.get("links"))
    item = AgendaItem(
        meeting=meeting,
        status="proposed",
        city_id=actor.city_id,
        proposed_by_id=actor.id,
        position=next_position(meeting, None),
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


def edit_proposal(actor: User, item: AgendaItem, values: dict, *, expected_version) -> dict:
    """The proposing city edits its proposal until the coordinator has decided on it."""
    ensure(actor, "proposal.edit", item)
    records.check_version(item, expected_version)
    cleaned = clean_item(values)
    links = _clean_links(actor, item.city_id, values.get("links"))
    changes = records.apply_changes(item, cleaned)
    link_change = _set_links(item, links)
    if link_change:
        changes["links"] = link_change
    if changes:
        audit.record(actor, "agenda.proposal_edit", obj=item, changes=changes)
    return changes


def withdraw(actor: User, item: AgendaItem) -> None:
    """The proposing city takes its proposal back before the coordinator decides."""
    ensure(actor, "proposal.edit", item)
    item.status = "withdrawn"
    audit.record(actor, "agenda.withdraw", obj=item)


DECISIONS = ("accept", "defer", "reject")


def decide(
    actor: User, item: AgendaItem, decision: str, *, reason: str = "", defer_to=None
) -> None:
    """Accept a proposal onto the agenda (at the end), defer it to a later meeting of the
    series (where it becomes a proposal again), or reject it. Deferring and rejecting need a
    reason, which the proposing city sees."""
    ensure(actor, "meeting.manage")
    require_open(item.meeting)
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
        place_before_closing(meeting, item)
    elif decision == "reject":
        item.status = "rejected"
    else:
        item.status = "deferred"
        item.deferred_to_id = None  # without a target: the series' queue (next meeting)
        if defer_to is not None:
            carry_proposal(item, defer_to)
    audit.record(
        actor,
        f"agenda.{decision}",
        obj=item,
        city_id=item.city_id,
        changes={"status": ["proposed", item.status], "reason": [None, reason or None]},
    )
    tell_proposing_city(item, decision)
    if decision == "accept":
        record_agenda_change(actor, meeting)


def proposals_for(actor: User, meeting: Meeting) -> list[AgendaItem]:
    """The proposals (any status but accepted) that ``actor`` may see: all of them for the
    coordinators, their own city's for everyone else."""
    return [
        i
        for i in sorted(meeting.items, key=lambda i: (i.created_at, i.id))
        if i.status != "accepted" and can(actor, "proposal.read", i)
    ]
