"""Time helpers: everything is stored in UTC and shown in Europe/Helsinki."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

HELSINKI = ZoneInfo("Europe/Helsinki")


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_today() -> date:
    """Today's date in Finland (what "due today" means to the users)."""
    return datetime.now(HELSINKI).date()
