"""The mail outbox: every e-mail the portal means to send, until it is sent (issue 14: a
mail that cannot go must never vanish, and sending never holds up a web request)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base
from portal.timeutil import utcnow

MAIL_STATES = ("queued", "sent", "failed")


class OutboxMail(Base):
    """One e-mail to one recipient. ``queued``: waiting for ``flask mail send``; ``failed``:
    the last attempt failed (``last_error`` is the server's answer) and ``next_attempt_at``
    says when it is tried again, or None once the portal has given up; ``sent``."""

    __tablename__ = "mail_outbox"
    __table_args__ = (
        CheckConstraint("state IN ('" + "','".join(MAIL_STATES) + "')", name="state"),
        # ``mail send`` asks for what is due; the admins' page for the newest.
        Index("ix_mail_outbox_due", "state", "next_attempt_at"),
        Index("ix_mail_outbox_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text, default="")  # an HTML alternative, if any
    state: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(String(500), default="")
    sent_at: Mapped[datetime | None]


class ReminderRun(Base):
    """That a user's reminders for a period ("2026-11-23", "2026-W48") were made: running
    ``flask reminders send`` again in the same period sends nothing twice."""

    __tablename__ = "reminder_runs"
    __table_args__ = (UniqueConstraint("user_id", "period", name="uq_reminder_runs_user_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(12))
    items: Mapped[int] = mapped_column(default=0)  # how many reminders it held (0: no mail)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
