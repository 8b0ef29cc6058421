"""Projects (led by one city, with partner C21 cities) and their progress updates."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base
from portal.models.mixins import CityOwned, scope_index, shared_index, theme_links, visibility_check
from portal.models.organisations import Organisation
from portal.models.reference import City, Theme
from portal.timeutil import utcnow

PROJECT_STATUSES = ("idea", "planned", "active", "completed", "cancelled")
FUNDING_SOURCES = ("own", "partner", "third_party", "eu", "national")

project_partner_cities = Table(
    "project_partner_cities",
    Base.metadata,
    Column("project_id", ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
    Column("city_id", ForeignKey("cities.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_project_partner_cities_city_id", "city_id"),
)
project_organisations = Table(
    "project_organisations",
    Base.metadata,
    Column("project_id", ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id"), primary_key=True),
    Index("ix_project_organisations_organisation_id", "organisation_id"),
)
project_themes = theme_links("project_themes", "projects", "project_id")


class Project(CityOwned, Base):
    """A co-operation project. ``city_id`` is the lead city; partner cities read it whatever
    its visibility and add progress updates (see permissions.py)."""

    __tablename__ = "projects"
    __table_args__ = (
        visibility_check(),
        CheckConstraint("status IN ('" + "','".join(PROJECT_STATUSES) + "')", name="status"),
        scope_index("projects"),
        shared_index("projects"),
        # The list's order (the latest start first) with what its scope reads: a page of
        # the list walks this index instead of sorting every visible project. SQLite walks
        # it backwards for "starts_on DESC NULLS LAST" (its NULLs sort first ascending);
        # PostgreSQL sorts NULLs the other way and reads the table (a few milliseconds).
        Index("ix_projects_by_start", "starts_on", "id", "city_id", "visibility", "archived_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="idea", index=True)
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    budget_eur: Mapped[int | None]
    funding_sources: Mapped[list[str]] = mapped_column(JSON, default=list)
    outcomes: Mapped[str] = mapped_column(Text, default="")

    partner_cities: Mapped[list[City]] = relationship(
        secondary=project_partner_cities, order_by=City.name_fi
    )
    organisations: Mapped[list[Organisation]] = relationship(secondary=project_organisations)
    themes: Mapped[list[Theme]] = relationship(secondary=project_themes, order_by=Theme.position)
    updates: Mapped[list[ProjectUpdate]] = relationship(
        back_populates="project",
        order_by="(ProjectUpdate.happened_on.desc(), ProjectUpdate.id.desc())",
        cascade="all, delete-orphan",
    )

    @property
    def partner_city_ids(self) -> set[int]:
        return {c.id for c in self.partner_cities}


class ProjectUpdate(Base):
    """A dated note of progress, by the lead city or a partner city."""

    __tablename__ = "project_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    happened_on: Mapped[date]
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    project: Mapped[Project] = relationship(back_populates="updates")
    city: Mapped[City] = relationship()
