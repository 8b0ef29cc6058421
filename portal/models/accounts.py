"""Accounts: users, their server-side sessions, one-time password links and login attempts."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, Column, ForeignKey, Index, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base
from portal.models.reference import City, Theme
from portal.timeutil import utcnow


class Role(StrEnum):
    OFFICER = "officer"
    VIEWER = "viewer"
    COORDINATOR = "coordinator"
    ADMIN = "admin"


REMINDER_FREQUENCIES = ("daily", "weekly", "never")

# The themes a person follows: the weekly digest tells them what other cities shared on them.
user_themes = Table(
    "user_themes",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
)


class User(Base):
    """A person who logs in. Officers and viewers belong to a city; admins to none."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "role IN ('officer', 'viewer', 'coordinator', 'admin')",
            name="role",
        ),
        CheckConstraint(
            "(role IN ('officer', 'viewer') AND city_id IS NOT NULL)"
            " OR (role = 'admin' AND city_id IS NULL)"
            " OR role = 'coordinator'",
            name="role_city",
        ),
        CheckConstraint(
            "reminder_frequency IN ('" + "','".join(REMINDER_FREQUENCIES) + "')",
            name="reminder_frequency",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    password_changed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)
    # How often reminders come by e-mail (``flask reminders send``).
    reminder_frequency: Mapped[str] = mapped_column(String(10), default="weekly")
    # The city's data protection right (issue 13): its access log, data subjects' reports,
    # erasure. Given by admins to officers of a city; a flag, not a tenant rule.
    data_protection: Mapped[bool] = mapped_column(Boolean, default=False)

    city: Mapped[City | None] = relationship()
    themes: Mapped[list[Theme]] = relationship(secondary=user_themes, order_by=Theme.position)

    __mapper_args__ = {"version_id_col": version}

    # Flask-Login protocol. The session check itself lives in portal.security.sessions.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class UserSession(Base):
    """A login session. The cookie holds a random token whose SHA-256 is stored here, so
    ending a session on the server makes a copied or replayed cookie worthless."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    ip: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")

    user: Mapped[User] = relationship()


class PasswordSetToken(Base):
    """A one-time link an admin issues so that a user sets their own password."""

    __tablename__ = "password_set_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class LoginAttempt(Base):
    """One login attempt. Counted in the database so that throttling holds across workers."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_email_at", "email", "at"),
        Index("ix_login_attempts_ip_at", "ip", "at"),
        Index("ix_login_attempts_device_at", "device", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    email: Mapped[str] = mapped_column(String(254))
    ip: Mapped[str] = mapped_column(String(45))
    device: Mapped[str | None] = mapped_column(String(64))
    success: Mapped[bool] = mapped_column(Boolean)


class CalendarToken(Base):
    """The secret in a user's calendar feed addresses. Calendar clients cannot log in, so
    the address itself is the key; the user revokes it by creating a new one."""

    __tablename__ = "calendar_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
