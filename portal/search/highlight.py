"""Marking the searched words in titles and snippets, matching the way the search does
(case, diacritics and tone marks folded)."""

from __future__ import annotations

from markupsafe import Markup, escape

from portal.search.text import highlight_words
from portal.textfold import fold


def highlight(text: str | None, query: str) -> Markup:
    text = text or ""
    words = [w for w in highlight_words(query) if w]
    if not text or not words:
        return escape(text)
    # Fold character by character, remembering where each folded character came from.
    folded, origin = [], []
    for index, char in enumerate(text):
        for piece in fold(char) or "":
            folded.append(piece)
            origin.append(index)
    folded_text = "".join(folded)
    marked = [False] * len(text)
    for word in words:
        start = folded_text.find(word)
        while start != -1:
            for position in range(start, start + len(word)):
                marked[origin[position]] = True
            start = folded_text.find(word, start + len(word))
    out, inside = [], False
    for char, is_marked in zip(text, marked, strict=True):
        if is_marked and not inside:
            out.append(Markup("<mark>"))
        elif not is_marked and inside:
            out.append(Markup("</mark>"))
        inside = is_marked
        out.append(escape(char))
    if inside:
        out.append(Markup("</mark>"))
    return Markup("").join(out)
