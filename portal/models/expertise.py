"""Expertise offers: what a city can share with the rest of the network."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.accounts import User
from portal.models.agreements import Agreement
from portal.models.base import Base
from portal.models.events import Event
from portal.models.mixins import (
    CityOwned,
    Visibility,
    scope_index,
    shared_index,
    visibility_check,
)
from portal.models.projects import Project
from portal.models.reference import Theme

expertise_projects = Table(
    "expertise_projects",
    Base.metadata,
    Column("offer_id", ForeignKey("expertise_offers.id", ondelete="CASCADE"), primary_key=True),
    Column("project_id", ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
)
expertise_events = Table(
    "expertise_events",
    Base.metadata,
    Column("offer_id", ForeignKey("expertise_offers.id", ondelete="CASCADE"), primary_key=True),
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
)
expertise_agreements = Table(
    "expertise_agreements",
    Base.metadata,
    Column("offer_id", ForeignKey("expertise_offers.id", ondelete="CASCADE"), primary_key=True),
    Column("agreement_id", ForeignKey("agreements.id", ondelete="CASCADE"), primary_key=True),
)


class ExpertiseOffer(CityOwned, Base):
    __tablename__ = "expertise_offers"
    __table_args__ = (
        visibility_check(),
        scope_index("expertise_offers"),
        shared_index("expertise_offers"),
    )

    # Shared with the network by default: offering is the point.
    visibility: Mapped[str] = mapped_column(String(10), default=Visibility.NETWORK.value)
    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    contact_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    theme: Mapped[Theme] = relationship()
    contact_user: Mapped[User | None] = relationship(foreign_keys=[contact_user_id])
    projects: Mapped[list[Project]] = relationship(secondary=expertise_projects)
    events: Mapped[list[Event]] = relationship(secondary=expertise_events)
    agreements: Mapped[list[Agreement]] = relationship(secondary=expertise_agreements)

    @property
    def themes(self) -> list[Theme]:
        """As a list, like the other record kinds (the list filters use it)."""
        return [self.theme]
