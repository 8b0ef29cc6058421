"""Time helpers: everything is stored in UTC and shown in Europe/Helsinki."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
