"""The API's routes: for every record kind a list (cursor pages, the list filters) and a
record, through the scoped loaders; the organisation registry."""

from __future__ import annotations

from flask import url_for
from flask_login import current_user
from flask_smorest import abort
from marshmallow import RAISE
from sqlalchemy import select

from portal import kinds
from portal.api import PROBLEM, answers, bp
from portal.api.schemas import Conflict, ListArgs, dump, page_schema, record_schema
from portal.extensions import db
from portal.security.permissions import READ, can, select_visible
from portal.services.errors import ValidationError
from portal.services.listing import apply_filter, filter_from
from portal.services.organisations import place_and_children, place_by_slug
from portal.textfold import fold, like_pattern

API_KINDS = [k for k in kinds.KINDS.values() if k.city_owned] + [kinds.ORGANISATION]


def _list(kind: kinds.Kind, args: dict):
    model = kind.model
    limit = args["limit"]
    if kind.city_owned:
        # The list pages' filters, by the same rules; a slug or id that names nothing is
        # refused by its field (the pages leave such a filter out).
        flt = filter_from({k: "1" if v is True else str(v) for k, v in args.items() if v})
        named = {
            "city": flt.city,
            "theme": flt.theme,
            "place": flt.place,
            "organisation": flt.organisation,
        }
        unknown = {n: "Nothing by this name." for n, row in named.items() if args[n] and not row}
        if unknown:
            raise ValidationError(unknown)
        visible = select_visible(current_user, model, include_archived=True)
        stmt = apply_filter(visible, model, flt, actor=current_user)  # the archive: its own
    else:
        stmt = select(model).where(model.archived_at.is_(None))
        if hasattr(model, "merged_into_id"):
            stmt = stmt.where(model.merged_into_id.is_(None))
        if args.get("q"):
            stmt = stmt.where(model.search_text.like(like_pattern(fold(args["q"])), escape="\\"))
        if args.get("place"):
            place = place_by_slug(args["place"])
            if place is None:
                raise ValidationError({"place": "Nothing by this name."})
            stmt = stmt.where(model.place_id.in_(place_and_children(place)))
    if args.get("after"):
        stmt = stmt.where(model.id > args["after"])
    rows = list(db.session.scalars(stmt.order_by(model.id).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    following = None
    if more:
        query = {k: v for k, v in args.items() if v not in (None, "") and k != "after"}
        following = url_for(f"api.list_{kind.key}", _external=True, **query, after=rows[-1].id)
    return {"items": [dump(current_user, kind, r) for r in rows], "next": following}


def _one(kind: kinds.Kind, record_id: int):
    record = db.session.get(kind.model, record_id)
    if record is None or (kind.city_owned and not can(current_user, READ, record)):
        abort(404, message="No such record, or not one you may see.")
    return dump(current_user, kind, record)


def _register(kind: kinds.Kind) -> None:
    plural = kind.blueprint

    @bp.route(f"/{plural}", endpoint=f"list_{kind.key}")
    @bp.arguments(ListArgs, location="query", unknown=RAISE)
    @bp.response(200, page_schema(kind.key))
    @bp.doc(summary=f"List {plural}", operationId=f"list_{kind.key}")
    @answers(422)
    def listing(args):
        return _list(kind, args)

    @bp.route(f"/{plural}/<int:record_id>", endpoint=f"get_{kind.key}")
    @bp.response(200, record_schema(kind.key))
    @bp.doc(summary=f"One of the {plural}", operationId=f"get_{kind.key}")
    @answers(404)
    def one(record_id: int):
        return _one(kind, record_id)


def _register_writes(kind: kinds.Kind) -> None:
    from flask import Response, json

    from portal.api import problem
    from portal.api.writes import SERVICES, city_for, input_schema, me, service_values
    from portal.services.errors import StaleEdit

    plural = kind.blueprint
    create, update = SERVICES[kind.key]

    @bp.route(f"/{plural}", methods=["POST"], endpoint=f"create_{kind.key}")
    @bp.arguments(input_schema(kind.key, update=False))
    @bp.response(201, record_schema(kind.key))
    @bp.doc(summary=f"Add to {plural}", operationId=f"create_{kind.key}")
    @answers(403, 422)
    def create_view(body):
        actor = me()
        record = create(actor, city_for(actor, body.get("city")), service_values(actor, kind, body))
        db.session.commit()
        return dump(actor, kind, record), 201, {"Location": kind.url(record.id)}

    @bp.route(f"/{plural}/<int:record_id>", methods=["PATCH"], endpoint=f"update_{kind.key}")
    @bp.arguments(input_schema(kind.key, update=True))
    @bp.response(200, record_schema(kind.key))
    @bp.alt_response(
        409,
        schema=Conflict,
        content_type=PROBLEM,
        description="Someone saved a newer version: yours and the current one are given",
    )
    @bp.doc(summary=f"Change one of the {plural}", operationId=f"update_{kind.key}")
    @answers(403, 404, 422)
    def update_view(body, record_id: int):
        actor = me()
        record = db.session.get(kind.model, record_id)
        if record is None or not can(actor, READ, record):
            abort(404, message="No such record, or not one you may see.")
        try:
            update(
                actor,
                record,
                expected_version=body["version"],
                values=service_values(actor, kind, body, record),
            )
        except StaleEdit:
            db.session.rollback()
            current = db.session.get(kind.model, record_id)
            response = problem(
                409,
                "Conflict",
                detail="Someone saved a newer version. Apply your change to it and send again.",
            )
            data = json.loads(response.get_data())
            data["yours"] = json.loads(json.dumps(body, default=str))
            data["current"] = json.loads(json.dumps(dump(actor, kind, current), default=str))
            return Response(json.dumps(data), 409, mimetype="application/problem+json")
        db.session.commit()
        return dump(actor, kind, db.session.get(kind.model, record_id))


for _kind in API_KINDS:
    _register(_kind)
    if _kind.key in ("contact", "interaction", "project", "event", "agreement", "expertise"):
        _register_writes(_kind)
