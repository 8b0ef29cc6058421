"""Data subjects' rights (issue 13, GDPR Articles 15 and 17), for a city's data protection
officers: finding a person among the city's contacts, everything the city holds on them
(the subject access report), and erasure for real.

Only the city's own data: a report lists the records the city owns that name the person,
never another city's (that city answers for its own); an erasure removes the person from
the city's records and from every free text the portal keeps (the audit log's values, mails,
papers' link lists, the search index), leaving in the audit log only that an erasure was made,
by whom, when and why."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, String, Text, cast, delete, func, or_, select, update

from portal.extensions import db
from portal.kinds import CONTACT, EVENT, INTERACTION, KINDS
from portal.models.accounts import User
from portal.models.audit import AuditEvent
from portal.models.contacts import Contact, Interaction, interaction_contacts
from portal.models.events import Event, event_contacts
from portal.models.imports import ImportBatch, ImportedRecord
from portal.security.permissions import ensure
from portal.services import access_log, audit
from portal.services.errors import NotFound, ValidationError
from portal.textfold import fold, like_pattern
from portal.timeutil import utcnow

ERASED = "[erased]"
# Tables an erasure never rewrites: accounts and sessions (the portal's users, not data
# subjects), reference data, the search index (rebuilt for the records it touches), the
# append-only access log (it holds ids, never names) and the migrations' own table.
NOT_SCRUBBED = frozenset(
    {
        "users",
        "user_sessions",
        "password_set_tokens",
        "login_attempts",
        "calendar_tokens",
        "cities",
        "themes",
        "chinese_places",
        "city_partnerships",
        "meeting_series",
        "search_documents",
        "search_document_themes",
        "search_document_partners",
        "search_index_state",
        "search_index_parts",
        "personal_data_log",
        "alembic_version",
    }
)


def person(actor: User, contact_id: int) -> Contact:
    """A contact of a city whose data protection the actor holds; another's is not found."""
    contact = db.session.get(Contact, contact_id)
    if contact is None or contact.city_id != getattr(actor, "city_id", None):
        raise NotFound()
    ensure(actor, "city.data_protection", contact.city)
    return contact


def find_people(actor: User, city, query: str, limit: int = 50) -> list[Contact]:
    """The city's contacts (archived too) matching a name in any script, an e-mail
    address or a WeChat ID (the list filters' text holds them all), or a phone number
    however it is spaced."""
    ensure(actor, "city.data_protection", city)
    query = (query or "").strip()
    if len(query) < 2:
        return []
    own = select(Contact).where(Contact.city_id == city.id)
    found = list(
        db.session.scalars(
            own.where(Contact.search_text.like(like_pattern(fold(query)), escape="\\"))
            .order_by(Contact.family_name, Contact.given_name, Contact.id)
            .limit(limit)
        )
    )
    digits = "".join(ch for ch in query if ch.isdigit())
    if len(digits) >= 5:
        # Candidates by the last four digits, then the whole number digit by digit.
        for contact in db.session.scalars(
            own.where(Contact.phone.contains(digits[-4:], autoescape=True)).limit(500)
        ):
            same = digits in "".join(ch for ch in contact.phone if ch.isdigit())
            if same and contact not in found:
                found.append(contact)
    return found[:limit]


@dataclass
class SubjectReport:
    contact: Contact
    generated_at: datetime
    fields: list[tuple[str, str]]
    interactions: list[Interaction]
    events: list[Event]
    history: list[Any]
    log: list[Any]
    shared: bool
    themes: list[str] = field(default_factory=list)


def _field_rows(actor: User, contact: Contact) -> list[tuple[str, str]]:
    from portal.services.exports import _value

    return [(str(f.label), str(_value(actor, contact, f))) for f in CONTACT.fields]


def report(actor: User, contact_id: int) -> SubjectReport:
    """Everything the city holds on one person: the contact record, its history, the
    city's interactions and events naming them, the legal basis and source, whether it is
    shared with the network, and who processed it (the access log). Logged as a report."""
    contact = person(actor, contact_id)
    interactions = list(
        db.session.scalars(
            select(Interaction)
            .join(interaction_contacts, interaction_contacts.c.interaction_id == Interaction.id)
            .where(
                interaction_contacts.c.contact_id == contact.id,
                Interaction.city_id == contact.city_id,
            )
            .order_by(Interaction.occurred_on.desc())
        )
    )
    events = list(
        db.session.scalars(
            select(Event)
            .join(event_contacts, event_contacts.c.event_id == Event.id)
            .where(event_contacts.c.contact_id == contact.id, Event.city_id == contact.city_id)
            .order_by(Event.starts_on.desc())
        )
    )
    result = SubjectReport(
        contact=contact,
        generated_at=utcnow(),
        fields=_field_rows(actor, contact),
        interactions=interactions,
        events=events,
        history=audit.history_for(actor, contact),
        log=access_log.entries_for(actor, contact),
        shared=contact.visibility == "network",
    )
    access_log.record_read(actor, [contact], "report")
    return result


def report_data(result: SubjectReport) -> dict[str, Any]:
    """The report as data (the machine-readable copy, Article 15(3) and 20)."""
    contact = result.contact
    return {
        "generated_at": result.generated_at.isoformat(),
        "controller": contact.city.name_fi,
        "person": {label: value for label, value in result.fields},
        "shared_with": "the C21 network (all its member cities)"
        if result.shared
        else "no one outside the city",
        "interactions": [
            {
                "date": i.occurred_on.isoformat() if i.occurred_on else None,
                "kind": i.kind,
                "title": i.title,
                "summary": i.summary,
            }
            for i in result.interactions
        ],
        "events": [
            {
                "first_day": e.starts_on.isoformat() if e.starts_on else None,
                "title": e.title,
                "description": e.description,
            }
            for e in result.events
        ],
        "history": [
            {"at": h.at.isoformat(), "by": h.actor_email, "action": h.action, "changes": h.changes}
            for h in result.history
        ],
        "access_log": [
            {"at": e.at.isoformat(), "by": e.user_email, "action": e.action, "page": e.page}
            for e in result.log
        ],
    }


# --- Restriction (Article 18) ------------------------------------------------------------


def restrict(actor: User, contact_id: int, reason: str) -> Contact:
    """Restrict a person's data: the contact is kept, hidden from everyone but the city's
    data protection officers (lists, search, exports, pickers, the pages naming them) and
    changed by no one until the restriction is lifted. Audited with the reason."""
    contact = person(actor, contact_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": str(_l("Say why the data is restricted."))})
    if len(reason) > 400:
        raise ValidationError({"reason": str(_l("Use at most %(n)d characters.", n=400))})
    if contact.restricted_at is None:
        contact.restricted_at = utcnow()
        contact.restriction_reason = reason
        db.session.flush()
        audit.record(actor, "contact.restrict", obj=contact, detail=reason)
        access_log.record(actor, [contact], "restrict")
    return contact


def lift_restriction(actor: User, contact_id: int) -> Contact:
    """Lift a restriction: the contact is back in lists and search for those who may see it."""
    contact = person(actor, contact_id)
    if contact.restricted_at is not None:
        contact.restricted_at = None
        contact.restriction_reason = ""
        db.session.flush()
        audit.record(actor, "contact.lift_restriction", obj=contact)
        access_log.record(actor, [contact], "lift")
    return contact


# --- Erasure -----------------------------------------------------------------------------


def _identifiers(contact: Contact) -> list[str]:
    """What identifies the person in free text: the name in every order and script, the
    e-mail, the phone, the WeChat ID. A single short name part ("Li") is not among them:
    it would blank other people and ordinary words."""
    latin = [p for p in (contact.family_name, contact.given_name) if p]
    candidates = {
        contact.display_name,
        " ".join(latin),
        " ".join(reversed(latin)),
        contact.name_zh,
        contact.pinyin,
        contact.email,
        contact.phone,
        contact.wechat,
    }
    candidates.update(p for p in latin if len(p) >= 4 and len(latin) == 1)
    found = {c.strip() for c in candidates if c and len(c.strip()) >= 2}
    # Longest first: "Wang Lei" before "Wang".
    return sorted(found, key=len, reverse=True)


def _scrub_value(value: Any, identifiers: list[str]) -> Any:
    if isinstance(value, str):
        for text in identifiers:
            value = value.replace(text, ERASED)
        return value
    if isinstance(value, list):
        return [_scrub_value(v, identifiers) for v in value]
    if isinstance(value, dict):
        return {k: _scrub_value(v, identifiers) for k, v in value.items()}
    return value


def _scrub_tables(identifiers: list[str], city_id: int) -> dict[str, list[int]]:
    """Every text and JSON column of every table but NOT_SCRUBBED, rows holding one of
    ``identifiers`` rewritten with it replaced: of a table with a city, that city's rows
    only (another city is the controller of its own records), but the audit log whole.
    Returns the ids of the records of each kind that changed (their search documents are
    rebuilt)."""
    changed: dict[str, list[int]] = {}
    tables = {t.name: t for t in db.metadata.sorted_tables}
    kinds_by_table = {k.model.__tablename__: k.key for k in KINDS.values()}
    for name, table in tables.items():
        if name in NOT_SCRUBBED or "id" not in table.c:
            continue
        texts = [c for c in table.c if isinstance(c.type, String | Text) and not c.foreign_keys]
        jsons = [c for c in table.c if isinstance(c.type, JSON)]
        by_city = "city_id" in table.c and name != "audit_events"
        own = table.c.city_id == city_id if by_city else None
        for column in texts:
            hits = or_(*(column.contains(t, autoescape=True) for t in identifiers))
            if own is not None:
                hits = hits & own
            ids = list(db.session.scalars(select(table.c.id).where(hits)))
            if not ids:
                continue
            replaced: Any = column
            for text in identifiers:
                replaced = func.replace(replaced, text, ERASED)
            db.session.execute(update(table).where(table.c.id.in_(ids)).values({column: replaced}))
            if name in kinds_by_table:
                changed.setdefault(kinds_by_table[name], []).extend(ids)
        for column in jsons:
            hits = or_(*(cast(column, Text).contains(t, autoescape=True) for t in identifiers))
            if own is not None:
                hits = hits & own
            for row_id, value in db.session.execute(select(table.c.id, column).where(hits)):
                scrubbed = _scrub_value(value, identifiers)
                if json.dumps(scrubbed) != json.dumps(value):
                    db.session.execute(
                        update(table).where(table.c.id == row_id).values({column: scrubbed})
                    )
    return changed


@dataclass
class Erased:
    interactions: int
    events: int
    rewritten: dict[str, int]


def erase(actor: User, contact_id: int, reason: str) -> Erased:
    """Erase a person for real (Article 17): the contact row is deleted, not archived; the
    person leaves the city's interactions and events and every free text the portal keeps
    (replaced by "[erased]"), the audit history's values about them included; the search
    index is rebuilt for every record touched. The audit log keeps that the erasure was made,
    by whom, when and why, without the erased values; the access log keeps its ids."""
    contact = person(actor, contact_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": str(_l("Say why the person is erased (for the log)."))})
    if len(reason) > 400:
        raise ValidationError({"reason": str(_l("Use at most %(n)d characters.", n=400))})
    identifiers = _identifiers(contact)
    city_id, person_id = contact.city_id, contact.id
    linked_interactions = list(
        db.session.scalars(
            select(Interaction)
            .join(interaction_contacts, interaction_contacts.c.interaction_id == Interaction.id)
            .where(interaction_contacts.c.contact_id == person_id)
        )
    )
    linked_events = list(
        db.session.scalars(
            select(Event)
            .join(event_contacts, event_contacts.c.event_id == Event.id)
            .where(event_contacts.c.contact_id == person_id)
        )
    )
    for interaction in linked_interactions:
        interaction.contacts = [c for c in interaction.contacts if c.id != person_id]
    for event in linked_events:
        event.contacts = [c for c in event.contacts if c.id != person_id]
    # The history of the contact itself: what it said goes, that it existed stays.
    db.session.execute(
        update(AuditEvent)
        .where(AuditEvent.object_type == "contacts", AuditEvent.object_id == person_id)
        .values(changes={}, detail="")
    )
    db.session.execute(
        delete(ImportedRecord).where(
            ImportedRecord.kind == "contact", ImportedRecord.record_id == person_id
        )
    )
    # Files waiting to be imported may list the person; they are dropped, not read.
    db.session.execute(
        delete(ImportBatch).where(ImportBatch.city_id == city_id, ImportBatch.state == "draft")
    )
    access_log.record(actor, [contact], "erase")
    db.session.delete(contact)
    db.session.flush()
    changed = _scrub_tables(identifiers, city_id)
    db.session.expire_all()
    from portal.search import index

    for kind_key, ids in changed.items():
        model = KINDS[kind_key].model
        for record in db.session.scalars(select(model).where(model.id.in_(ids))):
            KINDS[kind_key].index(record)
        index.reindex(db.session, model, model.id.in_(ids))
    for kind, records in ((INTERACTION, linked_interactions), (EVENT, linked_events)):
        ids = [r.id for r in records]
        if ids:
            for record in db.session.scalars(select(kind.model).where(kind.model.id.in_(ids))):
                kind.index(record)
            index.reindex(db.session, kind.model, kind.model.id.in_(ids))
    gone = SimpleNamespace(__tablename__="contacts", id=person_id, city_id=city_id)
    audit.record(actor, "contact.erase", obj=gone, detail=reason, changes={"erased": [None, True]})
    db.session.flush()
    return Erased(
        interactions=len(linked_interactions),
        events=len(linked_events),
        rewritten={k: len(v) for k, v in changed.items()},
    )
