"""Reading a spreadsheet a city uploads for import (issue 12): ``.xlsx`` and ``.ods`` with
python-calamine (formulas read as the values the file saved, macros never run, nothing
evaluated), ``.csv`` with the standard library (UTF-8 with or without a byte order mark,
separated by semicolons as Finnish Excel writes them, or by commas or tabs).

A file that is not what its name says, is too large, holds too many rows or unpacks to far
more than its size is refused with a message for the person who uploaded it."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.services.errors import ValidationError
from portal.services.uploads import check_zip

FORMATS = ("xlsx", "ods", "csv")
MAX_ROWS = 5_000
# An empty row more or less does not matter; a sheet with a million formatted empty rows
# is not read to its end.
MAX_EMPTY_RUN = 1_000
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


@dataclass(frozen=True)
class SheetRow:
    number: int  # as the spreadsheet numbers it (the header is usually 1)
    cells: list[Any]


def _refuse(message) -> ValidationError:
    return ValidationError({"file": str(message)})


def file_format(file_name: str) -> str:
    """The format a file's name says (``xlsx``, ``ods``, ``csv``); refuses any other."""
    suffix = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if suffix not in FORMATS:
        raise _refuse(_l("Upload a spreadsheet saved as .xlsx, .ods or .csv."))
    return suffix


def _not_what_it_says(fmt: str) -> ValidationError:
    return _refuse(
        _l(
            "The file is not a readable %(format)s file, whatever its name says. Open it in "
            "your spreadsheet program and save it again as %(format)s.",
            format="." + fmt,
        )
    )


def _plain(value: Any) -> Any:
    """A cell as the import reads it: text stripped, a whole number as an integer (a
    spreadsheet stores 2026 as 2026.0), empty as ``""``."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return "" if value is None else value


# The portal's own CSV files keep a text starting like a formula as text with an apostrophe
# before it ("'+86 10 ..."), as spreadsheets do; read back, the apostrophe goes.
_PROTECTED = ("'=", "'+", "'-", "'@")


def _unprotected(value: Any) -> Any:
    return value[1:] if isinstance(value, str) and value.startswith(_PROTECTED) else value


def _rows(raw, max_rows: int, *, csv_file: bool = False) -> list[SheetRow]:
    rows: list[SheetRow] = []
    empty_run = 0
    for number, cells in enumerate(raw, start=1):
        cleaned = [_plain(c) for c in cells]
        if csv_file:
            cleaned = [_unprotected(c) for c in cleaned]
        while cleaned and cleaned[-1] == "":
            cleaned.pop()
        if not cleaned:
            empty_run += 1
            if empty_run > MAX_EMPTY_RUN:
                break
            continue
        empty_run = 0
        rows.append(SheetRow(number, cleaned))
        # A title, the header and a hints row may come on top of the rows themselves
        # (the import counts those exactly once it knows where the header is).
        if len(rows) > max_rows + 10:
            raise too_many_rows(max_rows)
    return rows


def too_many_rows(max_rows: int = MAX_ROWS) -> ValidationError:
    return _refuse(
        _l(
            "The file has more than %(n)s rows. Split it into files of at most %(n)s rows each.",
            n=f"{max_rows:,}".replace(",", "\u00a0"),
        )
    )


def _spreadsheet(data: bytes, fmt: str, max_rows: int) -> list[SheetRow]:
    from python_calamine import CalamineError, CalamineWorkbook

    if not data.startswith(b"PK\x03\x04"):
        raise _not_what_it_says(fmt)
    try:
        archive = check_zip(data, field="file")
        names = set(archive.namelist())
        if fmt == "xlsx" and "xl/workbook.xml" not in names:
            raise _not_what_it_says(fmt)
        if fmt == "ods" and (
            "mimetype" not in names or archive.read("mimetype").strip() != ODS_MIMETYPE
        ):
            raise _not_what_it_says(fmt)
    except zipfile.BadZipFile as error:
        raise _not_what_it_says(fmt) from error
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = book.get_sheet_by_index(0)
        return _rows(sheet.iter_rows(), max_rows)
    except ValidationError:
        raise
    except (CalamineError, ValueError, IndexError) as error:
        raise _not_what_it_says(fmt) from error


def _csv(data: bytes, max_rows: int) -> list[SheetRow]:
    if data.startswith(b"PK\x03\x04") or b"\x00" in data[:4096]:
        raise _not_what_it_says("csv")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _refuse(
            _l(
                "The file is not in UTF-8. In Excel, save it as “CSV UTF-8 (comma "
                "delimited)”; in LibreOffice, choose the character set Unicode (UTF-8)."
            )
        ) from error
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return _rows(reader, max_rows, csv_file=True)


def read_rows(file_name: str, data: bytes, *, max_rows: int = MAX_ROWS) -> list[SheetRow]:
    """The non-empty rows of the file's first sheet, each with its row number; refuses (a
    ValidationError on ``file``) a file of another format than its name says, one that
    cannot be read, one with more than ``max_rows`` rows below its header."""
    fmt = file_format(file_name)
    if not data:
        raise _refuse(_l("The file is empty."))
    if fmt == "csv":
        return _csv(data, max_rows)
    return _spreadsheet(data, fmt, max_rows)
