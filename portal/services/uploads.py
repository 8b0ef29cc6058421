"""Reading an uploaded file within limits, the same way for every kind of upload: the size
of the file, and for zip-based documents (OOXML, OpenDocument) what it would unpack to."""

from __future__ import annotations

import io
import zipfile

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.services.errors import ValidationError

CHUNK = 64 * 1024
# Defaults for the zip limits; the app's configuration may set others.
MAX_UNZIPPED_BYTES = 256 * 1024 * 1024
MAX_ZIP_RATIO = 100
MAX_ZIP_ENTRIES = 10_000
# Small parts of a document may compress far better than the ratio (a page of styles);
# the ratio applies to parts that unpack to more than this.
RATIO_FLOOR = 1024 * 1024

TOO_MUCH_INSIDE = _l(
    "The file unpacks to far more than a document of its size would: it cannot be accepted."
)


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


def _limits() -> tuple[int, int, int]:
    config = current_app.config
    return (
        config.get("UPLOAD_MAX_UNZIPPED_BYTES", MAX_UNZIPPED_BYTES),
        config.get("UPLOAD_MAX_ZIP_RATIO", MAX_ZIP_RATIO),
        config.get("UPLOAD_MAX_ZIP_ENTRIES", MAX_ZIP_ENTRIES),
    )


def check_zip(data: bytes, *, field: str) -> zipfile.ZipFile:
    """Open a zip-based document after unpacking every part once, a chunk at a time and
    into nothing, within caps on the total unpacked size, the ratio of each part and the
    number of parts. A zip bomb is refused (ValidationError on ``field``) in bounded memory
    and time, before anything reads a part whole or keeps the file. A file that is not a
    readable zip raises zipfile.BadZipFile."""
    max_total, max_ratio, max_entries = _limits()
    archive = zipfile.ZipFile(io.BytesIO(data))
    infos = archive.infolist()
    refuse = ValidationError({field: str(TOO_MUCH_INSIDE)})
    if len(infos) > max_entries:
        raise refuse
    # What the directory declares, first: the cheapest refusal.
    if sum(i.file_size for i in infos) > max_total:
        raise refuse
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > max_ratio * max(info.compress_size, 1):
            raise refuse
    # Then what the parts really unpack to (a directory can lie).
    total = 0
    for info in infos:
        if info.is_dir():
            continue
        unpacked = 0
        with archive.open(info) as part:
            while chunk := part.read(CHUNK):
                unpacked += len(chunk)
                total += len(chunk)
                if total > max_total or (
                    unpacked > RATIO_FLOOR and unpacked > max_ratio * max(info.compress_size, 1)
                ):
                    raise refuse
    return archive
