"""C21 network meetings: a series, its meetings, the agenda items (the cities' proposals are
agenda items with status "proposed"), links to shared records, action items, the published
versions of an agenda, and in-app notifications.

Meetings are network-wide: who may see or change what is decided in
portal.security.permissions like everything else."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.accounts import User
from portal.models.base import Base
from portal.models.reference import City
from portal.timeutil import utcnow

MEETING_STATUSES = ("draft", "published", "held", "approved")
ITEM_KINDS = ("information", "discussion", "decision")
ITEM_STATUSES = ("proposed", "accepted", "deferred", "rejected", "withdrawn")
ACTION_STATUSES = ("open", "in_progress", "done")
LINK_KINDS = ("project", "event", "agreement", "expertise")

# The standard items of a series: key, title, kind, minutes. "matters_arising" is where the
# open action items of earlier meetings appear.
DEFAULT_STANDARD_ITEMS = [
    ("opening", "Opening of the meeting", "information", 5),
    ("agenda", "Approval of the agenda", "decision", 5),
    ("previous_minutes", "Minutes of the previous meeting", "decision", 5),
    ("matters_arising", "Matters arising", "information", 10),
    ("city_reports", "Reports from the cities", "information", 30),
    ("next_meeting", "Next meeting", "decision", 5),
    ("closing", "Closing of the meeting", "information", 5),
]


class MeetingSeries(Base):
    """A recurring meeting ("C21 China network") with its standard agenda items."""

    __tablename__ = "meeting_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    standard_items: Mapped[list] = mapped_column(
        JSON, default=lambda: [list(i) for i in DEFAULT_STANDARD_ITEMS]
    )

    meetings: Mapped[list[Meeting]] = relationship(
        back_populates="series", order_by="Meeting.held_on"
    )


class Meeting(Base):
    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint("status IN ('" + "','".join(MEETING_STATUSES) + "')", name="status"),
        Index("ix_meetings_series_held_on", "series_id", "held_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("meeting_series.id"))
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date]
    # Wall-clock times in Europe/Helsinki.
    starts_at: Mapped[time]
    ends_at: Mapped[time]
    host_city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id"))
    venue: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    proposal_deadline: Mapped[date]
    chair: Mapped[str] = mapped_column(String(200), default="")
    secretary: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="draft")
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # "Network update since the previous meeting", frozen when the agenda is published.
    # Read only where it is shown (deferred): hundreds of entries per meeting, and pages that
    # name meetings (matters arising, action items) would read every one they name.
    annex: Mapped[dict | None] = mapped_column(JSON, deferred=True)
    minutes_approved_at: Mapped[datetime | None]
    minutes_approved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    series: Mapped[MeetingSeries] = relationship(back_populates="meetings")
    host_city: Mapped[City | None] = relationship()
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])
    minutes_approved_by: Mapped[User | None] = relationship(foreign_keys=[minutes_approved_by_id])
    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting",
        foreign_keys="AgendaItem.meeting_id",
        order_by="AgendaItem.position",
        cascade="all, delete-orphan",
    )
    versions: Mapped[list[AgendaVersion]] = relationship(
        back_populates="meeting", order_by="AgendaVersion.number", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_published(self) -> bool:
        return self.status != "draft"


class AgendaItem(Base):
    """One item of a meeting's agenda, or a city's proposal for one (status "proposed").
    A sub-item has a parent; positions order the items among their siblings."""

    __tablename__ = "agenda_items"
    __table_args__ = (
        CheckConstraint("status IN ('" + "','".join(ITEM_STATUSES) + "')", name="status"),
        CheckConstraint("kind IN ('" + "','".join(ITEM_KINDS) + "')", name="kind"),
        CheckConstraint("duration_minutes >= 0", name="duration"),
        Index("ix_agenda_items_meeting_status", "meeting_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    standard_key: Mapped[str] = mapped_column(String(40), default="")
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20), default="information")
    duration_minutes: Mapped[int] = mapped_column(default=10)
    presenter: Mapped[str] = mapped_column(String(200), default="")
    # The proposing city (None for items the coordinators put on the agenda themselves).
    city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id"), index=True)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")  # why deferred or rejected
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    deferred_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL")
    )
    # Minutes: the decision and notes, with their own version for concurrent editing.
    decision: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    minutes_version: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    meeting: Mapped[Meeting] = relationship(back_populates="items", foreign_keys=[meeting_id])
    deferred_to: Mapped[Meeting | None] = relationship(foreign_keys=[deferred_to_id])
    city: Mapped[City | None] = relationship()
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])
    links: Mapped[list[AgendaLink]] = relationship(
        back_populates="item", order_by="AgendaLink.id", cascade="all, delete-orphan"
    )
    action_items: Mapped[list[ActionItem]] = relationship(
        back_populates="item", order_by="ActionItem.id", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[AgendaAttachment]] = relationship(
        back_populates="item", order_by="AgendaAttachment.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}


class AgendaLink(Base):
    """A link from an agenda item to a shared record (project, event, agreement, expertise
    offer) of the proposing city."""

    __tablename__ = "agenda_links"
    __table_args__ = (
        UniqueConstraint("item_id", "kind", "record_id"),
        CheckConstraint("kind IN ('" + "','".join(LINK_KINDS) + "')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int]

    item: Mapped[AgendaItem] = relationship(back_populates="links")


class AgendaAttachment(Base):
    """A paper for an item, stored under the instance's upload folder."""

    __tablename__ = "agenda_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    item: Mapped[AgendaItem] = relationship(back_populates="attachments")


class ActionItem(Base):
    """Something a city undertook at a meeting; open ones show on the owner city's home page
    and under "matters arising" of the series' later meetings until done."""

    __tablename__ = "action_items"
    __table_args__ = (
        CheckConstraint("status IN ('" + "','".join(ACTION_STATUSES) + "')", name="status"),
        Index("ix_action_items_owner_status", "owner_city_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True
    )
    description: Mapped[str] = mapped_column(Text)
    owner_city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"))
    due_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(20), default="open")
    done_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    item: Mapped[AgendaItem] = relationship(back_populates="action_items")
    owner_city: Mapped[City] = relationship()

    __mapper_args__ = {"version_id_col": version}


class AgendaVersion(Base):
    """The agenda as published (number 1) and after each later change: what it was, and
    what changed from the version before."""

    __tablename__ = "agenda_versions"
    __table_args__ = (UniqueConstraint("meeting_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    number: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    snapshot: Mapped[list] = mapped_column(JSON)
    changes: Mapped[list] = mapped_column(JSON, default=list)

    meeting: Mapped[Meeting] = relationship(back_populates="versions")
    created_by: Mapped[User | None] = relationship()


class Notification(Base):
    """An in-app message to one user (a published agenda, a decision on a proposal)."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    message: Mapped[str] = mapped_column(String(300))
    url: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
