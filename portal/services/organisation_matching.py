"""How the registry recognises the same organisation under different spellings.

Two levels:

- The *exact key* of a name folds case, tone marks and diacritics, spaces and punctuation:
  "Beijing Municipal Bureau of Sports" and "beijing municipal bureau of sports." share it, as do
  "北京市 体育局" and "北京市体育局". Saving an organisation whose English or Chinese name has
  the exact key of an existing one is refused.
- The *loose tokens* also drop the words that every Chinese public body's name is made of
  ("Municipal", "Bureau", "Commission", "People's Government", "Co., Ltd.", and in Chinese
  市, 局, 委员会, 有限公司, ...) and plural endings, and ignore word order. They decide what
  is offered as a *likely* duplicate while someone types a new name: "Beijing Sports Bureau"
  suggests "Beijing Municipal Bureau of Sports". Pinyin is compared with and without spaces,
  so "Zhongguancun" typed as an English name finds the pinyin "Zhōngguāncūn".
"""

from __future__ import annotations

import re

from portal.textfold import fold

COMMON_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "the",
        "of",
        "for",
        "in",
        "on",
        "at",
        "to",
        "s",
        "municipal",
        "municipality",
        "city",
        "provincial",
        "province",
        "district",
        "county",
        "bureau",
        "office",
        "department",
        "division",
        "administration",
        "administrative",
        "commission",
        "committee",
        "council",
        "centre",
        "center",
        "service",
        "services",
        "agency",
        "authority",
        "people",
        "peoples",
        "government",
        "governments",
        "co",
        "ltd",
        "limited",
        "company",
        "inc",
        "corp",
        "corporation",
        "group",
        "holding",
        "holdings",
        "plc",
        "shi",
        "ju",
        "ting",
        "wei",
        "weiyuanhui",
        "renmin",
        "zhengfu",
        "bangongshi",
        "gongsi",
        "youxian",
        "jituan",
        "zhongxin",
    ]
)
# Longest first, so that 有限公司 goes before 公司.
COMMON_ZH = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "人民政府",
    "委员会",
    "办公室",
    "公司",
    "集团",
    "中心",
    "市",
    "省",
    "区",
    "局",
    "厅",
    "委",
)
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def exact_key(name: str | None) -> str:
    """Case, tone marks, diacritics, spaces and punctuation folded away."""
    return _NOT_WORD.sub("", fold(name or "").replace("&", "and"))


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def loose_tokens(*names: str | None) -> frozenset[str]:
    """The significant words of Latin-script names (English or pinyin), in any order."""
    words: set[str] = set()
    for name in names:
        for word in _NOT_WORD.split(fold(name or "").replace("&", " and ")):
            if word and not _CJK.search(word) and word not in COMMON_WORDS:
                words.add(_singular(word))
    return frozenset(words)


def loose_zh(name: str | None) -> str:
    """A Chinese name without its common affixes (市, 局, 有限公司, ...)."""
    text = exact_key(name)
    for affix in COMMON_ZH:
        text = text.replace(affix, "")
    return text


def similarity(a_tokens: frozenset[str], b_tokens: frozenset[str]) -> float:
    if not a_tokens or not b_tokens:
        return 0.0
    return len(a_tokens & b_tokens) / len(a_tokens | b_tokens)


def _joined_significant(name: str | None) -> str:
    words = _NOT_WORD.split(fold(name or "").replace("&", " and "))
    return "".join(w for w in words if w and w not in COMMON_WORDS and not _CJK.search(w))


def coverage(typed: str | None, candidate) -> float:
    """For syllables typed apart ("zhong guan cun science park"): how much of the typed
    name, joined up, is made of the candidate's significant words, times how many of the
    candidate's words it contains."""
    joined = _joined_significant(typed)
    if len(joined) < 4:
        return 0.0
    best = 0.0
    for words in (loose_tokens(candidate.name_en), loose_tokens(candidate.pinyin)):
        found = [w for w in words if len(w) >= 3 and w in joined]
        if not found:
            continue
        typed_share = min(1.0, sum(len(w) for w in found) / len(joined))
        best = max(best, typed_share * len(found) / len(words))
    return best


def score(candidate, *, name_en: str, name_zh: str, pinyin: str) -> float:
    """How likely ``candidate`` (an Organisation) is the organisation being typed, 0 to 1."""
    typed_key = exact_key(name_en)
    if typed_key and typed_key in (candidate.match_en, candidate.match_pinyin):
        return 1.0
    if name_zh and exact_key(name_zh) == candidate.match_zh:
        return 1.0
    if pinyin and exact_key(pinyin) == candidate.match_pinyin:
        return 1.0
    typed = [t for t in (loose_tokens(name_en), loose_tokens(pinyin)) if t]
    known = [t for t in (loose_tokens(candidate.name_en), loose_tokens(candidate.pinyin)) if t]
    best = max((similarity(a, b) for a in typed for b in known), default=0.0)
    # Pinyin typed in one piece ("zhongguancun") against spaced pinyin: every typed word
    # must occur in the candidate's pinyin.
    for words in typed:
        joined = [exact_key(w) for w in words]
        if candidate.match_pinyin and all(
            len(w) >= 4 and w in candidate.match_pinyin for w in joined
        ):
            best = max(best, 0.6)
    best = max(best, coverage(name_en, candidate), coverage(pinyin, candidate))
    if name_zh and candidate.name_zh:
        a, b = loose_zh(name_zh), loose_zh(candidate.name_zh)
        if a and b and (a == b or (min(len(a), len(b)) >= 2 and (a in b or b in a))):
            best = max(best, 0.9 if a == b else 0.7)
    return best
