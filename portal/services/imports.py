"""Importing a city's own spreadsheets (issue 12): contacts, organisations (into the shared
registry), interactions and events.

Steps: ``upload`` keeps the file as a draft batch (nothing else is written); ``mapping`` says
which column is which field (headers recognised in Finnish, Swedish and English, by the
template's labels or the field names, or as the city mapped them last time); ``preview``
reads every row as what it would become, with each cell's problem in words and the likely
duplicates; ``confirm`` writes the rows in one transaction through the kinds' own create
services (their validation, audit and search indexing), all or nothing; ``undo`` archives
within seven days what a batch created, unless changed since.

The columns and how a cell becomes a value come from the registry of record kinds
(portal.kinds): a new field is importable without a change here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm.exc import ObjectDeletedError

from portal import kinds
from portal.database import after_request_write, begin_write, refresh_stale_statistics
from portal.extensions import db
from portal.kinds import FieldType, Kind
from portal.models.accounts import User
from portal.models.imports import ImportBatch, ImportedRecord, ImportMapping
from portal.models.organisations import Organisation
from portal.models.reference import City
from portal.security.permissions import can, ensure
from portal.services import audit, contacts, events, interactions, organisations, records
from portal.services.errors import NotFound, ValidationError
from portal.services.import_cells import (
    _AMBIGUOUS,
    FIELD_DEFAULTS,
    IMPORTABLE,
    VISIBILITY_HEADER,
    CellError,
    Lookups,
    _in_every_locale,
    _key,
    cell_value,
    column_label,
    columns,
)
from portal.services.import_files import MAX_ROWS, SheetRow, read_rows, too_many_rows
from portal.services.import_template import _is_hints_row
from portal.services.organisation_matching import exact_key
from portal.timeutil import utcnow

UNDO_DAYS = 7


def kind_named(name: str) -> Kind:
    if name not in IMPORTABLE:
        raise ValidationError({"kind": str(_l("Choose what the file holds."))})
    return IMPORTABLE[name]


def import_name(kind: Kind) -> str:
    return next(name for name, k in IMPORTABLE.items() if k is kind)


# --- What a column is ------------------------------------------------------------------

# Columns of the portal's own list files that are not fields (a round trip ignores them).
IGNORED_HEADERS = (_l("ID"), _l("City"), _l("Address"))


@lru_cache(maxsize=16)
def _header_names(kind_key: str) -> dict[str, str]:
    kind = kinds.KINDS[kind_key]
    names: dict[str, str] = {}
    for header in IGNORED_HEADERS:
        for text in _in_every_locale(header):
            names[_key(text)] = ""
    for f in columns(kind):
        label = VISIBILITY_HEADER if f.type == FieldType.VISIBILITY else f.label
        for text in (*_in_every_locale(label), *_in_every_locale(f.label)):
            names[_key(text)] = f.name
        names[_key(f.name)] = f.name
        names[_key(f.name.replace("_", " "))] = f.name
    return names


def recognise(kind: Kind, headers: list[Any], remembered: dict[str, str] | None = None):
    """``{column index: field name}`` for the headers a person would recognise: the city's
    remembered mapping first, then the template's labels in any language, the field names.
    A field is taken by its first column only."""
    names = _header_names(kind.key)
    valid = {f.name for f in columns(kind)}
    mapping: dict[int, str] = {}
    for index, header in enumerate(headers):
        key = _key(header)
        if not key:
            continue
        name = (remembered or {}).get(key)
        if name not in valid:
            name = names.get(key)
        if name and name not in mapping.values():
            mapping[index] = name
    return mapping


def _header_row(kind: Kind, rows: list[SheetRow]) -> int:
    """The index in ``rows`` of the header: the first of the top rows naming a field (above
    it a title or a merged group heading), else the first row."""
    names = _header_names(kind.key)
    for index, row in enumerate(rows[:10]):
        if any(names.get(_key(cell)) for cell in row.cells if cell != ""):
            return index
    return 0


# --- The preview ------------------------------------------------------------------------


@dataclass
class Option:
    value: str  # "create", "skip", "existing:<id>", "organisation:<id>"
    label: str


@dataclass
class Row:
    number: int
    cells: dict[str, Any]  # field name -> the cell as the file has it
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    options: list[Option] = field(default_factory=list)  # when there is something to choose
    default: str = "create"
    note: str = ""  # what the row becomes, or why it is offered to be skipped
    fingerprint: str = ""
    new_organisation: str = ""  # a contact's organisation that is not in the registry

    @property
    def valid(self) -> bool:
        return not self.errors


@dataclass
class Preview:
    kind: Kind
    headers: list[tuple[str, str]]  # (the file's header, the field it fills or "")
    rows: list[Row]

    @property
    def invalid(self) -> list[Row]:
        return [r for r in self.rows if not r.valid]

    @property
    def to_choose(self) -> list[Row]:
        return [r for r in self.rows if r.valid and r.options]

    def fields(self) -> list[kinds.Field]:
        names = {name for _header, name in self.headers if name}
        return [f for f in columns(self.kind) if f.name in names]


def _fingerprint(kind: Kind, cells: dict[str, Any]) -> str:
    payload = json.dumps([kind.key, sorted((k, str(v)) for k, v in cells.items())])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _label(row: Any) -> str:
    for attribute in ("display_name", "name_en", "title"):
        value = getattr(row, attribute, None)
        if value:
            return str(value)
    return str(row.id)


CHECKS = {
    "contact": contacts.check,
    "organisation": organisations.check,
    "interaction": interactions.check,
    "event": events.check,
}


def _check(actor: User, kind: Kind, row: Row, lookups: Lookups) -> None:
    """The row's values as its kind's service checks them (writing nothing), and for a
    contact its organisation in the registry: found, to choose among likely ones, or new."""
    values = dict(row.values)
    if kind is kinds.CONTACT:
        name = values.pop("organisation_name", "").strip()
        values["organisation_resolved"] = None
        if name:
            found = lookups.organisations_named(name)
            if len(found) == 1:
                values["organisation_resolved"] = found[0]
            elif len(found) > 1:
                row.errors["organisation_name"] = str(_AMBIGUOUS["organisations"] % {"name": name})
            else:
                row.new_organisation = name
        row.values["organisation_resolved"] = values["organisation_resolved"]
    try:
        CHECKS[kind.key](actor, values)
    except ValidationError as error:
        for name, message in error.errors.items():
            row.errors.setdefault(name or "", message)


def _duplicates(kind: Kind, row: Row, lookups: Lookups) -> None:
    """Offer what the row may already be: for a contact, one of the city's with the same
    e-mail, or the same name at the same organisation; for an organisation, the registry's
    matching; for a contact's new organisation, the registry's likely ones."""
    v = row.values
    if kind is kinds.CONTACT:
        organisation = v.get("organisation_resolved")
        same = lookups.same_contacts(
            v.get("email", ""),
            v.get("family_name", ""),
            v.get("given_name", ""),
            organisation.id if organisation is not None else None,
        )
        for contact_id, shown, _org in same[:3]:
            row.options.append(
                Option(
                    f"existing:{contact_id}",
                    str(_l("Already recorded as %(name)s: do not import", name=shown)),
                )
            )
        if same:
            row.default = row.options[0].value
        if row.new_organisation:
            likely = lookups.likely_organisations(row.new_organisation)
            for org in likely[:3]:
                row.options.append(
                    Option(
                        f"organisation:{org.id}",
                        str(_l("Import, at the registry's %(name)s", name=org.name_en)),
                    )
                )
    elif kind is kinds.ORGANISATION:
        exact = organisations.exact_duplicate(v.get("name_en", ""), v.get("name_zh", ""))
        likely = organisations.likely_duplicates(
            v.get("name_en", ""), v.get("name_zh", ""), v.get("pinyin", "")
        )
        if exact is not None and exact not in likely:
            likely.insert(0, exact)
        for org in likely[:3]:
            row.options.append(
                Option(
                    f"existing:{org.id}",
                    str(_l("The registry's %(name)s: do not add", name=org.name_en)),
                )
            )
        if exact is not None:
            row.default = f"existing:{exact.id}"
    if row.options:
        if kind is kinds.CONTACT and row.new_organisation:
            create = _l("Import, adding %(name)s to the registry", name=row.new_organisation)
        else:
            create = _l("Import as new")
        row.options.insert(0, Option("create", str(create)))
        row.options.append(Option("skip", str(_l("Skip this row"))))


def _already_imported(city: City, kind: Kind, rows: list[Row]) -> None:
    """Rows of an earlier import of the city (not undone) are offered to be skipped."""
    by_print = {r.fingerprint: r for r in rows}
    prints = list(by_print)
    for start in range(0, len(prints), 500):
        found = db.session.execute(
            select(ImportedRecord, ImportBatch)
            .join(ImportBatch, ImportBatch.id == ImportedRecord.batch_id)
            .where(
                ImportBatch.city_id == city.id,
                ImportBatch.state == "done",
                ImportedRecord.kind == kind.key,
                ImportedRecord.fingerprint.in_(prints[start : start + 500]),
            )
        )
        for imported, batch in found:
            row = by_print[imported.fingerprint]
            if row.note:
                continue
            row.note = str(
                _l(
                    "Imported already from %(file)s (row %(row)d).",
                    file=batch.file_name,
                    row=imported.row_number,
                )
            )
            if not any(o.value == "create" for o in row.options):
                row.options.insert(0, Option("create", str(_l("Import again"))))
            if not any(o.value == "skip" for o in row.options):
                row.options.append(Option("skip", str(_l("Skip this row"))))
            row.default = "skip"


def sheet_of(batch: ImportBatch) -> tuple[list[Any], list[SheetRow]]:
    """The batch's header row and the rows below it (a hints row left out)."""
    rows = read_rows(batch.file_name, batch.content or b"")
    kind = IMPORTABLE[batch.kind]
    if not rows:
        raise ValidationError({"file": str(_l("The file has no rows."))})
    at = _header_row(kind, rows)
    header, body = rows[at].cells, rows[at + 1 :]
    if body and _is_hints_row(body[0]):
        body = body[1:]
    if len(body) > MAX_ROWS:
        raise too_many_rows()
    return header, body


def mapping_of(batch: ImportBatch) -> dict[int, str]:
    return {int(k): v for k, v in (batch.mapping or {}).items() if v}


def preview(actor: User, batch: ImportBatch) -> Preview:
    """Every row of the batch's file as what it would become, with its problems and
    choices. Reads only."""
    _ensure_batch(actor, batch)
    kind = IMPORTABLE[batch.kind]
    header, body = sheet_of(batch)
    mapping = mapping_of(batch)
    by_name = {f.name: f for f in columns(kind)}
    lookups = Lookups(actor, batch.city)
    # A field without a column takes what an empty cell gives, where that is a value
    # (private to the city, the family name first); others are left to the checks.
    defaults = {}
    for f in columns(kind):
        if f.name not in mapping.values() and (
            f.type in (FieldType.VISIBILITY, FieldType.FLAG_CHOICE) or f.name in FIELD_DEFAULTS
        ):
            defaults[f.name] = cell_value(kind, f, "", lookups)
    result = []
    for sheet_row in body:
        cells = {
            name: sheet_row.cells[i] if i < len(sheet_row.cells) else ""
            for i, name in mapping.items()
        }
        row = Row(number=sheet_row.number, cells=cells, fingerprint=_fingerprint(kind, cells))
        row.values.update(defaults)
        for name, raw in cells.items():
            try:
                row.values[name] = cell_value(kind, by_name[name], raw, lookups)
            except CellError as problem:
                row.errors[name] = str(problem.args[0])
        if row.valid:
            _check(actor, kind, row, lookups)
        if row.valid:
            _duplicates(kind, row, lookups)
        result.append(row)
    _already_imported(batch.city, kind, result)
    headers = [(str(h), mapping.get(i, "")) for i, h in enumerate(header)]
    return Preview(kind, headers, result)


def row_error_lines(kind: Kind, rows: Iterable[Row]) -> list[str]:
    """Each problem as a line: “row 14, E-mail address: not an e-mail address”."""
    lines = []
    for row in rows:
        for name, message in row.errors.items():
            label = column_label(kind.field(name)) if name in {f.name for f in kind.fields} else ""
            lines.append(
                str(
                    _l(
                        "row %(n)d, %(field)s: %(message)s",
                        n=row.number,
                        field=label,
                        message=message,
                    )
                )
                if label
                else str(_l("row %(n)d: %(message)s", n=row.number, message=message))
            )
    return lines


# --- Batches ----------------------------------------------------------------------------


def _ensure_batch(actor: User, batch: ImportBatch) -> None:
    ensure(actor, "city.create_records", batch.city)
    if batch.kind == "organisations":
        ensure(actor, "organisation.add")


def start(actor: User, city: City, kind_name: str, file_name: str, content: bytes) -> ImportBatch:
    """Keep an uploaded file as a draft batch of ``city`` (nothing else is written), with
    its columns recognised (the city's remembered mapping first). Refuses a file that cannot
    be read (ValidationError on ``file``), a kind the actor may not import (Forbidden)."""
    kind = kind_named(kind_name)
    ensure(actor, "city.create_records", city)
    if kind is kinds.ORGANISATION:
        ensure(actor, "organisation.add")
    batch = ImportBatch(
        city_id=city.id,
        city=city,
        kind=kind_name,
        file_name=(file_name or "import")[-255:],
        content=content,
        created_by_id=getattr(actor, "id", None),
    )
    header, _body = sheet_of(batch)  # refuses what cannot be read before keeping it
    remembered = db.session.scalar(
        select(ImportMapping.mapping).where(
            ImportMapping.city_id == city.id, ImportMapping.kind == kind_name
        )
    )
    batch.mapping = {str(i): name for i, name in recognise(kind, header, remembered).items()}
    db.session.add(batch)
    db.session.flush()
    return batch


def set_mapping(actor: User, batch: ImportBatch, mapping: dict[int, str]) -> None:
    """Say which column fills which field (``""``: not imported); the city's next file of
    the kind starts from it. A field is filled by one column only."""
    _ensure_batch(actor, batch)
    _ensure_draft(batch)
    kind = IMPORTABLE[batch.kind]
    valid = {f.name for f in columns(kind)}
    chosen = [name for name in mapping.values() if name]
    errors = {}
    for index, name in mapping.items():
        if name and name not in valid:
            errors[f"column-{index}"] = str(_l("Choose a field from the list."))
        elif name and chosen.count(name) > 1:
            errors[f"column-{index}"] = str(
                _l("Another column fills this field already: choose one of them.")
            )
    if not chosen:
        errors[""] = str(_l("Choose at least one column to import."))
    if errors:
        raise ValidationError(errors)
    batch.mapping = {str(i): name for i, name in mapping.items() if name}
    header, _body = sheet_of(batch)
    remembered = {_key(header[i]): name for i, name in mapping.items() if name and i < len(header)}
    stored = db.session.scalar(
        select(ImportMapping).where(
            ImportMapping.city_id == batch.city_id, ImportMapping.kind == batch.kind
        )
    )
    if stored is None:
        db.session.add(ImportMapping(city_id=batch.city_id, kind=batch.kind, mapping=remembered))
    else:
        stored.mapping = {**stored.mapping, **remembered}


def _ensure_draft(batch: ImportBatch) -> None:
    if batch.state != "draft":
        raise ValidationError({"": str(_l("This file has been imported already."))})


@dataclass
class Outcome:
    created: int = 0
    linked: int = 0
    skipped: int = 0
    invalid: int = 0
    errors: list[str] = field(default_factory=list)


def _reload(rows: list[Row]) -> None:
    """Load again, a few statements per kind of row, what the rows' values point at (themes,
    organisations, contacts): taking the write lock ended the transaction they were read
    in, and one by one they would be reloaded as each is used."""
    by_model: dict[Any, set[int]] = {}
    for row in rows:
        for value in row.values.values():
            for item in value if isinstance(value, list) else [value]:
                if hasattr(item, "__tablename__") and getattr(item, "id", None) is not None:
                    by_model.setdefault(type(item), set()).add(item.id)
    for model, ids in by_model.items():
        ordered = sorted(ids)
        for start in range(0, len(ordered), 500):
            list(
                db.session.scalars(select(model).where(model.id.in_(ordered[start : start + 500])))
            )


def _choice(row: Row, choices: dict[int, str] | None) -> str:
    """What is done with a row: "invalid", "skip", "create", "existing:<id>" or
    "organisation:<id>"; a choice the row was not offered is its default."""
    if not row.valid:
        return "invalid"
    if not row.options:
        return "skip" if row.default == "skip" else "create"
    choice = (choices or {}).get(row.number, row.default)
    return choice if choice in {o.value for o in row.options} else row.default


def _organisation_for(actor: User, row: Row, choice: str, added: dict[str, Organisation]):
    """A contact row's organisation: the registry's one it names, the one chosen among the
    likely ones, or the new one it names, added once however many rows name it."""
    if choice.startswith("organisation:"):
        return db.session.get(Organisation, int(choice.split(":")[1]))
    if not row.new_organisation:
        return row.values.get("organisation_resolved")
    key = exact_key(row.new_organisation)
    if key not in added:
        try:
            added[key] = organisations.create_organisation(
                actor, {"name_en": row.new_organisation, "kind": "other"}
            )
        except organisations.DuplicateError as duplicate:  # someone added it meanwhile
            added[key] = duplicate.existing
    return added[key]


def _create(actor: User, kind: Kind, city: City, values: dict) -> Any:
    if kind is kinds.CONTACT:
        return contacts.create_contact(actor, city, values)
    if kind is kinds.ORGANISATION:
        return organisations.create_organisation(actor, values)
    if kind is kinds.INTERACTION:
        return interactions.create_interaction(actor, city, values)
    return events.create_event(actor, city, values)


def confirm(
    actor: User,
    batch: ImportBatch,
    choices: dict[int, str] | None = None,
    *,
    skip_invalid: bool = False,
) -> Outcome:
    """Import the batch: every valid row as its choice says (``choices``: row number ->
    an option's value; else the row's default), all in the caller's transaction, so one
    failure leaves nothing. A row with problems refuses the whole import (ValidationError
    listing them) unless ``skip_invalid``. Every created record is audited as created by
    this import (batch, file, who). The draft must be stored (committed) before: on SQLite
    the write lock is taken only for the writing, after the rows are read and checked."""
    _ensure_batch(actor, batch)
    _ensure_draft(batch)
    kind = IMPORTABLE[batch.kind]
    shown = preview(actor, batch)
    outcome = Outcome(invalid=len(shown.invalid), errors=row_error_lines(kind, shown.invalid))
    if shown.invalid and not skip_invalid:
        raise ValidationError({"": "\n".join(outcome.errors)})
    begin_write(db.session)
    # From here on SQLite's write lock is held: the rows were read and checked before it
    # (the kinds' services check each again as they create it). What the preview loaded is
    # reloaded as it is used; a record deleted meanwhile refuses the import.
    stored = db.session.get(ImportBatch, batch.id)
    if stored is None or stored.state != "draft":
        raise ValidationError({"": str(_l("This file has been imported already."))})
    batch = stored
    _reload(shown.rows)
    new_organisations: dict[str, Organisation] = {}
    created: list[tuple[Row, Any]] = []
    detail = f"import {batch.id}: {batch.file_name}, by {getattr(actor, 'email', '')}"
    with audit.part_of(detail):
        try:
            with records.in_bulk():
                for row in shown.rows:
                    choice = _choice(row, choices)
                    if choice == "invalid":
                        continue
                    if choice == "skip":
                        outcome.skipped += 1
                        continue
                    if choice.startswith("existing:"):
                        outcome.linked += 1
                        continue
                    values = dict(row.values)
                    if kind is kinds.CONTACT:
                        values.pop("organisation_name", None)
                        values["organisation_resolved"] = _organisation_for(
                            actor, row, choice, new_organisations
                        )
                    created.append((row, _create(actor, kind, batch.city, values)))
        except ObjectDeletedError as error:
            raise ValidationError(
                {"": str(_l("Something the file names was removed meanwhile: try again."))}
            ) from error
        outcome.created = len(created)
        imported = [
            ImportedRecord(
                batch_id=batch.id,
                kind=kind.key,
                record_id=record.id,
                row_number=row.number,
                fingerprint=row.fingerprint,
            )
            for row, record in created
        ]
        db.session.add_all(imported)
        batch.state = "done"
        batch.imported_at = utcnow()
        batch.content = None  # the records hold what it said; the file is not kept
        batch.rows_created, batch.rows_linked = outcome.created, outcome.linked
        batch.rows_skipped = outcome.skipped + outcome.invalid
        audit.record(
            actor,
            "import.confirm",
            obj=batch,
            city_id=batch.city_id,
            changes={
                "created": [None, outcome.created],
                "linked": [None, outcome.linked],
                "skipped": [None, batch.rows_skipped],
            },
        )
    db.session.flush()
    # An import is how a table grows most at once: SQLite's planner gets its figures before
    # the lists are read again (after the request, or at once for the command line).
    after_request_write(lambda: refresh_stale_statistics(db.session.connection()))
    return outcome


def batches(actor: User, city: City | None, limit: int = 50) -> list[ImportBatch]:
    """The city's imports, newest first (drafts older than a day left out); ``None``: every
    city's, for administrators."""
    ensure(actor, "city.create_records", city)
    since = utcnow() - timedelta(days=1)
    stmt = select(ImportBatch)
    if city is not None:
        stmt = stmt.where(ImportBatch.city_id == city.id)
    return list(
        db.session.scalars(
            stmt.where((ImportBatch.state != "draft") | (ImportBatch.created_at >= since))
            .order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc())
            .limit(limit)
        )
    )


def batch_by_id(actor: User, batch_id: int) -> ImportBatch:
    """A batch of a city the actor imports for; another city's does not exist for them."""
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or not can(actor, "city.create_records", batch.city):
        raise NotFound()
    _ensure_batch(actor, batch)
    return batch


def may_undo(batch: ImportBatch) -> bool:
    return (
        batch.state == "done"
        and batch.imported_at is not None
        and utcnow() - batch.imported_at <= timedelta(days=UNDO_DAYS)
    )


@dataclass
class Undone:
    archived: int = 0
    kept: list[str] = field(default_factory=list)  # changed since: kept, by name


def undo(actor: User, batch: ImportBatch) -> Undone:
    """Archive what the batch created, within UNDO_DAYS of the import; a record changed
    since (its version moved on) or archived already is kept as it is and named."""
    _ensure_batch(actor, batch)
    if not may_undo(batch):
        raise ValidationError({"": str(_l("This import can no longer be undone."))})
    kind = kinds.KINDS[IMPORTABLE[batch.kind].key]
    result = Undone()
    links = db.session.scalars(select(ImportedRecord).where(ImportedRecord.batch_id == batch.id))
    for link in links:
        record = db.session.get(kind.model, link.record_id)
        if record is None:
            continue
        if kind is kinds.ORGANISATION:
            if organisations.withdraw_added(actor, record):
                result.archived += 1
            else:
                result.kept.append(_label(record))
            continue
        if record.version != 1 or record.archived_at is not None:
            result.kept.append(_label(record))
            continue
        records.archive(actor, record)
        result.archived += 1
    batch.state = "undone"
    batch.undone_at = utcnow()
    batch.undone_by_id = getattr(actor, "id", None)
    audit.record(
        actor,
        "import.undo",
        obj=batch,
        city_id=batch.city_id,
        changes={"archived": [None, result.archived], "kept": [None, len(result.kept)]},
    )
    return result
