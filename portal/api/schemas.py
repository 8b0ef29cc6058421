"""The API's JSON shapes, generated from the registry of record kinds (portal.kinds): a new
field is in the API and its OpenAPI document without a change here."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from flask import url_for
from marshmallow import Schema, fields, validate

from portal.input_safety import INT_MAX, INT_MIN
from portal.kinds import FieldType, Kind
from portal.models.accounts import User
from portal.models.mixins import Visibility
from portal.security.permissions import READ, can


class Ref(Schema):
    """A linked row: its id, its name and, for a record with a page, its address."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    url = fields.String(allow_none=True)


class Problem(Schema):
    """An error, as RFC 9457 problem details, with a message per field where there is one."""

    type = fields.String()
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    errors = fields.Dict(keys=fields.String(), values=fields.String())


class Conflict(Problem):
    """A stale write (409): the body sent and the record as it is now."""

    yours = fields.Dict()
    current = fields.Dict()


def whole(low: int = INT_MIN, high: int = INT_MAX, **options) -> fields.Integer:
    """A whole number the database can hold (and the document states the range): a larger
    one is refused with 422 by its field, never sent to the database to overflow."""
    return fields.Integer(validate=validate.Range(min=low, max=high), **options)


def an_id(**options) -> fields.Integer:
    return whole(1, INT_MAX, **options)


class ListArgs(Schema):
    """The cursor and the list pages' filters (portal.services.listing), by the same names."""

    after = whole(0, load_default=None, metadata={"description": "The cursor: ids above it"})
    limit = whole(1, 100, load_default=50, metadata={"description": "1 to 100 per page"})
    q = fields.String(load_default="", metadata={"description": "Words the records contain"})
    city = fields.String(load_default="", metadata={"description": "A city's slug"})
    theme = fields.String(load_default="", metadata={"description": "A theme's slug"})
    place = fields.String(load_default="", metadata={"description": "A Chinese place's slug"})
    organisation = whole(1, load_default=None, metadata={"description": "An organisation's id"})
    visibility = fields.String(
        load_default="", validate=validate.OneOf(["", *(v.value for v in Visibility)])
    )
    archived = fields.Boolean(
        load_default=False, metadata={"description": "The archived records instead"}
    )
    status = fields.String(load_default="", validate=validate.Length(max=30))
    kind = fields.String(load_default="", validate=validate.Length(max=30))


def field_for(f, kind: Kind, *, as_input: bool = False) -> fields.Field:
    """A registry field as marshmallow shows it (a linked row as a Ref) or, ``as_input``,
    as a body gives it (a linked row by its id, a typed organisation by its name). The
    document states the field's codes and lengths, so a client learns them from it."""
    if f.type == FieldType.CHOICE:
        return fields.String(allow_none=True, validate=validate.OneOf(list(f.choices or {})))
    if f.type == FieldType.VISIBILITY:
        return fields.String(
            allow_none=not as_input, validate=validate.OneOf([v.value for v in Visibility])
        )
    if f.type == FieldType.CODES and f.choices:
        return fields.List(fields.String(validate=validate.OneOf(list(f.choices))))
    if f.type == FieldType.TEXT and as_input and kind.max_length(f):
        return fields.String(validate=validate.Length(max=kind.max_length(f)))
    if f.type in (FieldType.TEXT, FieldType.LONGTEXT):
        return fields.String(allow_none=not as_input)
    if f.type == FieldType.DATE:
        return fields.Date(allow_none=True)
    if f.type == FieldType.TIME:
        return fields.Time(allow_none=True)
    if f.type == FieldType.INTEGER:
        return whole(allow_none=True)
    if f.type in (FieldType.FLAG, FieldType.FLAG_CHOICE):
        return fields.Boolean()
    if f.type == FieldType.CODES:
        return fields.List(fields.String())
    if as_input:
        if f.type == FieldType.TYPED_ORGANISATION:
            return fields.String()
        if f.type == FieldType.MANY:
            return fields.List(an_id(), metadata={"description": "ids"})
        return an_id(allow_none=True, metadata={"description": "an id"})  # ONE
    if f.type == FieldType.MANY:
        return fields.List(fields.Nested(Ref))
    return fields.Nested(Ref, allow_none=True)  # ONE, TYPED_ORGANISATION


def _api_fields(kind: Kind):
    """The kind's fields but a form's helpers ("Add an organisation")."""
    return [
        f for f in kind.fields if not (f.type == FieldType.TYPED_ORGANISATION and not f.attribute)
    ]


@lru_cache(maxsize=16)
def record_schema(kind_key: str) -> type[Schema]:
    from portal.kinds import KINDS

    kind = KINDS[kind_key]
    shape: dict[str, Any] = {
        "id": fields.Integer(required=True),
        "url": fields.String(required=True),
        "created_at": fields.DateTime(allow_none=True),
        "updated_at": fields.DateTime(allow_none=True),
        "version": fields.Integer(allow_none=True),
    }
    if kind.city_owned:
        shape["city"] = fields.Nested(Ref)
        shape["archived"] = fields.Boolean()
    for f in _api_fields(kind):
        shape[f.attribute or f.name] = field_for(f, kind)
    return Schema.from_dict(shape, name=kind_key.title().replace("_", ""))


@lru_cache(maxsize=16)
def page_schema(kind_key: str) -> type[Schema]:
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(record_schema(kind_key))),
            "next": fields.String(allow_none=True, metadata={"description": "The next page"}),
        },
        name=f"{kind_key.title()}Page",
    )


def _moment(value: datetime | None) -> datetime | None:
    """A stored moment with its time zone (UTC), for the schema to write as ISO 8601."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _ref(actor: User, row) -> dict | None:
    if row is None:
        return None
    if hasattr(row, "city_id") and hasattr(row, "visibility") and not can(actor, READ, row):
        return None
    from portal import kinds as registry

    name = next(
        (
            str(v)
            for a in ("display_name", "local_name", "title", "name_en", "name")
            if (v := getattr(row, a, None))
        ),
        str(row.id),
    )
    try:
        url = registry.of(row).url(row.id) if hasattr(row, "__tablename__") else None
    except (KeyError, StopIteration, AttributeError):
        url = None
    return {"id": row.id, "name": name, "url": url}


def dump(actor: User, kind: Kind, record) -> dict[str, Any]:
    """A record as the API shows it to ``actor``: a linked row only if they may see it (a
    shared interaction never names a private contact)."""
    data: dict[str, Any] = {
        "id": record.id,
        "url": url_for(kind.detail_endpoint, _external=True, **{kind.id_arg: record.id}),
        "created_at": _moment(getattr(record, "created_at", None)),
        "updated_at": _moment(getattr(record, "updated_at", None)),
        "version": getattr(record, "version", None),
    }
    if kind.city_owned:
        data["city"] = {"id": record.city.id, "name": record.city.local_name, "url": None}
        data["archived"] = record.archived_at is not None
    for f in _api_fields(kind):
        name = f.attribute or f.name
        value = getattr(record, name, None)
        if f.type == FieldType.MANY:
            data[name] = [r for r in (_ref(actor, v) for v in value or []) if r is not None]
        elif f.type in (FieldType.ONE, FieldType.TYPED_ORGANISATION):
            data[name] = _ref(actor, value)
        elif f.type == FieldType.CODES:
            data[name] = list(value or [])
        elif isinstance(value, datetime):
            data[name] = _moment(value)
        else:
            data[name] = value
    return data
