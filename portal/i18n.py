"""Which interface languages exist: English (the source) and every compiled catalogue."""

from __future__ import annotations

from functools import cache
from pathlib import Path

TRANSLATIONS = Path(__file__).parent / "translations"
LANGUAGE_NAMES = {"en": "English", "fi": "suomi", "sv": "svenska"}


@cache
def available_locales() -> tuple[str, ...]:
    # A language is offered only once its catalogue is compiled: announcing lang="fi" on
    # English text would mislead screen readers.
    compiled = sorted(p.parent.parent.name for p in TRANSLATIONS.glob("*/LC_MESSAGES/messages.mo"))
    return ("en", *(code for code in compiled if code != "en"))
