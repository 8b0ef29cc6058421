"""The rows of a list that come after (or before) a given row in the list's order: the
next page seeks to where the previous one ended instead of reading and skipping every
row before it (an OFFSET of 50,000 read 50,000 index entries for a page of 50).

A list's order is columns, each ascending or descending, ending in the record's id (so
that no two rows tie). A column may hold NULL: where NULL sorts is the database's (SQLite
puts it before every value, PostgreSQL after) unless the order says NULLS FIRST or LAST,
and the comparisons here follow the same rule."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, or_, true
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

from portal.extensions import db


@dataclass(frozen=True)
class SortKey:
    column: ColumnElement[Any]
    descending: bool
    nulls_first: bool  # where NULL sorts in this key, as resolved for the database
    nullable: bool

    def reversed(self) -> SortKey:
        return SortKey(self.column, not self.descending, not self.nulls_first, self.nullable)

    def clause(self, dialect: str) -> ColumnElement[Any]:
        """This key as an ORDER BY term; NULLS FIRST or LAST only when it is not the
        database's own placement (an index in the natural order still serves it)."""
        term = self.column.desc() if self.descending else self.column.asc()
        if self.nullable and self.nulls_first != _nulls_first_by_default(dialect, self.descending):
            term = term.nulls_first() if self.nulls_first else term.nulls_last()
        return term

    def equal(self, value) -> ColumnElement[bool]:
        return self.column.is_(None) if value is None else self.column == value

    def beyond(self, value) -> ColumnElement[bool]:
        """The rows whose value of this key sorts strictly after ``value``."""
        if value is None:
            return self.column.is_not(None) if self.nulls_first else false()
        after = self.column < value if self.descending else self.column > value
        if self.nullable and not self.nulls_first:
            return or_(after, self.column.is_(None))
        return after

    def at_or_beyond(self, value) -> ColumnElement[bool]:
        """The rows whose value of this key sorts at or after ``value``: implied by the full
        condition, and stated alone so that an index on the key can seek to it."""
        if value is None:
            return true() if self.nulls_first else self.column.is_(None)
        after = self.column <= value if self.descending else self.column >= value
        if self.nullable and not self.nulls_first:
            return or_(after, self.column.is_(None))
        return after


def _nulls_first_by_default(dialect: str, descending: bool) -> bool:
    # SQLite sorts NULL as the smallest value, PostgreSQL as the largest.
    return descending if dialect == "postgresql" else not descending


def sort_keys(stmt: Select, id_column, dialect: str) -> list[SortKey] | None:
    """The keys of ``stmt``'s ORDER BY, or None when it cannot seek: a term that is not a
    plain column, or an order that does not end in ``id_column`` (rows could tie)."""
    keys: list[SortKey] = []
    # SQLAlchemy keeps a select's ORDER BY terms here; it has no public accessor for them.
    for term in stmt._order_by_clauses:
        nulls: bool | None = None
        descending = False
        if isinstance(term, UnaryExpression) and term.modifier in (
            operators.nulls_first_op,
            operators.nulls_last_op,
        ):
            nulls = term.modifier is operators.nulls_first_op
            term = term.element
        if isinstance(term, UnaryExpression) and term.modifier in (
            operators.desc_op,
            operators.asc_op,
        ):
            descending = term.modifier is operators.desc_op
            term = term.element
        table = getattr(term, "table", None)
        if table is None or not hasattr(term, "nullable") or isinstance(term, UnaryExpression):
            return None
        keys.append(
            SortKey(
                term,
                descending,
                nulls if nulls is not None else _nulls_first_by_default(dialect, descending),
                bool(term.nullable),
            )
        )
    if not keys or not keys[-1].column.compare(id_column.expression):
        return None
    return keys


def _beyond(keys: Sequence[SortKey], values: Sequence[Any]) -> ColumnElement[bool]:
    """The rows that sort strictly after the row whose keys hold ``values``."""
    alternatives = []
    same: list[ColumnElement[bool]] = []
    for key, value in zip(keys, values, strict=True):
        alternatives.append(and_(*same, key.beyond(value)))
        same.append(key.equal(value))
    return and_(keys[0].at_or_beyond(values[0]), or_(*alternatives))


def ids_next_to(
    stmt: Select, entity, row_id: int, count: int, *, before: bool = False
) -> list[int] | None:
    """The ids of the ``count`` rows of ``stmt`` (a list in its order) that come right after
    the row ``row_id``, or right before it, in the list's order. None when that row is not in
    the list (archived since, filtered out, or not the user's to see: the caller then pages
    by number, and nothing about the row shows) or the order cannot seek."""
    dialect = db.engine.dialect.name
    keys = sort_keys(stmt, entity.id, dialect)
    if keys is None:
        return None
    # The row's place in the order, read through the list's own statement: its visibility
    # rules and filters decide whether the row is there at all.
    values = db.session.execute(
        stmt.order_by(None).with_only_columns(*(k.column for k in keys)).where(entity.id == row_id)
    ).first()
    if values is None:
        return None
    if before:
        keys = [k.reversed() for k in keys]
    ids = list(
        db.session.scalars(
            stmt.with_only_columns(entity.id)
            .order_by(None)
            .order_by(*(k.clause(dialect) for k in keys))
            .where(_beyond(keys, values))
            .limit(count)
        )
    )
    return ids[::-1] if before else ids
