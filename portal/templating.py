"""Template globals and filters shared by every page."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask_babel import format_datetime, get_locale

from portal.i18n import LANGUAGE_NAMES, available_locales
from portal.security.permissions import can


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        can=can,
        current_locale=lambda: str(get_locale() or "en"),
        available_locales=available_locales,
        language_names=LANGUAGE_NAMES,
    )
    app.jinja_env.filters["localtime"] = _localtime
    app.jinja_env.filters["thousands"] = lambda n: f"{n:,}".replace(",", "\u00a0")


def _localtime(value: datetime | None, fmt: str = "short") -> str:
    """A UTC timestamp shown in Europe/Helsinki time (the Babel default time zone)."""
    if value is None:
        return ""
    return format_datetime(value, fmt)
