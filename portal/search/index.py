"""Keeping the search index up to date.

A session hook re-indexes every searchable record that a flush adds, changes or deletes, so
the index changes in the same transaction as the record (an archived record leaves search
when the archiving commits). Bulk updates that bypass the session (an organisation merge)
call ``reindex`` themselves; ``rebuild`` starts over from the records."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Table, delete, event, insert, select, update
from sqlalchemy.orm import Session, scoped_session

from portal import kinds
from portal.models.meetings import AgendaItem, Meeting
from portal.models.search import (
    SearchDocument,
    SearchIndexState,
    search_document_partners,
    search_document_themes,
)
from portal.search import backends
from portal.search.documents import Doc

# The tables themselves, for the bulk statements (typed as tables, not just FROM clauses).
DOCUMENTS: Table = SearchDocument.__table__  # type: ignore[assignment]
STATE: Table = SearchIndexState.__table__  # type: ignore[assignment]
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


def _write(connection, doc: Doc) -> None:
    _remove(connection, doc.kind, [doc.record_id])
    result = connection.execute(
        insert(DOCUMENTS).values(
            kind=doc.kind,
            record_id=doc.record_id,
            city_id=doc.city_id,
            visibility=doc.visibility,
            archived=doc.archived,
            title=doc.title[:300],
            title_zh=doc.title_zh[:200],
            summary=doc.summary[:400],
            body=doc.body,
            year=doc.year,
            status=doc.status,
            place_id=doc.place_id,
        )
    )
    document_id = result.inserted_primary_key[0]
    if doc.theme_ids:
        connection.execute(
            insert(search_document_themes),
            [{"document_id": document_id, "theme_id": t} for t in sorted(set(doc.theme_ids))],
        )
    if doc.partner_ids:
        connection.execute(
            insert(search_document_partners),
            [{"document_id": document_id, "city_id": c} for c in sorted(set(doc.partner_ids))],
        )
    backends.write(connection, document_id, doc.body)
    touch(connection)


def _remove(connection, kind: str, record_ids: list[int]) -> None:
    table = DOCUMENTS
    ids = list(
        connection.scalars(
            select(table.c.id).where(table.c.kind == kind, table.c.record_id.in_(record_ids))
        )
    )
    if ids:
        backends.forget(connection, ids)
        connection.execute(
            delete(search_document_themes).where(search_document_themes.c.document_id.in_(ids))
        )
        connection.execute(
            delete(search_document_partners).where(search_document_partners.c.document_id.in_(ids))
        )
        connection.execute(delete(table).where(table.c.id.in_(ids)))
        touch(connection)


def touch(connection) -> None:
    """Give the index a new state token (see SearchIndexState), in the caller's transaction."""
    state = STATE
    token = uuid.uuid4().hex
    if connection.execute(update(state).where(state.c.id == 1).values(token=token)).rowcount == 0:
        connection.execute(insert(state).values(id=1, token=token))


def current_token(session: AnySession) -> str | None:
    """The index's state token; None before the first write (nothing may be cached then)."""
    return session.scalar(select(SearchIndexState.token).where(SearchIndexState.id == 1))


def _after_flush(session: AnySession, _context) -> None:
    connection = session.connection()
    # A meeting's document holds its agenda: a changed item re-indexes its meeting.
    meetings = {
        obj.meeting_id
        for obj in list(session.new) + list(session.dirty) + list(session.deleted)
        if isinstance(obj, AgendaItem) and obj.meeting_id is not None
    }
    for obj in list(session.new) + list(session.dirty):
        if type(obj) in KINDS and obj.id is not None:
            _write(connection, document_for(obj))
            if isinstance(obj, Meeting):
                meetings.discard(obj.id)
    for meeting_id in meetings:
        meeting = session.get(Meeting, meeting_id)
        if meeting is not None:
            _write(connection, document_for(meeting))
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


CHUNK = 2000


def _write_many(connection, docs: list[Doc]) -> None:
    """Insert many new documents at once (the index must not hold them yet)."""
    table = DOCUMENTS
    ids = connection.scalars(
        insert(table).returning(table.c.id, sort_by_parameter_order=True),
        [
            dict(
                kind=d.kind,
                record_id=d.record_id,
                city_id=d.city_id,
                visibility=d.visibility,
                archived=d.archived,
                title=d.title[:300],
                title_zh=d.title_zh[:200],
                summary=d.summary[:400],
                body=d.body,
                year=d.year,
                status=d.status,
                place_id=d.place_id,
            )
            for d in docs
        ],
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
    backends.write_many(connection, [(i, d.body) for i, d in zip(ids, docs, strict=True)])
    touch(connection)


def rebuild(session: AnySession) -> dict[str, int]:
    """Empty the index and build it again from every record (flask search rebuild), a
    chunk of records at a time with what the documents need loaded in bulk."""
    connection = session.connection()
    table = DOCUMENTS
    backends.clear(connection)
    connection.execute(delete(search_document_themes))
    connection.execute(delete(search_document_partners))
    connection.execute(delete(table))
    touch(connection)
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
                    .limit(CHUNK)
                    .options(*kinds.of(model).eager)
                )
                .unique()
                .all()
            )
            if not records:
                break
            _write_many(connection, [document_for(r) for r in records])
            counts[kind] += len(records)
            last_id = records[-1].id
            session.expunge_all()
    return counts
