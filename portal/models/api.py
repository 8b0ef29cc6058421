"""Personal access tokens for the REST API (issue 16): a user's named keys for their city's
own systems. Only a hash is stored; a token acts as its user with no more rights, and dies
with the account's deactivation or a change of its role or city (kept here to compare)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base
from portal.timeutil import utcnow


class ApiToken(Base):
    __tablename__ = "api_tokens"
    __table_args__ = (Index("ix_api_tokens_user", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    writes: Mapped[bool] = mapped_column(default=False)  # read-write, else read-only
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    # The account as it was when the token was made: a change of role or city ends it.
    role: Mapped[str] = mapped_column(String(20))
    city_id: Mapped[int | None]

    user = relationship("User")
