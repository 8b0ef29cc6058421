"""Folding text for matching: case, diacritics and tone marks folded, so that "hameenlinna"
finds Hämeenlinna and "beijing" finds Běijīng. Chinese characters pass through unchanged."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Lower-case, without diacritics or tone marks, with white space collapsed."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", stripped.casefold()).strip()


def search_text(*parts: str | None) -> str:
    """The folded text a record is found by in list filters (one column per record)."""
    return " | ".join(fold(p) for p in parts if p)


def like_pattern(query: str) -> str:
    """A LIKE pattern for a folded substring match, with LIKE's wildcards escaped."""
    folded = fold(query).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{folded}%"
