"""Events: delegations, festivals, fairs, seminars and the like, owned by a city."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base
from portal.models.contacts import Contact
from portal.models.mixins import CityOwned, scope_index, shared_index, theme_links, visibility_check
from portal.models.organisations import Organisation
from portal.models.projects import Project
from portal.models.reference import ChinesePlace, City, Theme

EVENT_KINDS = (
    "incoming_delegation",
    "outgoing_delegation",
    "festival",
    "trade_mission",
    "fair",
    "seminar",
    "sports_event",
    "conference",
    "signing",
)

event_organisations = Table(
    "event_organisations",
    Base.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id"), primary_key=True),
    Index("ix_event_organisations_organisation_id", "organisation_id"),
)
event_contacts = Table(
    "event_contacts",
    Base.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("contact_id", ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
)
event_themes = theme_links("event_themes", "events", "event_id")


class Event(CityOwned, Base):
    """An event on one or more days. Without times it lasts whole days; with times they are
    wall-clock times in ``timezone`` (an event in Beijing keeps Beijing time)."""

    __tablename__ = "events"
    __table_args__ = (
        visibility_check(),
        CheckConstraint("kind IN ('" + "','".join(EVENT_KINDS) + "')", name="kind"),
        Index("ix_events_starts_on_city", "starts_on", "city_id"),
        scope_index("events"),
        shared_index("events"),
        # The overview: a city's shared events held in each quarter.
        Index(
            "ix_events_shared_by_city_start", "visibility", "archived_at", "city_id", "starts_on"
        ),
        # The overview and the calendars ask for events not yet over.
        Index("ix_events_ends_on", "ends_on"),
        # A calendar feed: the shared events of its window, with what its version needs
        # (the index alone answers a client's poll); and the latest change per city.
        Index(
            "ix_events_feed",
            "visibility",
            "ends_on",
            "starts_on",
            "archived_at",
            "city_id",
            "updated_at",
        ),
        Index("ix_events_changes", "city_id", "updated_at"),
        Index("ix_events_updated_at", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    start_time: Mapped[time | None]
    end_time: Mapped[time | None]
    timezone: Mapped[str] = mapped_column(String(40), default="Europe/Helsinki")
    place_city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id"))
    # Indexed: a place's page asks for the events held there (issue 18).
    place_china_id: Mapped[int | None] = mapped_column(ForeignKey("chinese_places.id"), index=True)
    place_text: Mapped[str] = mapped_column(String(200), default="")
    expected_attendance: Mapped[int | None]
    actual_attendance: Mapped[int | None]
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("projects.id", ondelete="SET NULL"), index=True
    )

    place_city: Mapped[City | None] = relationship(foreign_keys=[place_city_id])
    place_china: Mapped[ChinesePlace | None] = relationship()
    project: Mapped[Project | None] = relationship()
    organisations: Mapped[list[Organisation]] = relationship(secondary=event_organisations)
    contacts: Mapped[list[Contact]] = relationship(secondary=event_contacts)
    themes: Mapped[list[Theme]] = relationship(secondary=event_themes, order_by=Theme.position)

    @property
    def place_label(self) -> str:
        if self.place_city is not None:
            return self.place_city.local_name
        if self.place_china is not None:
            return self.place_china.local_name
        return self.place_text
