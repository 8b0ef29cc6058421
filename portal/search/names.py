"""Other names of the same place, so that a search finds what the place's indexed name finds.

Records are written in English, Finnish or Swedish, and a person searches in their own
language: "Peking" and "Pekingissä" should find what "Beijing" finds, "Helsingfors" and
"Helsingin" what "Helsinki" finds. The names come from the reference data (the Finnish and
Swedish exonyms of Chinese places, the Swedish names of the C21 cities) and, for Finnish
inflection, from the stems below: a search word that starts with a known stem and goes on
for a case ending at most (up to six letters) also searches for the name itself.

What it does not catch: names of more than one word typed as one ("Hongkong" for "Hong
Kong"), inflected forms of places without a stem here, and Finnish or Swedish words other
than names (no general stemming: "sopimuksen" does not find "sopimus").
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from portal.textfold import fold

REFERENCE = Path(__file__).resolve().parent.parent / "reference"
ENDING = 6  # the longest Finnish case ending with its linking vowel ("-issakin" aside)

# Finnish stems of C21 city and Chinese place names whose inflected forms do not start with
# the name itself (consonant gradation, -i/-e stems): Helsinki -> Helsingin, Turku -> Turussa.
FINNISH_STEMS = {
    "helsing": "helsinki",
    "turu": "turku",
    "lahde": "lahti",
    "lahte": "lahti",
    "seinajoe": "seinajoki",
    "rovaniem": "rovaniemi",
    "lappeenrann": "lappeenranta",
    "hameenlinn": "hameenlinna",
    "jyvaskyl": "jyvaskyla",
    "mikkel": "mikkeli",
    "tampere": "tampere",
    "oulu": "oulu",
    "pori": "pori",
    "vaasa": "vaasa",
    "kuopio": "kuopio",
    "joensuu": "joensuu",
    "kouvola": "kouvola",
    "porvoo": "porvoo",
    "espoo": "espoo",
    "vantaa": "vantaa",
    "kotka": "kotka",
}


@cache
def _names() -> dict[str, str]:
    """Folded other name (or stem) -> folded indexed name, for one-word names."""
    table = dict(FINNISH_STEMS)
    with open(REFERENCE / "places.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            indexed = fold(row["name_en"])
            for other in (row["name_fi"], row["name_sv"]):
                other = fold(other or "")
                if other and " " not in other and " " not in indexed and other != indexed:
                    table[other] = indexed
    with open(REFERENCE / "cities.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            indexed, swedish = fold(row["name_fi"]), fold(row["name_sv"])
            if " " not in swedish and swedish != indexed:
                table[swedish] = indexed
    return table


def alternatives(word: str) -> list[str]:
    """The indexed names a folded search word may stand for ([] for most words)."""
    found: list[str] = []
    for other, indexed in _names().items():
        inflected = word.startswith(other) and len(word) - len(other) <= ENDING
        if len(other) >= 4 and inflected and indexed != word and indexed not in found:
            found.append(indexed)
    return found
