"""Creating and changing records through the API (issue 16): the kinds' own create and update
services (their validation, the version check, audit, the access log and search indexing),
with the JSON body read by a schema generated from the registry of kinds. Linked rows are
given by id and must be ones the user may see; a stale version answers 409 with both
versions."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from flask_login import current_user
from marshmallow import Schema, fields
from sqlalchemy import select

from portal import kinds
from portal.api.schemas import _api_fields, field_for, whole
from portal.extensions import db
from portal.kinds import FieldType, Kind
from portal.models.accounts import User
from portal.models.reference import ChinesePlace, City, Theme
from portal.security.permissions import READ, can
from portal.services import agreements, contacts, events, expertise, interactions, projects
from portal.services.errors import ValidationError

SERVICES: dict[str, tuple[Any, Any]] = {
    "contact": (contacts.create_contact, contacts.update_contact),
    "interaction": (interactions.create_interaction, interactions.update_interaction),
    "project": (projects.create_project, projects.update_project),
    "event": (events.create_event, events.update_event),
    "agreement": (agreements.create_agreement, agreements.update_agreement),
    "expertise": (expertise.create_offer, expertise.update_offer),
}


@lru_cache(maxsize=32)
def input_schema(kind_key: str, *, update: bool) -> type[Schema]:
    """The body of a create (``update``: a change, with the version it was read at)."""
    kind = kinds.KINDS[kind_key]
    shape: dict[str, Any] = {f.name: field_for(f, kind, as_input=True) for f in kind.fields}
    if any(f.type == FieldType.TYPED_ORGANISATION for f in kind.fields):
        shape["create_organisation"] = fields.Boolean(
            metadata={"description": "Add an organisation name not yet in the registry"}
        )
    if update:
        shape["version"] = whole(
            0, required=True, metadata={"description": "The version the change was made on"}
        )
    else:
        shape["city"] = fields.String(
            metadata={"description": "The city's slug (administrators only: others, their own)"}
        )
    name = kind_key.title() + ("Change" if update else "New")
    return Schema.from_dict(shape, name=name)


def _offered(actor: User, f, ids: list[int]) -> list[Any]:
    """The rows ``ids`` name for field ``f``, each one the user may see; ValidationError
    naming the field otherwise."""
    lookup = f.lookup or ""
    models: dict[str, Any] = {
        "themes": Theme,
        "cities": City,
        "places": ChinesePlace,
        "contacts": kinds.CONTACT.model,
        "projects": kinds.PROJECT.model,
        "events": kinds.EVENT.model,
        "agreements": kinds.AGREEMENT.model,
        "organisations": kinds.ORGANISATION.model,
        "people": User,
    }
    model = models.get(lookup)
    rows = list(db.session.scalars(select(model).where(model.id.in_(ids)))) if model else []
    found = {r.id: r for r in rows}
    bad = [
        i
        for i in ids
        if i not in found
        or (hasattr(found[i], "visibility") and not can(actor, READ, found[i]))
        or (lookup == "people" and found[i].city_id != actor.city_id)
        or (lookup == "organisations" and found[i].merged_into_id is not None)
    ]
    if bad:
        raise ValidationError({f.name: f"No such row you may link: {', '.join(map(str, bad))}"})
    return [found[i] for i in ids]


def _current(kind: Kind, record) -> dict[str, Any]:
    """A stored record in the service's terms, the base a partial change is laid on."""
    values: dict[str, Any] = {}
    for f in kind.fields:
        value = getattr(record, f.attribute or f.name, None)
        if f.type == FieldType.TYPED_ORGANISATION:
            values[f.name] = value.name_en if f.attribute and value is not None else ""
        elif f.type == FieldType.MANY or f.type == FieldType.CODES:
            values[f.name] = list(value or [])
        else:
            values[f.name] = value
    return values


def service_values(actor: User, kind: Kind, body: dict, record=None) -> dict[str, Any]:
    """The body in the service's terms: every field of the kind, from the record for a
    change (what the body leaves out stays), linked rows looked up by id."""
    values = _current(kind, record) if record is not None else {}
    for f in _api_fields(kind) + [
        f for f in kind.fields if f.type == FieldType.TYPED_ORGANISATION and not f.attribute
    ]:
        if f.name not in body:
            if record is None:
                values.setdefault(f.name, _empty(f))
            continue
        value = body[f.name]
        if f.type == FieldType.ONE:
            values[f.name] = _offered(actor, f, [value])[0] if value is not None else None
        elif f.type == FieldType.MANY:
            values[f.name] = _offered(actor, f, list(value or []))
        else:
            values[f.name] = value if value is not None or f.type != FieldType.TEXT else ""
    values["create_organisation"] = bool(body.get("create_organisation"))
    return values


def _empty(f) -> Any:
    if f.type in (FieldType.TEXT, FieldType.LONGTEXT, FieldType.TYPED_ORGANISATION):
        return ""
    if f.type in (FieldType.MANY, FieldType.CODES):
        return []
    if f.type == FieldType.FLAG:
        return False
    if f.type == FieldType.FLAG_CHOICE:
        return True
    if f.type == FieldType.VISIBILITY:
        return "city"
    return None


def city_for(actor: User, slug: str | None) -> City:
    if actor.city is not None and not slug:
        return actor.city
    city = db.session.scalar(select(City).where(City.slug == (slug or "")))
    if city is None:
        raise ValidationError({"city": "Name the city by its slug (helsinki, espoo, ...)."})
    return city


def me() -> User:
    return current_user._get_current_object()
