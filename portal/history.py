"""The audit history as people read it: field names by their form labels, stored codes by
their labels, and what happened in words, in the reader's language (the log itself keeps
the codes)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from portal import kinds

# The last part of an audit action ("contact.update" -> "update") in words.
ACTIONS = {
    "create": lambda: _("Created"),
    "update": lambda: _("Changed"),
    "archive": lambda: _("Archived"),
    "restore": lambda: _("Restored"),
    "merge": lambda: _("Merged"),
    "publish": lambda: _("Published"),
    "approve": lambda: _("Approved"),
    "reopen": lambda: _("Reopened"),
    "deactivate": lambda: _("Deactivated"),
    "reactivate": lambda: _("Reactivated"),
    "document": lambda: _("Document attached"),
    "update_added": lambda: _("Progress update added"),
    "review": lambda: _("Review recorded"),
    "evaluation": lambda: _("Evaluation recorded"),
    "expiry": lambda: _("End of the term decided"),
}
VISIBILITY = {
    "city": lambda: _("Private to the city"),
    "network": lambda: _("Shared with the network"),
}


def _kind(object_type: str):
    for kind in kinds.KINDS.values():
        if kind.model.__tablename__ == object_type:
            return kind
    return None


def _field(object_type: str, name: str):
    kind = _kind(object_type)
    if kind is None:
        return None
    return next((f for f in kind.fields if f.name == name), None)


def action_text(action: str) -> str:
    words = ACTIONS.get(action.rsplit(".", 1)[-1])
    return words() if words else action


def field_text(object_type: str, name: str) -> str:
    field = _field(object_type, name)
    return str(field.label) if field is not None else name.replace("_", " ").capitalize()


def value_text(object_type: str, name: str, value: Any) -> str:
    """A stored value in words: a choice by its label, a list item by item, yes/no."""
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, list):
        return ", ".join(value_text(object_type, name, v) for v in value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    field = _field(object_type, name)
    if name == "visibility" and value in VISIBILITY:
        return VISIBILITY[value]()
    if field is not None and field.choices and value in field.choices:
        return str(field.choices[value])
    if object_type == "users" and name == "role":
        from portal.admin.forms import role_label

        return role_label(str(value))
    if object_type == "users" and name == "locale":
        from portal.i18n import LANGUAGE_NAMES

        return LANGUAGE_NAMES.get(str(value), str(value))
    if isinstance(value, str) and name in REFERENCE_FIELDS:
        return _reference_name(value)
    return str(value)


# Fields whose log values are slugs of themes or cities.
REFERENCE_FIELDS = {"themes", "theme", "partner_cities", "place_city", "city", "host_city"}


def _reference_name(slug: str) -> str:
    """A theme or a city, stored in the log by its slug, by its name in the language."""
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models.reference import City, Theme

    theme = db.session.scalar(select(Theme).where(Theme.slug == slug))
    if theme is not None:
        return theme.local_name
    city = db.session.scalar(select(City).where(City.slug == slug))
    return city.local_name if city is not None else slug
