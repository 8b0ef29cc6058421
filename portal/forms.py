"""Pieces shared by the forms of every module."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from wtforms import Field, IntegerField
from wtforms.validators import InputRequired
from wtforms.widgets import HiddenInput

from portal.services.errors import ValidationError


class VersionedForm(FlaskForm):
    """A form that edits a record with a version column: the version the user saw travels
    in a hidden field so that a stale save can be refused."""

    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


def attach_errors(form: FlaskForm, error: ValidationError) -> list[str]:
    """Put a service's messages next to the form's fields; returns the form-level ones."""
    general: list[str] = []
    for name, message in error.errors.items():
        field: Field | None = form._fields.get(name) if name else None
        if field is None:
            general.append(message)
        else:
            field.errors = [*list(field.errors), message]
    return general


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target or any(ord(c) < 32 for c in target):
        return None
    return target
