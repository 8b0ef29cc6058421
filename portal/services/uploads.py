"""Reading an uploaded file within a size limit, the same way for every kind of upload."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.services.errors import ValidationError


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.3g}"


def read_upload(stream, limit: int, *, field: str, empty_message) -> bytes:
    """The file's bytes; ValidationError on ``field`` when it is empty or over ``limit``
    (reading stops one byte past the limit, so a huge file is never held in full)."""
    data = stream.read(limit + 1)
    if not data:
        raise ValidationError({field: str(empty_message)})
    if len(data) > limit:
        raise ValidationError(
            {field: str(_l("The file is larger than %(mb)s MB.", mb=megabytes(limit)))}
        )
    return data
