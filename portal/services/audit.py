"""Writing and reading the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from portal.extensions import db
from portal.models.audit import AuditEvent
from portal.request_info import client_address

# Fields whose values never go into the audit log, only the fact that they changed.
SECRET_FIELDS = frozenset({"password", "password_hash"})

# What the events being recorded are part of (an import: its batch, file and who), said in
# each event's detail unless the event gives its own.
_part_of: ContextVar[str] = ContextVar("audit_part_of", default="")


@contextmanager
def part_of(detail: str) -> Iterator[None]:
    """Every audit event recorded inside says ``detail`` (an import's batch and file)."""
    token = _part_of.set(detail)
    try:
        yield
    finally:
        _part_of.reset(token)


def record(
    actor: Any,
    action: str,
    *,
    obj: Any = None,
    city_id: int | None = None,
    changes: dict[str, Any] | None = None,
    detail: str = "",
    actor_email: str | None = None,
) -> AuditEvent:
    """Add one audit event to the session (the caller's transaction commits it).

    ``obj`` names the object by its table and id; ``city_id`` defaults to the object's city,
    else the actor's. ``changes`` maps field names to ``[old, new]``.
    """
    if city_id is None:
        city_id = getattr(obj, "city_id", None) or getattr(actor, "city_id", None)
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        actor_email=actor_email if actor_email is not None else getattr(actor, "email", ""),
        city_id=city_id,
        ip=client_address.get(),
        action=action,
        object_type=getattr(obj, "__tablename__", "") if obj is not None else "",
        object_id=getattr(obj, "id", None),
        detail=(detail or _part_of.get())[:500],
        changes=changes or {},
    )
    db.session.add(event)
    return event


def diff(obj: Any, new_values: dict[str, Any]) -> dict[str, list[Any]]:
    """The fields of ``obj`` that ``new_values`` would change, as ``{field: [old, new]}``."""
    changes: dict[str, list[Any]] = {}
    for field, new in new_values.items():
        old = getattr(obj, field)
        if old != new:
            if field in SECRET_FIELDS:
                changes[field] = ["***", "***"]
            else:
                changes[field] = [_plain(old), _plain(new)]
    return changes


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


@dataclass(frozen=True)
class HistoryRow:
    at: Any
    actor_email: str
    action: str
    changes: dict
    object_type: str = ""  # the table, for naming the fields in words (portal.history)


def history_for(actor: Any, obj: Any) -> list[HistoryRow]:
    """The history of ``obj`` as ``actor`` may see it: for a city-owned record, the changes
    field by field only for its own (or partner) city and admins; others see who changed it
    and when, because old values can name records that are private to the city."""
    from portal.security.permissions import HISTORY, can

    show_changes = not hasattr(obj, "visibility") or can(actor, HISTORY, obj)
    return [
        HistoryRow(e.at, e.actor_email, e.action, e.changes if show_changes else {}, e.object_type)
        for e in history(obj)
    ]


def history(obj: Any) -> list[AuditEvent]:
    """The audit events about ``obj``, newest first (for the history on a record's page)."""
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_type == obj.__tablename__, AuditEvent.object_id == obj.id)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        )
    )
