"""What every city-owned record kind shares: write checks, versioned changes with their
audit diff, archive and restore, and pages of results."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, literal_column, select

from portal import kinds
from portal.extensions import db
from portal.kinds import Kind
from portal.models.accounts import User
from portal.security.permissions import WRITE, ensure
from portal.services import audit, keyset
from portal.services.errors import StaleEdit, ValidationError
from portal.timeutil import utcnow


def check_version(record, expected_version: int | None) -> None:
    """Refuse a save based on an older version of the record than the stored one."""
    if expected_version is None or int(expected_version) != record.version:
        raise StaleEdit(record)


def apply_changes(record, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Set the given fields on ``record``; return ``{field: [old, new]}`` for those that
    changed. Many-to-many lists are compared as sets of their items' labels."""
    changes: dict[str, list[Any]] = {}
    for field, new in values.items():
        old = getattr(record, field)
        if isinstance(new, list):
            old_labels = sorted(_label(o) for o in old)
            new_labels = sorted(_label(n) for n in new)
            if old_labels != new_labels:
                changes[field] = [old_labels, new_labels]
                setattr(record, field, new)
            continue
        if _comparable(old) != _comparable(new):
            changes[field] = [_plain(old), _plain(new)]
            setattr(record, field, new)
    return changes


def _label(item) -> str:
    if isinstance(item, str):  # a code of a fixed list (funding sources): kept as the code
        return item
    for attr in ("slug", "display_name", "name_en", "title", "name"):
        if hasattr(item, attr):
            return str(getattr(item, attr))
    return str(item.id)


def _comparable(value):
    return value.id if hasattr(value, "__tablename__") else value


def _plain(value) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if hasattr(value, "__tablename__"):
        return _label(value)
    return str(value)


def archive(actor: User, record) -> None:
    """Archive a record: it leaves lists and search, and its city can restore it."""
    action_prefix = kinds.of(record).key
    ensure(actor, WRITE, record)
    if record.archived_at is not None:
        raise ValidationError({"": "already archived"})
    record.archived_at = utcnow()
    db.session.flush()
    audit.record(actor, f"{action_prefix}.archive", obj=record, changes={"archived": [False, True]})
    _log_people(actor, kinds.of(record), [record], "archive")


def restore(actor: User, record) -> None:
    """Bring an archived record back into lists and search."""
    action_prefix = kinds.of(record).key
    ensure(actor, WRITE, record)
    if record.archived_at is None:
        raise ValidationError({"": "not archived"})
    record.archived_at = None
    db.session.flush()
    audit.record(actor, f"{action_prefix}.restore", obj=record, changes={"archived": [True, False]})
    _log_people(actor, kinds.of(record), [record], "restore")


# A list counts its rows up to here; beyond, it says "more than" (counting 100,000 rows to
# print one number would cost more than the page itself, and filters find the few).
COUNT_LIMIT = 1_000


@dataclass(frozen=True)
class Position:
    """Which page of a list to show: its number, and, when the user came from the page
    next to it, where that page ended (``after``: the id of its last row) or began
    (``before``: the id of its first row), so that this one can seek there."""

    number: int = 1
    after: int | None = None
    before: int | None = None


@dataclass
class Page:
    items: list
    total: int
    number: int
    per_page: int
    more: bool = False  # there are more than ``total`` (the count stopped at COUNT_LIMIT)

    @property
    def first_id(self) -> int | None:
        return self.items[0].id if self.items else None

    @property
    def last_id(self) -> int | None:
        return self.items[-1].id if self.items else None

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages or (self.more and len(self.items) == self.per_page)


def paginate(
    stmt: Select, *, page: int | Position, per_page: int, eager=None, searched: bool = False
) -> Page:
    """The ids of one page (by the list's order, which an index can give without reading
    the rows), how many there are up to COUNT_LIMIT, and those rows with what they show
    (``eager(select)`` adds what to load with them; without it the list's own statement is
    narrowed to the page). Reading the ids first keeps a deep page from joining every row
    it skips.

    A list ``searched`` for free text finds its matches through the engine or the rows'
    text, which costs more than ordering them: a page of it within the first COUNT_LIMIT
    rows takes its ids and the count from one statement (the first COUNT_LIMIT + 1 ids in
    order) rather than finding the matches twice. Otherwise the count is a statement of its
    own: an index walk of COUNT_LIMIT entries is cheaper than reading as many ids in the
    list's order, and a deep page does not read every id it skips.

    A ``page`` that says where the page next to it ended (a Position with ``after`` or
    ``before``) reads its ids from there in the list's order (portal.services.keyset)
    rather than skipping every row before it."""
    position = page if isinstance(page, Position) else Position(page)
    page = position.number
    entity = stmt.column_descriptions[0]["entity"]
    in_order = stmt.with_only_columns(entity.id)
    first: list[int] | None = None
    if searched and max(1, page) * per_page <= COUNT_LIMIT:
        first = list(db.session.scalars(in_order.limit(COUNT_LIMIT + 1)))
        found = len(first)
    else:
        counted: Select = (
            stmt.order_by(None).with_only_columns(literal_column("1")).limit(COUNT_LIMIT + 1)
        )
        found = db.session.scalar(select(func.count()).select_from(counted.subquery())) or 0
    more = found > COUNT_LIMIT
    total = min(found, COUNT_LIMIT)
    number = max(1, page) if more else min(max(1, page), max(1, math.ceil(total / per_page)))
    offset = (number - 1) * per_page
    ids: list[int] | None = None
    if first is not None:
        ids = first[offset : offset + per_page]
    elif number > 1 and position.after:
        ids = keyset.ids_next_to(stmt, entity, position.after, per_page)
    elif number > 1 and position.before:
        ids = keyset.ids_next_to(stmt, entity, position.before, per_page, before=True)
    if ids is None:
        ids = list(db.session.scalars(in_order.limit(per_page).offset(offset)))
    shown = eager(select(entity)) if eager is not None else stmt.order_by(None)
    rows = {row.id: row for row in db.session.scalars(shown.where(entity.id.in_(ids))).unique()}
    items = [rows[i] for i in ids if i in rows]
    return Page(items=items, total=total, number=number, per_page=per_page, more=more)


# How many records a page shows in a short list (a city's active projects on its home
# page); the rest are a link away, in the list that pages.
SHORTLIST = 10


class Shortlist(list):
    """The first few records of a statement; ``more`` says whether there are others."""

    more: bool = False


def first_few(stmt: Select, n: int = SHORTLIST) -> Shortlist:
    """At most ``n`` rows of ``stmt`` (in its order) in one statement that reads one more
    to know whether there are others: a page never loads all of a city's records to show a
    handful."""
    rows = list(db.session.scalars(stmt.limit(n + 1)).unique())
    shown = Shortlist(rows[:n])
    shown.more = len(rows) > n
    return shown


def _creation_changes(cleaned: dict[str, Any]) -> dict[str, list[Any]]:
    return {
        field: [
            None,
            sorted(_label(i) for i in value) if isinstance(value, list) else _plain(value),
        ]
        for field, value in cleaned.items()
        if value not in (None, "", [], False)
    }


# Creations waiting for their flush and audit inside ``in_bulk`` (else None).
_pending: ContextVar[list | None] = ContextVar("records_pending", default=None)
BULK_CHUNK = 250


def _people(kind: Kind, record) -> list:
    """The contacts whose personal data a change of ``record`` touches: the contact itself,
    or those an interaction or event names."""
    if kind.key == "contact":
        return [record]
    return list(getattr(record, "contacts", None) or []) if hasattr(record, "contacts") else []


def _log_people(actor: User, kind: Kind, records_: list, action: str) -> None:
    from portal.services import access_log

    people = [p for r in records_ for p in _people(kind, r)]
    if people:
        access_log.record(actor, people, action if kind.key == "contact" else "update")


def _flush_pending(pending: list) -> None:
    if not pending:
        return
    db.session.flush()
    for actor, kind, record, cleaned in pending:
        audit.record(actor, f"{kind.key}.create", obj=record, changes=_creation_changes(cleaned))
    actor, kind = pending[0][0], pending[0][1]
    _log_people(actor, kind, [p[2] for p in pending], "create")
    pending.clear()


@contextmanager
def in_bulk() -> Iterator[None]:
    """Records created inside are flushed and audited a few hundred at a time instead of one
    by one (an import of thousands of rows): the same rows and the same audit, with far
    fewer round trips, so the write lock is held for less time. Every creation is flushed
    and audited when the block ends; the caller's transaction still decides."""
    pending: list = []
    token = _pending.set(pending)
    try:
        yield
        _flush_pending(pending)
    finally:
        _pending.reset(token)


def create_record(actor: User, city, kind: Kind, cleaned: dict[str, Any]):
    """Create a city-owned record of ``kind`` from validated fields: check that the actor
    may create records in ``city``, fill its filter text, flush, audit. Returns the record
    (inside ``in_bulk``, flushed and audited with the others of its chunk)."""
    ensure(actor, "city.create_records", city)
    record = kind.model(city_id=city.id, created_by_id=getattr(actor, "id", None), **cleaned)
    # Its filter text before it joins the session: reading a linked row may flush the
    # session, which would store the record without it and update it again after.
    kind.index(record)
    db.session.add(record)
    pending = _pending.get()
    if pending is not None:
        pending.append((actor, kind, record, cleaned))
        if len(pending) >= BULK_CHUNK:
            _flush_pending(pending)
        return record
    db.session.flush()
    audit.record(actor, f"{kind.key}.create", obj=record, changes=_creation_changes(cleaned))
    _log_people(actor, kind, [record], "create")
    return record


def update_record(actor: User, record, *, expected_version, clean) -> dict[str, list[Any]]:
    """Save validated changes to a city-owned record: the actor must write it, the version
    must be the one the form was loaded with; ``clean()`` validates and returns the fields.
    Returns what changed (and audits it)."""
    kind = kinds.of(record)
    ensure(actor, WRITE, record)
    check_version(record, expected_version)
    changes = apply_changes(record, clean())
    if changes:
        kind.index(record)
        db.session.flush()
        audit.record(actor, f"{kind.key}.update", obj=record, changes=changes)
        _log_people(actor, kind, [record], "update")
    return changes
