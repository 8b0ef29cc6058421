"""Lists as files: what a list page shows, with the same filters, as CSV or XLSX, with
headers in the reader's language (issue 12).

The rows come from the list's own service, so the file holds exactly the records the page
would (another city's private records never); within a record, every linked record the
reader may not see is left out (a shared interaction never names a private contact). Each
export is audited: who, what, how many rows, with which filters."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.formatting import datetime_text
from portal.kinds import FieldType, Kind
from portal.models.accounts import User
from portal.security.permissions import READ, can
from portal.services import access_log, audit

# At most this many rows a file: more is a sign the filters should narrow it (the page
# says so next to the download links).
EXPORT_LIMIT = 10_000
FORMATS = ("csv", "xlsx")


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[Any]]
    total: int  # how many the list has (more than the rows when cut at EXPORT_LIMIT)


def _name(row) -> str:
    """A linked row by the name people know it by."""
    for attribute in ("display_name", "local_name", "title", "name_en", "name"):
        value = getattr(row, attribute, None)
        if isinstance(value, str) and value:
            return value
    return str(row.id)


def _visible(actor: User, row) -> bool:
    # Rows a city owns are shown only if the reader may see them; reference rows (themes,
    # places, the organisation registry) are everyone's.
    if hasattr(row, "city_id") and hasattr(row, "visibility"):
        return can(actor, READ, row)
    return True


def _value(actor: User, record, field) -> Any:
    if field.type == FieldType.TYPED_ORGANISATION:
        organisation = getattr(record, field.attribute or "", None)
        return organisation.name_en if organisation is not None else ""
    value = getattr(record, field.attribute or field.name, None)
    if field.type in (FieldType.FLAG, FieldType.FLAG_CHOICE):
        return _("Yes") if value else _("No")
    if field.type == FieldType.CHOICE:
        return str(field.choices.get(value, value)) if value and field.choices else value or ""
    if field.type == FieldType.CODES:
        choices = field.choices or {}
        return "; ".join(str(choices.get(v, v)) for v in value or [])
    if field.type == FieldType.VISIBILITY:
        return _("Shared with the network") if value == "network" else _("Private to the city")
    if field.type == FieldType.ONE:
        return _name(value) if value is not None and _visible(actor, value) else ""
    if field.type == FieldType.MANY:
        return "; ".join(_name(v) for v in value or [] if _visible(actor, v))
    return value if value is not None else ""


def _columns(kind: Kind) -> list:
    columns: list = [(_("ID"), lambda actor, r: r.id)]
    if kind.city_owned:
        columns.append((_("City"), lambda actor, r: r.city.local_name))
    for field in kind.fields:
        if field.type == FieldType.TYPED_ORGANISATION and not field.attribute:
            continue  # a form's helper ("Add an organisation"), not a value of the record
        label = _("Visibility") if field.type == FieldType.VISIBILITY else str(field.label)
        columns.append((label, lambda actor, r, f=field: _value(actor, r, f)))
    columns.append(
        (
            _("Address"),
            lambda actor, r: url_for(kind.detail_endpoint, _external=True, **{kind.id_arg: r.id}),
        )
    )
    return columns


def _load_links(kind: Kind, items: list) -> None:
    """The linked rows of every record in a few statements, not a few per record."""
    names = [
        f.attribute or f.name
        for f in kind.fields
        if f.type in (FieldType.ONE, FieldType.MANY)
        or (f.type == FieldType.TYPED_ORGANISATION and f.attribute)
    ]
    relations = [n for n in names if n in kind.model.__mapper__.relationships]
    if kind.city_owned:
        relations.append("city")
    ids = [r.id for r in items]
    for start in range(0, len(ids), 500):
        list(
            db.session.scalars(
                select(kind.model)
                .where(kind.model.id.in_(ids[start : start + 500]))
                .options(*(selectinload(getattr(kind.model, n)) for n in relations))
            )
        )


def list_table(actor: User, kind: Kind, lister, flt, *, described: str, fmt: str) -> Table:
    """The rows of ``lister`` (a list page's service) for ``flt``, as the page would show
    them to ``actor``, at most EXPORT_LIMIT; the export is audited with ``described`` (the
    filters, as the page's address has them)."""
    page = lister(actor, flt, page=1, per_page=EXPORT_LIMIT)
    items = list(page.items)
    _load_links(kind, items)
    columns = _columns(kind)
    rows = [[value(actor, record) for _label, value in columns] for record in items]
    if kind.key == "contact":
        access_log.record_read(actor, items, "export")
    elif hasattr(kind.model, "contacts"):  # interactions and events name people
        named = [c for r in items for c in r.contacts if _visible(actor, c)]
        access_log.record_read(actor, named, "export")
    audit.record(
        actor,
        f"{kind.key}.export",
        city_id=getattr(actor, "city_id", None),
        detail=f"{fmt}, {len(rows)} rows{', ' + described if described else ''}"[:500],
    )
    return Table(str(kind.plural), [label for label, _v in columns], rows, page.total)


# A cell starting with one of these is a formula to a spreadsheet (CSV injection): a name
# typed as "=HYPERLINK(...)" must stay text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(value: Any) -> str:
    if isinstance(value, datetime):
        return datetime_text(value)
    if isinstance(value, date | time):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(table: Table) -> bytes:
    """UTF-8 with a byte order mark and semicolons, as Excel in Finland opens it (å, ä, ö and
    北京 right, each field in its own column)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([_text(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_cell(sheet, value: Any):
    """One cell of a write-only sheet: a date as a date, every text as text (a name typed as
    "=..." is never a formula)."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, datetime):
        value = datetime_text(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    elif isinstance(value, date):
        cell.number_format = "d.m.yyyy"
    return cell


def add_sheet(book, title: str, headers: list[str], rows) -> None:
    """A sheet of a write-only workbook: the headers bold and frozen, a filter on them, every
    cell as xlsx_cell makes it. Lists and a city's data package write their sheets so."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title=title[:31] or "Sheet")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in rows:
        sheet.append([xlsx_cell(sheet, value) for value in row])
        count += 1
    if headers:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"


def to_xlsx(table: Table) -> bytes:
    """One sheet of the table (see add_sheet)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    add_sheet(book, table.title, table.headers, table.rows)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def search_table(actor: User, query: str, filters, *, described: str, fmt: str) -> Table:
    """The results of a search as the search page would list them to ``actor`` (the search
    applies the visibility rule before anything else), at most EXPORT_LIMIT; audited."""
    from portal import kinds as registry
    from portal.search.query import search, url_of

    result = search(actor, query, filters, page=1, per_page=EXPORT_LIMIT)
    access_log.read_pairs(
        actor, ((d.record_id, d.city_id) for d in result.items if d.kind == "contact"), "export"
    )
    rows = [
        [
            str(registry.KINDS[d.kind].name),
            d.title,
            d.title_zh,
            d.city.local_name if d.city else "",
            d.summary,
            url_of(d),
        ]
        for d in result.items
    ]
    audit.record(
        actor,
        "search.export",
        city_id=getattr(actor, "city_id", None),
        detail=f"{fmt}, {len(rows)} rows, {described}"[:500],
    )
    headers = [_("Kind"), _("Title"), _("In Chinese"), _("City"), _("Summary"), _("Address")]
    return Table(_("Search results"), headers, rows, result.total)


def action_items_table(actor: User, meeting, *, fmt: str) -> Table:
    """A meeting's action items (who does what by when), as its minutes show them."""
    from portal.labels import ACTION_STATUS_LABELS
    from portal.services.meetings import agenda

    rows = []
    for slot in agenda(meeting).flat():
        for action in slot.item.action_items:
            rows.append(
                [
                    slot.number,
                    slot.item.title,
                    action.description,
                    action.owner_city.local_name,
                    action.due_on or "",
                    str(ACTION_STATUS_LABELS.get(action.status, action.status)),
                ]
            )
    audit.record(actor, "meeting.export", obj=meeting, detail=f"{fmt}, {len(rows)} rows")
    headers = [_("No."), _("Item"), _("Action"), _("Owner city"), _("Due"), _("Status")]
    return Table(_("Action items"), headers, rows, len(rows))
