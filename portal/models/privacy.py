"""Data protection (issue 13): the log of who processed which person's data, and when.

Each city is the controller of its contacts; the log is its record of processing events
(the logging practice of Finnish public bodies): who viewed, exported or changed a contact,
when, and from which page. It holds ids and no names, so an erased person leaves no name in
it; it is append-only (the database refuses an UPDATE) and rows older than the retention
period are deleted by ``flask --app portal access-log purge``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base
from portal.timeutil import utcnow

ACCESS_ACTIONS = (
    "view",
    "export",
    "create",
    "update",
    "archive",
    "restore",
    "report",
    "erase",
    "restrict",
    "lift",
)


class PersonalDataAccess(Base):
    __tablename__ = "personal_data_log"
    __table_args__ = (
        CheckConstraint("action IN ('" + "','".join(ACCESS_ACTIONS) + "')", name="action"),
        # A city's log, newest first; one person's entries; the purge by age.
        Index("ix_personal_data_log_city_at", "city_id", "at"),
        Index("ix_personal_data_log_contact", "contact_id", "at"),
        Index("ix_personal_data_log_at", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    # Who: kept by e-mail too, so the entry says who it was after the account is gone.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    user_email: Mapped[str] = mapped_column(String(254), default="")
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"))  # the contact's city
    contact_id: Mapped[int]  # no foreign key: the entry outlives an erased contact
    action: Mapped[str] = mapped_column(String(10))
    page: Mapped[str] = mapped_column(String(300), default="")  # the address it was done at


class ProcessingDescription(Base):
    """The free-text parts of the record of processing (GDPR Article 30) that admins write
    for the whole portal; the rest of the record is generated from the data. One row."""

    __tablename__ = "processing_description"

    id: Mapped[int] = mapped_column(primary_key=True)
    purposes: Mapped[str] = mapped_column(Text, default="")
    data_subjects: Mapped[str] = mapped_column(Text, default="")
    security_measures: Mapped[str] = mapped_column(Text, default="")
    transfers: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)
