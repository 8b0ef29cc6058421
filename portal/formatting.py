"""Dates, times and numbers as each interface language writes them in Finland.

One format per kind everywhere (a date is always a date, a time always a time): Finnish
"22.11.2026 klo 14.30", Finland-Swedish "22.11.2026 kl. 14.30" (as Finnish authorities write
Swedish, not Sweden's "2026-11-22 14:30"), English "22 Nov 2026, 14:30". Every wall-clock
time is Europe/Helsinki; stored timestamps are UTC and converted here.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache

from babel.dates import format_date as _babel_date
from babel.dates import format_time as _babel_time
from babel.numbers import format_decimal

from portal import translations
from portal.timeutil import HELSINKI

# The Babel locale whose names (months, weekdays) each interface language uses.
BABEL_LOCALE = {"fi": "fi_FI", "sv": "sv_FI", "en": "en_GB"}
DATE = {"fi": "d.M.yyyy", "sv": "d.M.yyyy", "en": "d MMM yyyy"}
TIME = {"fi": "H.mm", "sv": "H.mm", "en": "HH:mm"}
AT = {"fi": "{date} klo {time}", "sv": "{date} kl. {time}", "en": "{date}, {time}"}
MONTH = {"fi": "LLLL yyyy", "sv": "LLLL yyyy", "en": "LLLL yyyy"}


def language() -> str:
    """The interface language of this request ("en" outside one: the command line)."""
    in_force = translations.locale()
    return in_force.language if in_force is not None and in_force.language in DATE else "en"


def _lang(lang: str | None) -> str:
    return lang if lang in DATE else language()


def date_text(value: date | None, lang: str | None = None) -> str:
    """A calendar date: 22.11.2026 / 22 Nov 2026."""
    if value is None:
        return ""
    lang = _lang(lang)
    if isinstance(value, datetime):
        value = _local(value).date()
    return _date_in(value, lang)


# Babel builds each date anew (~60 us); a page of records repeats the same few hundred
# dates, and a date's text never changes.
@lru_cache(maxsize=8192)
def _date_in(value: date, lang: str) -> str:
    return _babel_date(value, DATE[lang], locale=BABEL_LOCALE[lang])


def time_text(value: time | datetime | None, lang: str | None = None) -> str:
    """A wall-clock time in Helsinki: 14.30 / 14:30."""
    if value is None:
        return ""
    lang = _lang(lang)
    if isinstance(value, datetime):
        value = _local(value).time()
    return _time_in(value.replace(second=0, microsecond=0), lang)


# As dates: an agenda's schedule writes the same few times of day for forty items.
@lru_cache(maxsize=4096)
def _time_in(value: time, lang: str) -> str:
    return _babel_time(value, TIME[lang], locale=BABEL_LOCALE[lang])


def datetime_text(value: datetime | None, lang: str | None = None) -> str:
    """A moment, in Helsinki time: 22.11.2026 klo 14.30."""
    if value is None:
        return ""
    lang = _lang(lang)
    local = _local(value)
    return AT[lang].format(date=date_text(local.date(), lang), time=time_text(local.time(), lang))


def month_text(value: date, lang: str | None = None) -> str:
    """A month and year as a heading: marraskuu 2026 / november 2026 / November 2026."""
    lang = _lang(lang)
    return _babel_date(value, MONTH[lang], locale=BABEL_LOCALE[lang])


def weekday_names(lang: str | None = None) -> list[str]:
    """Monday to Sunday (Finnish weeks start on Monday in every language)."""
    lang = _lang(lang)
    monday = date(2024, 1, 1)
    return [
        # "cccc": the name standing alone ("maanantai", not "maanantaina").
        _babel_date(monday + timedelta(days=i), "cccc", locale=BABEL_LOCALE[lang])
        for i in range(7)
    ]


def number_text(value: int | float, lang: str | None = None) -> str:
    """A number with the language's grouping: 1 234 (fi, sv) / 1,234 (en)."""
    if type(value) is int and 0 <= value < 1000:
        # Written alike in every language (no grouping, no sign): most counts on a page
        # are these, and Babel takes ~40 us for each (a "who knows whom" page has hundreds).
        return str(value)
    lang = _lang(lang)
    return format_decimal(value, locale=BABEL_LOCALE[lang])


def _local(value: datetime) -> datetime:
    # Stored timestamps come back aware (UTC); a naive value is already a wall-clock time
    # in Helsinki (an agenda's schedule).
    if value.tzinfo is None:
        return value
    return value.astimezone(HELSINKI)
