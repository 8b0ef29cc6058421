"""Keeping the search index up to date.

A session hook re-indexes every searchable record that a flush adds, changes or deletes, so
the index changes in the same transaction as the record (an archived record leaves search
when the archiving commits). Bulk updates that bypass the session (an organisation merge)
call ``reindex`` themselves; ``rebuild`` starts over from the records."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table, delete, event, exists, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, scoped_session

from portal import kinds
from portal.models.meetings import AgendaItem, Meeting
from portal.models.search import (
    SearchDocument,
    SearchIndexPart,
    SearchIndexState,
    search_document_partners,
    search_document_themes,
)
from portal.search import backends, marks
from portal.search.documents import Doc

# The tables themselves, for the bulk statements (typed as tables, not just FROM clauses).
DOCUMENTS: Table = SearchDocument.__table__  # type: ignore[assignment]
STATE: Table = SearchIndexState.__table__  # type: ignore[assignment]
PARTS: Table = SearchIndexPart.__table__  # type: ignore[assignment]
# A session, or the application's scoped session that stands for one.
AnySession = Session | scoped_session[Any]

# The searchable kinds of the registry, by model.
KINDS = {k.model: k.key for k in kinds.searchable()}
MODELS = {key: model for model, key in KINDS.items()}


def document_for(record) -> Doc:
    """What the index holds for a record (the registry names the function per kind)."""
    document = kinds.of(record).document
    if document is None:
        raise TypeError(f"{type(record).__name__} is not searchable")
    return document(record)


def _body(doc: Doc) -> str:
    """The indexed text: the document's words and its marks (portal.search.marks)."""
    return marks.marked(
        doc.body,
        marks.of_document(
            kind_=doc.kind,
            city_id=doc.city_id,
            visibility=doc.visibility,
            archived=doc.archived,
            partner_ids=doc.partner_ids,
            theme_ids=doc.theme_ids,
            place_id=doc.place_id,
            year_=doc.year,
            status_=doc.status,
        ),
    )


def _row(doc: Doc) -> dict[str, Any]:
    return dict(
        kind=doc.kind,
        record_id=doc.record_id,
        city_id=doc.city_id,
        visibility=doc.visibility,
        archived=doc.archived,
        title=doc.title[:300],
        title_zh=doc.title_zh[:200],
        summary=doc.summary[:400],
        body=_body(doc),
        year=doc.year,
        status=doc.status,
        place_id=doc.place_id,
    )


def _write(connection, doc: Doc) -> None:
    _remove(connection, doc.kind, [doc.record_id])
    _write_many(connection, [doc])


def _remove(connection, kind: str, record_ids: list[int]) -> None:
    table = DOCUMENTS
    found = connection.execute(
        select(table.c.id, table.c.city_id).where(
            table.c.kind == kind, table.c.record_id.in_(record_ids)
        )
    ).all()
    ids = [i for i, _city in found]
    if ids:
        backends.forget(connection, ids)
        connection.execute(
            delete(search_document_themes).where(search_document_themes.c.document_id.in_(ids))
        )
        connection.execute(
            delete(search_document_partners).where(search_document_partners.c.document_id.in_(ids))
        )
        connection.execute(delete(table).where(table.c.id.in_(ids)))
        touch(connection, {(kind, city) for _i, city in found})


# The part of the records of no city (the organisations of the shared directory): its row's
# city, as the table's key cannot hold NULL; no city has this id.
NO_CITY = 0


def _stored(city: int | None) -> int:
    return NO_CITY if city is None else city


def touch(connection, parts: Iterable[tuple[str, int | None]] = ()) -> None:
    """Give the index a new state token (see SearchIndexState), and each of ``parts`` (the
    kind and city of records written, None for records of no city) one of its own
    (SearchIndexPart), in the caller's transaction. The index's own row first: PostgreSQL
    locks the rows until commit, and a writer holding a part's row holds the index's already,
    so no two writers can each wait for a row the other holds (their parts taken in one
    statement, in order)."""
    state = STATE
    token = uuid.uuid4().hex
    if connection.execute(update(state).where(state.c.id == 1).values(token=token)).rowcount == 0:
        connection.execute(insert(state).values(id=1, token=token))
    rows = [
        {"kind": kind, "city_id": city, "token": uuid.uuid4().hex}
        for kind, city in sorted({(kind, _stored(city)) for kind, city in parts})
    ]
    if rows:
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        upsert = dialect.insert(PARTS).values(rows)
        connection.execute(
            upsert.on_conflict_do_update(
                index_elements=[PARTS.c.kind, PARTS.c.city_id],
                set_={"token": upsert.excluded.token},
            )
        )


def current_token(session: AnySession) -> str | None:
    """The index's state token; None before the first write (nothing may be cached then)."""
    return session.scalar(select(SearchIndexState.token).where(SearchIndexState.id == 1))


def part_tokens(session: AnySession, kinds_: Iterable[str]) -> dict[tuple[str, int | None], str]:
    """The tokens of the parts of ``kinds_`` (by kind and city, None for the records of no
    city); a part not among them has had no record indexed since the tokens were made."""
    parts = PARTS
    rows = session.execute(
        select(parts.c.kind, parts.c.city_id, parts.c.token).where(parts.c.kind.in_(list(kinds_)))
    )
    return {(kind, None if city == NO_CITY else city): token for kind, city, token in rows}


def _after_flush(session: AnySession, _context) -> None:
    connection = session.connection()
    # A meeting's document holds its agenda: a changed item re-indexes its meeting.
    meetings = {
        obj.meeting_id
        for obj in list(session.new) + list(session.dirty) + list(session.deleted)
        if isinstance(obj, AgendaItem) and obj.meeting_id is not None
    }
    docs = []
    for obj in list(session.new) + list(session.dirty):
        if type(obj) in KINDS and obj.id is not None:
            docs.append(document_for(obj))
            if isinstance(obj, Meeting):
                meetings.discard(obj.id)
    for meeting_id in meetings:
        meeting = session.get(Meeting, meeting_id)
        if meeting is not None:
            docs.append(document_for(meeting))
    # Many records in one flush (an import) are written in a few statements, not a few each.
    by_kind: dict[str, list[int]] = {}
    for doc in docs:
        by_kind.setdefault(doc.kind, []).append(doc.record_id)
    for kind, ids in by_kind.items():
        for start in range(0, len(ids), CHUNK):
            _remove(connection, kind, ids[start : start + CHUNK])
    for start in range(0, len(docs), CHUNK):
        _write_many(connection, docs[start : start + CHUNK])
    for obj in session.deleted:
        if type(obj) in KINDS:
            _remove(connection, KINDS[type(obj)], [obj.id])


def install(session_target) -> None:
    """Hook the indexer into the application's sessions (once, at start-up)."""
    if not event.contains(session_target, "after_flush", _after_flush):
        event.listen(session_target, "after_flush", _after_flush)


def reindex(session: AnySession, model, condition) -> int:
    """Re-index the records of ``model`` matching ``condition`` (after a bulk update)."""
    records = session.scalars(select(model).where(condition)).all()
    connection = session.connection()
    for record in records:
        _write(connection, document_for(record))
    return len(records)


# Records re-indexed per transaction by a rebuild: a fraction of a second of the write lock.
CHUNK = 500


def _write_many(connection, docs: list[Doc]) -> None:
    """Insert documents (the index must not hold them yet)."""
    table = DOCUMENTS
    rows = [_row(d) for d in docs]
    if len(rows) == 1:  # RETURNING for one row is plain inserted_primary_key
        ids = [connection.execute(insert(table).values(rows[0])).inserted_primary_key[0]]
    else:
        ids = connection.scalars(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
        ).all()
    themes = [
        {"document_id": i, "theme_id": t}
        for i, d in zip(ids, docs, strict=True)
        for t in sorted(set(d.theme_ids))
    ]
    partners = [
        {"document_id": i, "city_id": c}
        for i, d in zip(ids, docs, strict=True)
        for c in sorted(set(d.partner_ids))
    ]
    if themes:
        connection.execute(insert(search_document_themes), themes)
    if partners:
        connection.execute(insert(search_document_partners), partners)
    backends.write_many(
        connection,
        [
            {"id": i, "kind": r["kind"], "record_id": r["record_id"], "body": r["body"]}
            for i, r in zip(ids, rows, strict=True)
        ],
    )
    touch(connection, {(d.kind, d.city_id) for d in docs})


def rebuild(session: AnySession, *, chunk: int = CHUNK) -> dict[str, int]:
    """Build the index again from every record (flask search rebuild, and after a restore
    or a copy): a chunk of records at a time, each in a short write transaction of its own
    that replaces their documents, so that the portal keeps serving (and its users keep
    saving) while it runs, and search finds every record throughout. Documents left over
    from records that no longer exist go at the end. Commits as it goes."""
    from portal.database import refresh_statistics, write_intent

    token = write_intent.set(True)  # each chunk's transaction takes the write lock first
    try:
        session.commit()
        counts = {}
        for model, kind in KINDS.items():
            counts[kind] = 0
            last_id = 0
            while True:
                records = (
                    session.scalars(
                        select(model)
                        .where(model.id > last_id)
                        .order_by(model.id)
                        .limit(chunk)
                        .options(*kinds.of(model).eager)
                    )
                    .unique()
                    .all()
                )
                if not records:
                    break
                connection = session.connection()
                _remove(connection, kind, [r.id for r in records])
                _write_many(connection, [document_for(r) for r in records])
                counts[kind] += len(records)
                last_id = records[-1].id
                session.commit()
                session.expunge_all()
            _remove_orphans(session, model, kind)
        refresh_statistics(session.connection())
        session.commit()
        return counts
    finally:
        write_intent.reset(token)


def _remove_orphans(session: AnySession, model, kind: str) -> None:
    """Forget the documents of ``kind`` whose record is gone, in one transaction.

    NOT EXISTS, not NOT IN: PostgreSQL cannot hash a NOT IN list that does not fit in its
    working memory (300,000 interactions do not), and then scans the records once per
    document; the full-scale rebuild ran for hours in this one statement."""
    table = DOCUMENTS
    gone = ~exists().where(model.id == table.c.record_id)
    record_ids = list(session.scalars(select(table.c.record_id).where(table.c.kind == kind, gone)))
    for start in range(0, len(record_ids), CHUNK):
        _remove(session.connection(), kind, record_ids[start : start + CHUNK])
    session.commit()
