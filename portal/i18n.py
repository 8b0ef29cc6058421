"""Which interface languages exist: English (the source) and every compiled catalogue."""

from __future__ import annotations

from functools import cache
from pathlib import Path

TRANSLATIONS = Path(__file__).parent / "translations"
LANGUAGE_NAMES = {"fi": "suomi", "sv": "svenska", "en": "English"}


@cache
def available_locales() -> tuple[str, ...]:
    # A language is offered only once its catalogue is compiled: announcing lang="fi" on
    # English text would mislead screen readers.
    compiled = sorted(p.parent.parent.name for p in TRANSLATIONS.glob("*/LC_MESSAGES/messages.mo"))
    return ("en", *(code for code in compiled if code != "en"))


def default_locale() -> str:
    """The configured default (Finnish, the language of most users) once its catalogue
    is there."""
    from flask import current_app

    wanted = current_app.config.get("DEFAULT_LOCALE", "fi")
    return wanted if wanted in available_locales() else "en"
