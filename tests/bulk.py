"""Rows for inserting thousands of records at once (``insert(Contact)`` with a list), where
the tests need a table's size rather than records made through the services: the planner's
statistics and query plans at more than a handful of rows."""

from __future__ import annotations

from datetime import UTC, date, datetime

NOW = datetime(2026, 11, 1, tzinfo=UTC)
_KEPT = {"created_at": NOW, "updated_at": NOW, "version": 1, "search_text": ""}


def contact_row(city_id: int, visibility: str, family_name: str) -> dict:
    blank = ("name_zh", "pinyin", "title", "email", "phone", "wechat", "languages", "notes")
    return {
        **_KEPT,
        **dict.fromkeys(blank, ""),
        "family_name": family_name,
        "given_name": "A",
        "family_name_first": False,
        "source": "",
        "legal_basis": "public_task",
        "city_id": city_id,
        "visibility": visibility,
    }


def interaction_row(city_id: int, visibility: str, occurred_on: date, title: str) -> dict:
    return {
        **_KEPT,
        "occurred_on": occurred_on,
        "kind": "meeting",
        "title": title,
        "summary": "",
        "follow_up_done": False,
        "city_id": city_id,
        "visibility": visibility,
    }
