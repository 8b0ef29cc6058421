"""Themes of co-operation: admins keep each theme's name in the three interface languages,
add themes and retire them (a retired theme stays on the records that carry it but is no
longer offered for new ones)."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.extensions import db
from portal.models.accounts import User
from portal.models.reference import Theme
from portal.security.permissions import ensure
from portal.services import audit
from portal.services.errors import NotFound, ValidationError
from portal.textfold import fold

NAMES = ("name_fi", "name_sv", "name_en")
LIMIT = 120


def all_themes(actor: User) -> list[Theme]:
    """Every theme, in the order the forms offer them, retired ones too. Admins only."""
    ensure(actor, "themes.manage")
    return list(db.session.scalars(select(Theme).order_by(Theme.position, Theme.id)))


def theme_for_edit(actor: User, theme_id: int) -> Theme:
    """One theme for an admin to edit; NotFound for an unknown id."""
    ensure(actor, "themes.manage")
    theme = db.session.get(Theme, theme_id)
    if theme is None:
        raise NotFound
    return theme


def _clean(values: dict) -> dict:
    cleaned = {name: (values.get(name) or "").strip() for name in NAMES}
    missing = {
        "name_fi": _l("Enter the theme's name in Finnish."),
        "name_sv": _l("Enter the theme's name in Swedish."),
        "name_en": _l("Enter the theme's name in English."),
    }
    errors = {}
    for name in NAMES:
        if not cleaned[name]:
            errors[name] = str(missing[name])
        elif len(cleaned[name]) > LIMIT:
            errors[name] = str(_l("Use at most %(n)d characters.", n=LIMIT))
    cleaned["active"] = bool(values.get("active", True))
    if errors:
        raise ValidationError(errors)
    return cleaned


def _slug(name_en: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", fold(name_en)).strip("-")[:50] or "theme"
    slug, n = base, 1
    while db.session.scalar(select(Theme.id).where(Theme.slug == slug)) is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug


def create_theme(actor: User, values: dict) -> Theme:
    """A new theme, offered last in the forms. Raises ValidationError naming each bad name."""
    ensure(actor, "themes.manage")
    cleaned = _clean(values)
    last = db.session.scalar(select(func.max(Theme.position))) or 0
    theme = Theme(**cleaned, slug=_slug(cleaned["name_en"]), position=last + 10)
    db.session.add(theme)
    db.session.flush()
    audit.record(
        actor, "theme.create", obj=theme, changes={k: [None, v] for k, v in cleaned.items()}
    )
    return theme


def update_theme(actor: User, theme: Theme, values: dict) -> dict:
    """Rename a theme in any of its languages, or retire or restore it; returns what
    changed. Raises ValidationError naming each bad name."""
    ensure(actor, "themes.manage")
    cleaned = _clean(values)
    changes = {
        name: [getattr(theme, name), value]
        for name, value in cleaned.items()
        if getattr(theme, name) != value
    }
    for name, (_old, new) in changes.items():
        setattr(theme, name, new)
    if changes:
        audit.record(actor, "theme.update", obj=theme, changes=changes)
    return changes
