"""Keeping the search index up to date.

A session hook re-indexes every searchable record that a flush adds, changes or deletes, so
the index changes in the same transaction as the record (an archived record leaves search
when the archiving commits). Bulk updates that bypass the session (an organisation merge)
call ``reindex`` themselves; ``rebuild`` starts over from the records."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import delete, event, insert, select, update
from sqlalchemy.orm import Session, selectinload

from portal.models.agreements import Agreement
from portal.models.contacts import Contact, Interaction
from portal.models.events import Event
from portal.models.expertise import ExpertiseOffer
from portal.models.meetings import AgendaItem, Meeting
from portal.models.organisations import Organisation
from portal.models.projects import Project
from portal.models.search import (
    SearchDocument,
    SearchIndexState,
    search_document_partners,
    search_document_themes,
)
from portal.search import backends
from portal.search.text import index_text

KINDS = {
    Organisation: "organisation",
    Contact: "contact",
    Interaction: "interaction",
    Project: "project",
    Event: "event",
    Agreement: "agreement",
    ExpertiseOffer: "expertise",
    Meeting: "meeting",
}
MODELS = {kind: model for model, kind in KINDS.items()}


@dataclass
class Doc:
    kind: str
    record_id: int
    city_id: int | None
    visibility: str
    archived: bool
    title: str
    body: str
    title_zh: str = ""
    summary: str = ""
    year: int | None = None
    status: str = ""
    place_id: int | None = None
    theme_ids: list[int] = field(default_factory=list)
    partner_ids: list[int] = field(default_factory=list)


def _short(text: str | None, n: int = 300) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _first_place(organisations) -> int | None:
    return next((o.place_id for o in organisations if o.place_id), None)


def document_for(record) -> Doc:
    """What the index holds for a record."""
    kind = KINDS[type(record)]
    if isinstance(record, Organisation):
        return Doc(
            kind,
            record.id,
            None,
            "network",
            not record.live,
            record.name_en,
            index_text([record.name_en, record.name_zh, record.pinyin], [record.notes]),
            title_zh=record.name_zh,
            summary=_short(record.pinyin),
            place_id=record.place_id,
        )
    if isinstance(record, Meeting):
        # Every user sees a meeting's details; its agenda is searchable once published.
        items = (
            [i for i in record.items if i.status == "accepted"] if record.status != "draft" else []
        )
        host = record.host_city
        return Doc(
            kind,
            record.id,
            record.host_city_id,
            "network",
            False,
            record.title,
            index_text(
                [record.title, record.venue, host.name_fi if host else ""],
                [t for i in items for t in (i.title, i.description, i.decision)],
            ),
            summary=_short(
                ", ".join(p for p in (record.held_on.strftime("%d.%m.%Y"), record.venue) if p)
            ),
            year=record.held_on.year,
            status=record.status,
        )
    common = dict(
        city_id=record.city_id,
        visibility=record.visibility,
        archived=record.archived_at is not None,
        theme_ids=[t.id for t in record.themes if t is not None],
    )
    if isinstance(record, Contact):
        org = record.organisation
        return Doc(
            kind,
            record.id,
            title=record.display_name,
            title_zh=record.name_zh,
            summary=_short(", ".join(p for p in (record.title, org.name_en if org else "") if p)),
            body=index_text(
                [
                    record.display_name,
                    record.name_zh,
                    record.pinyin,
                    org.name_en if org else "",
                    org.name_zh if org else "",
                ],
                [record.title, record.email, record.wechat, record.languages, record.notes],
            ),
            year=record.created_at.year if record.created_at else None,
            place_id=org.place_id if org else None,
            **common,
        )
    if isinstance(record, Interaction):
        return Doc(
            kind,
            record.id,
            title=record.title,
            summary=_short(record.summary),
            body=index_text(
                [
                    record.title,
                    *(o.name_en for o in record.organisations),
                    *(o.name_zh for o in record.organisations),
                ],
                [record.summary],
            ),
            year=record.occurred_on.year,
            place_id=_first_place(record.organisations),
            **common,
        )
    if isinstance(record, Project):
        return Doc(
            kind,
            record.id,
            title=record.title,
            summary=_short(record.description),
            body=index_text(
                [
                    record.title,
                    *(o.name_en for o in record.organisations),
                    *(o.name_zh for o in record.organisations),
                ],
                [record.description, record.outcomes],
            ),
            year=record.starts_on.year if record.starts_on else None,
            status=record.status,
            place_id=_first_place(record.organisations),
            partner_ids=[c.id for c in record.partner_cities],
            **common,
        )
    if isinstance(record, Event):
        return Doc(
            kind,
            record.id,
            title=record.title,
            summary=_short(record.description),
            body=index_text(
                [
                    record.title,
                    record.place_text,
                    *(o.name_en for o in record.organisations),
                    record.place_china.name_en if record.place_china else "",
                    record.place_china.name_zh if record.place_china else "",
                ],
                [record.description],
            ),
            year=record.starts_on.year,
            place_id=record.place_china_id or _first_place(record.organisations),
            **common,
        )
    if isinstance(record, Agreement):
        place = record.counterpart_place
        return Doc(
            kind,
            record.id,
            title=record.title,
            summary=_short(record.summary),
            body=index_text(
                [
                    record.title,
                    place.name_en if place else "",
                    place.name_zh if place else "",
                    *(o.name_en for o in record.organisations),
                ],
                [record.summary, *(t.title for t in record.plan_themes)],
            ),
            year=record.signed_on.year if record.signed_on else None,
            status=record.status,
            place_id=record.counterpart_place_id or _first_place(record.organisations),
            **common,
        )
    if isinstance(record, ExpertiseOffer):
        return Doc(
            kind,
            record.id,
            title=record.title,
            summary=_short(record.description),
            body=index_text(
                [record.title, record.theme.name_en if record.theme else ""],
                [record.description],
            ),
            year=record.created_at.year if record.created_at else None,
            **common,
        )
    raise TypeError(kind)


def _write(connection, doc: Doc) -> None:
    _remove(connection, doc.kind, [doc.record_id])
    result = connection.execute(
        insert(SearchDocument.__table__).values(
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
    table = SearchDocument.__table__
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
    state = SearchIndexState.__table__
    token = uuid.uuid4().hex
    if connection.execute(update(state).where(state.c.id == 1).values(token=token)).rowcount == 0:
        connection.execute(insert(state).values(id=1, token=token))


def current_token(session: Session) -> str | None:
    """The index's state token; None before the first write (nothing may be cached then)."""
    return session.scalar(select(SearchIndexState.token).where(SearchIndexState.id == 1))


def _after_flush(session: Session, _context) -> None:
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


def reindex(session: Session, model, condition) -> int:
    """Re-index the records of ``model`` matching ``condition`` (after a bulk update)."""
    records = session.scalars(select(model).where(condition)).all()
    connection = session.connection()
    for record in records:
        _write(connection, document_for(record))
    return len(records)


# What document_for reads of each kind, loaded in bulk for a rebuild.
EAGER = {
    Organisation: [],
    Contact: [selectinload(Contact.organisation), selectinload(Contact.themes)],
    Interaction: [selectinload(Interaction.organisations), selectinload(Interaction.themes)],
    Project: [
        selectinload(Project.organisations),
        selectinload(Project.themes),
        selectinload(Project.partner_cities),
    ],
    Event: [
        selectinload(Event.organisations),
        selectinload(Event.themes),
        selectinload(Event.place_china),
    ],
    Agreement: [
        selectinload(Agreement.organisations),
        selectinload(Agreement.themes),
        selectinload(Agreement.counterpart_place),
        selectinload(Agreement.plan_themes),
    ],
    ExpertiseOffer: [selectinload(ExpertiseOffer.theme)],
    Meeting: [selectinload(Meeting.items), selectinload(Meeting.host_city)],
}
CHUNK = 2000


def _write_many(connection, docs: list[Doc]) -> None:
    """Insert many new documents at once (the index must not hold them yet)."""
    table = SearchDocument.__table__
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


def rebuild(session: Session) -> dict[str, int]:
    """Empty the index and build it again from every record (flask search rebuild), a
    chunk of records at a time with what the documents need loaded in bulk."""
    connection = session.connection()
    table = SearchDocument.__table__
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
                    .options(*EAGER[model])
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
