"""Input that cannot hurt the server: control characters and out-of-range integers.

A NUL byte is refused by PostgreSQL (a 500 where a message belongs), and an integer beyond
64 bits by SQLite; neither is anything a person means to type. Three layers keep them out:
- the forms (``portal.forms.PortalForm``) put a message by the field;
- the request guard answers 400 to a query string or path that carries them (a search box
  cannot type them, so only a crafted link can);
- the flush guard refuses to write them from anywhere (a form, an import, the command line)
  as a ValidationError naming the field, which the views show like any other.
"""

from __future__ import annotations

import re

from flask import Flask, abort, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, event, inspect
from sqlalchemy.orm import Session

from portal.services.errors import ValidationError

# C0 controls but tab, line feed and carriage return, and DEL.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The range of a PostgreSQL integer, the narrowest integer column we have.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1

CONTROL_MESSAGE = _l(
    "This text contains a control character (such as a null byte) that cannot be saved. "
    "Remove it, or type the text again."
)
NUMBER_MESSAGE = _l("Enter a smaller number.")


def has_control_characters(text: object) -> bool:
    return isinstance(text, str) and _CONTROL.search(text) is not None


def without_control_characters(text: str) -> str:
    """For values we record but nobody typed (a browser's user agent, a proxy's address)."""
    return _CONTROL.sub("", text)


def integer_in_range(value: object) -> bool:
    return not isinstance(value, int) or isinstance(value, bool) or INT_MIN <= value <= INT_MAX


_ID = re.compile(r"[0-9]{1,10}")


def parse_id(text: object) -> int | None:
    """A database id typed in a link or a form (ASCII digits, within range), else None."""
    if not isinstance(text, str) or not _ID.fullmatch(text):
        return None
    value = int(text)
    return value if value <= INT_MAX else None


def _check_request() -> None:
    if has_control_characters(request.path) or any(
        has_control_characters(k) or has_control_characters(v)
        for k, v in request.args.items(multi=True)
    ):
        abort(400)


def _check_flush(session: Session, _context, _instances) -> None:
    errors: dict[str, str] = {}
    for obj in list(session.new) + list(session.dirty):
        state = inspect(obj, raiseerr=False)
        if state is None:
            continue
        columns = state.mapper.column_attrs
        # Only what is loaded: an attribute not loaded is unchanged from the database.
        for key, value in state.dict.items():
            attr = columns.get(key)
            if attr is None:
                continue
            if isinstance(value, str | dict | list) and _nested_control(value):
                errors[key] = str(CONTROL_MESSAGE)
            elif isinstance(attr.columns[0].type, Integer) and not integer_in_range(value):
                errors[key] = str(NUMBER_MESSAGE)
    if errors:
        raise ValidationError(errors)


def _nested_control(value) -> bool:
    if isinstance(value, str):
        return has_control_characters(value)
    if isinstance(value, dict):
        return any(_nested_control(k) or _nested_control(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_nested_control(v) for v in value)
    return False


def install(session_target) -> None:
    """Hook the flush guard into the application's sessions (once, at start-up)."""
    if not event.contains(session_target, "before_flush", _check_flush):
        event.listen(session_target, "before_flush", _check_flush)


def init_app(app: Flask) -> None:
    app.before_request(_check_request)
