"""Authorization denials: recorded in the audit log, then the request is refused.

The audit event is a side write (portal.database): the request's own changes are discarded
and the event is written after the response is decided, in a transaction of its own, so a
reading request never tries to write inside its read transaction (which SQLite refuses under
a concurrent writer, turning a 404 into a 500 and losing the event).
"""

from __future__ import annotations

from typing import Any

from flask import abort, has_request_context

from portal.database import after_request_write
from portal.extensions import db
from portal.models.audit import AuditEvent
from portal.request_info import client_address


def record_denial(user: Any, action: str, object_type: str, object_id: Any, status: int) -> None:
    """Audit that ``user`` was refused ``action`` on an object (``status`` 403 or 404)."""
    logged_in = bool(getattr(user, "is_authenticated", False))
    values = dict(
        actor_id=user.id if logged_in else None,
        actor_email=user.email if logged_in else "",
        city_id=user.city_id if logged_in else None,
        ip=client_address.get(),
        action="access.denied",
        object_type=object_type or "",
        object_id=object_id if isinstance(object_id, int) else None,
        detail=f"{action} -> {status}",
    )
    if has_request_context():
        # The refused request's own changes are discarded before the error page renders.
        db.session.rollback()
    after_request_write(lambda: db.session.add(AuditEvent(**values)))


def deny(user: Any, action: str, object_type: str, object_id: int | None, *, status: int):
    """Record an authorization denial in the audit log, then abort with ``status``."""
    record_denial(user, action, object_type, object_id, status)
    abort(status)
