"""Marking the searched words in titles and snippets, matching the way the search does
(case, diacritics and tone marks folded)."""

from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup, escape

from portal.search.text import highlight_words
from portal.textfold import fold


@lru_cache(maxsize=256)
def _words(query: str) -> tuple[str, ...]:
    return tuple(w for w in highlight_words(query) if w)


@lru_cache(maxsize=8192)
def _folded(char: str) -> str:
    return fold(char) or ""


def highlight(text: str | None, query: str) -> Markup:
    text = text or ""
    words = _words(query)
    if not text or not words:
        return escape(text)
    # Fold character by character, remembering where each folded character came from (a
    # page highlights some forty titles and snippets: each character is folded once per
    # process, and the text is escaped in runs, not character by character).
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        piece = _folded(char)
        folded.append(piece)
        origin.extend([index] * len(piece))
    folded_text = "".join(folded)
    marked = [False] * len(text)
    for word in words:
        start = folded_text.find(word)
        while start != -1:
            for position in range(start, start + len(word)):
                marked[origin[position]] = True
            start = folded_text.find(word, start + len(word))
    out: list[Markup] = []
    start = 0
    while start < len(text):
        end = start
        while end < len(text) and marked[end] == marked[start]:
            end += 1
        run = escape(text[start:end])
        out.append(Markup("<mark>%s</mark>") % run if marked[start] else run)
        start = end
    return Markup("").join(out)
