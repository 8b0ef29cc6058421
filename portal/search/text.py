"""Turning record text into index text and a query into search terms, the same way on both
databases.

- Case, diacritics and tone marks are folded ("Hämeenlinna" -> "hameenlinna", "Běijīng" ->
  "beijing"), so either spelling finds the other.
- Chinese has no spaces between words: every run of Chinese characters is indexed as its
  overlapping pairs of characters (北京市体育局 -> 北京 京市 市体 体育 育局), so a two-character
  search finds it anywhere in a longer name.
- Names are also indexed with their spaces removed ("zhongguancunkejiyuanqu"), so pinyin typed
  in syllables ("zhong guan cun") finds them as a prefix.
"""

from __future__ import annotations

import re

from portal.search.marks import MARK
from portal.textfold import fold

_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def _cjk_pairs(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def _tokens(text: str) -> list[str]:
    tokens: list[str] = []
    for word in _WORD.findall(fold(text)):
        pieces = _CJK_RUN.split(word)
        # A mark typed into a record's text would claim readers the record does not have.
        tokens.extend(p for p in pieces if p and not p.startswith(MARK))
        for run in _CJK_RUN.findall(word):
            tokens.extend(_cjk_pairs(run))
    return tokens


def index_text(names: list[str | None], texts: list[str | None]) -> str:
    """The text to index: names (with a joined-up form too) and longer texts."""
    out: list[str] = []
    for name in names:
        if not name:
            continue
        tokens = _tokens(name)
        out.extend(tokens)
        latin = [t for t in tokens if not _CJK_RUN.search(t)]
        if len(latin) > 1:
            out.append("".join(latin))
    for text in texts:
        if text:
            out.extend(_tokens(text))
    return " ".join(out)


def query_terms(query: str) -> tuple[list[str], list[str], str | None]:
    """(latin terms, Chinese pairs, joined form) of a query. Latin terms match as prefixes;
    the joined form is offered when the query has several Latin words."""
    latin: list[str] = []
    chinese: list[str] = []
    for word in _WORD.findall(fold(query))[:12]:
        for piece in _CJK_RUN.split(word):
            if piece and not piece.startswith(MARK):  # marks are not for typing
                latin.append(piece)
        for run in _CJK_RUN.findall(word):
            chinese.extend(_cjk_pairs(run))
    joined = "".join(latin) if len(latin) > 1 else None
    return latin, chinese, joined


def highlight_words(query: str) -> list[str]:
    """The folded words of a query, for marking matches in titles and snippets."""
    latin, chinese, _joined = query_terms(query)
    return latin + [c for c in chinese]
