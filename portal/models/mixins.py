"""Columns every city-owned record carries (contacts, interactions, projects, ...), and
the helpers for what each of their tables has alike."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from portal.models.base import Base
from portal.timeutil import utcnow

if TYPE_CHECKING:
    from portal.models.reference import City


class Visibility(StrEnum):
    CITY = "city"  # only the owning city (and admins)
    NETWORK = "network"  # every user of the network


def visibility_check() -> CheckConstraint:
    """The visibility rule's two values, as every city-owned table checks them."""
    return CheckConstraint("visibility IN ('city', 'network')", name="visibility")


def scope_index(table: str) -> Index:
    """The rows a user may see are their city's and the shared ones, live or archived: the
    lists, counts and the overview select by these three columns. On PostgreSQL the index
    carries the id too (SQLite's indexes always do), so that the overview's themes join the
    shared records' ids from the index alone instead of reading 16,000 rows (issue 18)."""
    return Index(
        f"ix_{table}_scope", "visibility", "archived_at", "city_id", postgresql_include=["id"]
    )


def shared_index(table: str) -> Index:
    """A city's shared records of the shared directory by age: the overview counts one
    city's, in all and created in each quarter, over ranges of the index alone
    (portal.services.overview)."""
    return Index(f"ix_{table}_shared_by_city", "visibility", "archived_at", "city_id", "created_at")


def theme_links(name: str, owner_table: str, owner_column: str) -> Table:
    """The link table between a kind's records and their themes."""
    return Table(
        name,
        Base.metadata,
        Column(owner_column, ForeignKey(f"{owner_table}.id", ondelete="CASCADE"), primary_key=True),
        Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
    )


class CityOwned:
    """Mixin: the tenant, the visibility and the archive mark (the rules over these columns
    live in portal.security.permissions and nowhere else); the list filters' folded text;
    who created the record and when, when it last changed; and the version that refuses a
    stale save."""

    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"), index=True)
    visibility: Mapped[str] = mapped_column(String(10), default=Visibility.CITY.value)
    archived_at: Mapped[datetime | None]
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)

    @declared_attr
    def city(cls: Any) -> Mapped[City]:
        return relationship("City", foreign_keys=[cls.city_id])

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.version}
