"""The import's templates (issue 12): an empty XLSX per kind with the headers in the
reader's language, a row of hints, and drop-down lists for the fields with a fixed list; and
the hints row recognised in an uploaded file, to be passed over."""

from __future__ import annotations

from functools import lru_cache

from flask_babel import lazy_gettext as _l

from portal import kinds
from portal.kinds import FieldType, Kind
from portal.services.import_cells import (
    PRIVATE,
    SHARED,
    _in_every_locale,
    _key,
    _themes,
    column_label,
    columns,
)
from portal.services.import_files import MAX_ROWS, SheetRow

HINTS = {
    FieldType.TEXT: _l("Text"),
    FieldType.LONGTEXT: _l("Text, several lines allowed"),
    FieldType.DATE: _l("A date, such as 22.11.2026"),
    FieldType.TIME: _l("A time, such as 14.30"),
    FieldType.INTEGER: _l("A whole number"),
    FieldType.FLAG: _l("Yes or No"),
    FieldType.FLAG_CHOICE: _l("Yes or No"),
    FieldType.CHOICE: _l("One from the list"),
    FieldType.CODES: _l("One or more from the list, separated by semicolons"),
    FieldType.VISIBILITY: _l("One from the list"),
    FieldType.ONE: _l("A name as the portal has it"),
    FieldType.MANY: _l("Names as the portal has them, separated by semicolons"),
    FieldType.TYPED_ORGANISATION: _l("A name in the organisation registry (or a new one)"),
}


FIELD_HINTS = {
    "family_name_first": _l("Yes: the family name first, as in Chinese"),
    "themes": _l("One or more from the list, separated by semicolons"),
}


def hint(f: kinds.Field) -> str:
    return str(FIELD_HINTS.get(f.name) or HINTS[f.type])


@lru_cache(maxsize=1)
def _all_hints() -> frozenset[str]:
    texts = [*HINTS.values(), *FIELD_HINTS.values()]
    return frozenset(_key(t) for text in texts for t in _in_every_locale(text))


def _is_hints_row(row: SheetRow) -> bool:
    hints = _all_hints()
    cells = [c for c in row.cells if c != ""]
    return bool(cells) and all(isinstance(c, str) and _key(c) in hints for c in cells)


def choice_words(f: kinds.Field) -> list[str]:
    """What the template's drop-down offers for a field, in the reader's language."""
    if f.type in (FieldType.FLAG, FieldType.FLAG_CHOICE):
        return [str(_l("Yes")), str(_l("No"))]
    if f.type == FieldType.VISIBILITY:
        return [str(PRIVATE), str(SHARED)]
    if f.type in (FieldType.CHOICE, FieldType.CODES):
        return [str(label) for label in (f.choices or {}).values()]
    if f.name == "themes":
        return [t.local_name for t in _themes()]
    return []


def template(kind: Kind) -> bytes:
    """An empty file to fill: the headers in the reader's language, a hints row, drop-down
    lists (from a second sheet) for the fields with a fixed list."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = str(kind.plural)[:31]
    lists = book.create_sheet(str(_l("Lists"))[:31])
    fields = columns(kind)
    sheet.append([column_label(f) for f in fields])
    sheet.append([hint(f) for f in fields])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cell in sheet[2]:
        cell.font = Font(italic=True, color="555555")
    sheet.freeze_panes = "A3"
    list_column = 0
    for index, f in enumerate(fields, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(14, len(column_label(f)) + 2)
        words = choice_words(f)
        if not words:
            continue
        list_column += 1
        letter = get_column_letter(list_column)
        lists.cell(row=1, column=list_column, value=column_label(f)).font = Font(bold=True)
        for row, word in enumerate(words, start=2):
            lists.cell(row=row, column=list_column, value=word)
        several = f.type in (FieldType.CODES, FieldType.MANY)
        validation = DataValidation(
            type="list",
            formula1=f"'{lists.title}'!${letter}$2:${letter}${len(words) + 1}",
            allow_blank=True,
            # Several values separated by semicolons are not in the list as such.
            showErrorMessage=not several,
            errorStyle="stop",
        )
        sheet.add_data_validation(validation)
        column = get_column_letter(index)
        validation.add(f"{column}3:{column}{MAX_ROWS + 2}")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
