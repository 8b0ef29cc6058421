"""Pieces shared by the forms of every module."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    Field,
    FieldList,
    FormField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
)
from wtforms.validators import InputRequired
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from portal.input_safety import (
    CONTROL_MESSAGE,
    NUMBER_MESSAGE,
    has_control_characters,
    integer_in_range,
)
from portal.services.errors import ValidationError


class PortalForm(FlaskForm):
    """The base of every form: besides its own validators, no field may carry a control
    character (a NUL byte breaks PostgreSQL, and nobody means to type one) and no number may
    be beyond what the database stores; each gets a message by its field."""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in _leaf_fields(self):
            raw = [v for v in (field.raw_data or []) if isinstance(v, str)]
            if any(has_control_characters(v) for v in raw):
                field.errors = [*_plain_errors(field), str(CONTROL_MESSAGE)]
                valid = False
            elif isinstance(field, IntegerField) and not integer_in_range(field.data):
                field.errors = [*_plain_errors(field), str(NUMBER_MESSAGE)]
                valid = False
        return valid


def _leaf_fields(form) -> Iterator[Field]:
    for field in form:
        if isinstance(field, FormField):
            yield from _leaf_fields(field.form)
        elif isinstance(field, FieldList):
            for entry in field.entries:
                if isinstance(entry, FormField):
                    yield from _leaf_fields(entry.form)
                else:
                    yield entry
        else:
            yield field


def _plain_errors(field: Field) -> list:
    return list(field.errors) if isinstance(field.errors, list | tuple) else []


class VersionedForm(PortalForm):
    """A form that edits a record with a version column: the version the user saw travels
    in a hidden field so that a stale save can be refused."""

    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])

    def refresh_version(self, version: int) -> None:
        """After a refused stale save: carry the current version, so that saving again
        (having seen the other change) goes through. The field renders what was posted
        unless raw_data is replaced too."""
        self.version.data = version
        self.version.raw_data = [str(version)]


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


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a group of checkboxes (accessible, no script needed)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(str(value), label) for value, label in pairs]


VISIBILITY_CHOICES = [
    ("city", _l("Only my city (private)")),
    ("network", _l("The whole C21 network (shared)")),
]


def visibility_field(label) -> RadioField:
    return RadioField(
        label,
        choices=choices(VISIBILITY_CHOICES),
        default="city",
    )


def stale_differences(form: FlaskForm, current: dict[str, object]) -> list[tuple[str, str, str]]:
    """For a refused stale save: each field whose saved value differs from what the user
    sent, as (label, saved now, yours)."""
    rows = []
    for name, saved in current.items():
        field = form._fields.get(name)
        if field is None:
            continue
        yours = field.data
        if _shown(saved) != _shown(yours):
            rows.append((str(field.label.text), _shown(saved), _shown(yours)))
    return rows


def _shown(value) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, list | tuple | set):
        return ", ".join(sorted(str(v) for v in value))
    return str(value)
