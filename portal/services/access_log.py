"""The personal data access log (issue 13): who viewed, exported or changed which contact,
when, and from which page; what a city's data protection officer reads and exports.

Views and exports are logged after the request (a side write: a page that only reads never
waits for the write lock); changes in the request's own transaction, with the change. An
entry names the contact by id only, so an erased person leaves no name behind."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import current_app, has_request_context, request
from sqlalchemy import delete, insert, select

from portal.database import after_request_write
from portal.extensions import db
from portal.models.accounts import User
from portal.models.contacts import Contact
from portal.models.privacy import PersonalDataAccess
from portal.models.reference import City
from portal.security.permissions import ensure
from portal.services.records import Page, paginate
from portal.timeutil import HELSINKI, utcnow

DEFAULT_KEEP_DAYS = 730


def _page() -> str:
    # The path alone: a query string can hold what was searched for (a person's name), and
    # the log is append-only, so an erasure could not take it out again.
    if not has_request_context():
        return "command line"
    return request.path[:300]


def _rows(actor: User, people: Iterable[tuple[int, int]], action: str) -> list[dict[str, Any]]:
    at, page = utcnow(), _page()
    return [
        {
            "at": at,
            "user_id": getattr(actor, "id", None),
            "user_email": getattr(actor, "email", "") or "",
            "city_id": city_id,
            "contact_id": contact_id,
            "action": action,
            "page": page,
        }
        for contact_id, city_id in dict.fromkeys(people)
    ]


def record(actor: User, contacts: Iterable[Contact], action: str) -> None:
    """Log ``action`` (create, update, archive, restore, erase) on ``contacts`` in the
    caller's transaction: the entry stands or falls with the change."""
    rows = _rows(actor, ((c.id, c.city_id) for c in contacts), action)
    if rows:
        db.session.execute(insert(PersonalDataAccess), rows)


def record_read(actor: User, contacts: Iterable[Contact], action: str = "view") -> None:
    """Log that ``actor`` saw (``view``) or took away (``export``, ``report``) ``contacts``,
    once the request is over, in a write of its own."""
    read_pairs(actor, ((c.id, c.city_id) for c in contacts), action)


def read_pairs(actor: User, people: Iterable[tuple[int, int]], action: str) -> None:
    """record_read for contacts known by ``(id, city id)`` only (search results)."""
    rows = _rows(actor, people, action)
    if rows:
        after_request_write(lambda: db.session.execute(insert(PersonalDataAccess), rows))


def shown(actor: User, contacts: list[Contact]) -> list[Contact]:
    """``contacts``, logged as viewed by ``actor`` (a page that names them)."""
    record_read(actor, contacts)
    return contacts


@dataclass
class LogFilter:
    contact_id: int | None = None
    user_email: str = ""
    since: date | None = None
    until: date | None = None


def _filtered(city: City, flt: LogFilter):
    stmt = select(PersonalDataAccess).where(PersonalDataAccess.city_id == city.id)
    if flt.contact_id:
        stmt = stmt.where(PersonalDataAccess.contact_id == flt.contact_id)
    if flt.user_email:
        stmt = stmt.where(PersonalDataAccess.user_email.ilike(f"%{flt.user_email.strip()}%"))
    if flt.since:
        start = datetime.combine(flt.since, time(0), HELSINKI).astimezone(UTC)
        stmt = stmt.where(PersonalDataAccess.at >= start)
    if flt.until:
        end = datetime.combine(flt.until + timedelta(days=1), time(0), HELSINKI).astimezone(UTC)
        stmt = stmt.where(PersonalDataAccess.at < end)
    return stmt.order_by(PersonalDataAccess.at.desc(), PersonalDataAccess.id.desc())


def city_log(actor: User, city: City, flt: LogFilter, *, page: int = 1, per_page: int = 50) -> Page:
    """The city's log, newest first, as its data protection officers read it."""
    ensure(actor, "city.data_protection", city)
    return paginate(_filtered(city, flt), page=page, per_page=per_page)


def entries_for(actor: User, contact: Contact, limit: int = 500) -> list[PersonalDataAccess]:
    """One person's entries, newest first (for their subject access report)."""
    ensure(actor, "city.data_protection", contact.city)
    return list(
        db.session.scalars(_filtered(contact.city, LogFilter(contact_id=contact.id)).limit(limit))
    )


def purge(*, keep_days: int | None = None) -> int:
    """Delete the entries older than the retention period (PERSONAL_DATA_LOG_DAYS, two years
    by default); returns how many. The only way entries leave the log."""
    days = keep_days or int(current_app.config.get("PERSONAL_DATA_LOG_DAYS", DEFAULT_KEEP_DAYS))
    result = db.session.execute(
        delete(PersonalDataAccess).where(PersonalDataAccess.at < utcnow() - timedelta(days=days))
    )
    return int(getattr(result, "rowcount", 0) or 0)
