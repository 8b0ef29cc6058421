"""The API's search (with its facets) and meetings with their agendas (issue 16): the same
search engine and meeting rules as the pages (what the user may see is decided before
anything is counted; a draft agenda only for those who manage meetings)."""

from __future__ import annotations

from flask import url_for
from flask_login import current_user
from flask_smorest import abort
from marshmallow import RAISE, Schema, fields
from sqlalchemy import select

from portal.api import answers, bp
from portal.api.schemas import Ref, _moment, whole
from portal.extensions import db
from portal.models.meetings import Meeting
from portal.security.permissions import can


class SearchArgs(Schema):
    q = fields.String(load_default="", metadata={"description": "Words, pinyin or characters"})
    kind = fields.String(load_default="")
    theme = fields.String(load_default="", metadata={"description": "A theme's slug"})
    city = fields.String(load_default="", metadata={"description": "A city's slug"})
    place = fields.String(load_default="", metadata={"description": "A place's slug"})
    year = fields.String(load_default="")
    status = fields.String(load_default="")
    page = whole(1, 500, load_default=1, metadata={"description": "1 to 500"})


class Hit(Schema):
    kind = fields.String()
    id = fields.Integer()
    title = fields.String()
    title_zh = fields.String()
    city = fields.String(allow_none=True)
    summary = fields.String()
    url = fields.String()


class FacetValue(Schema):
    value = fields.String()
    label = fields.String()
    count = fields.Integer(allow_none=True)
    selected = fields.Boolean()


class SearchPage(Schema):
    total = fields.Integer()
    more = fields.Boolean(metadata={"description": "More match than total (a common word)"})
    items = fields.List(fields.Nested(Hit))
    facets = fields.Dict(keys=fields.String(), values=fields.List(fields.Nested(FacetValue)))
    next = fields.String(allow_none=True)


@bp.route("/search")
@bp.arguments(SearchArgs, location="query", unknown=RAISE)
@bp.response(200, SearchPage)
@bp.doc(summary="Search what you may see, with facets", operationId="search")
@answers(422)
def search(args):
    from portal.search.query import Filters, url_of
    from portal.search.query import search as run

    filters = Filters(**{k: args[k] for k in ("kind", "theme", "city", "place", "year", "status")})
    page = args["page"]
    result = run(current_user, args["q"], filters, page=page, per_page=20)
    following = None
    if result.has_next:
        query = {k: v for k, v in args.items() if v not in (None, "") and k != "page"}
        following = url_for("api.search", _external=True, **query, page=page + 1)
    return {
        "total": result.total,
        "more": result.more,
        "items": [
            {
                "kind": d.kind,
                "id": d.record_id,
                "title": d.title,
                "title_zh": d.title_zh,
                "city": d.city.local_name if d.city else None,
                "summary": d.summary,
                "url": url_of(d),
            }
            for d in result.items
        ],
        "facets": {
            name: [
                {"value": o.value, "label": str(o.label), "count": o.count, "selected": o.selected}
                for o in options
            ]
            for name, options in result.facets.items()
        },
        "next": following,
    }


class AgendaEntry(Schema):
    number = fields.String()
    title = fields.String()
    kind = fields.String()
    starts_at = fields.Time()
    minutes = fields.Integer()
    presenter = fields.String()
    city = fields.Nested(Ref, allow_none=True)
    decision = fields.String()


class MeetingOut(Schema):
    id = fields.Integer()
    url = fields.String()
    title = fields.String()
    held_on = fields.Date()
    starts_at = fields.Time()
    ends_at = fields.Time()
    host_city = fields.Nested(Ref, allow_none=True)
    venue = fields.String()
    status = fields.String()
    published_at = fields.DateTime(allow_none=True)
    agenda = fields.List(fields.Nested(AgendaEntry))


def _meeting(meeting: Meeting, *, with_agenda: bool) -> dict:
    from portal.services.meetings import agenda

    city = meeting.host_city
    data = {
        "id": meeting.id,
        "url": url_for("meetings.detail", meeting_id=meeting.id, _external=True),
        "title": meeting.title,
        "held_on": meeting.held_on,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "host_city": {"id": city.id, "name": city.local_name, "url": None} if city else None,
        "venue": meeting.venue,
        "status": meeting.status,
        "published_at": _moment(meeting.published_at),
        "agenda": [],
    }
    if with_agenda and can(current_user, "agenda.read", meeting):
        data["agenda"] = [
            {
                "number": slot.number,
                "title": slot.item.title,
                "kind": slot.item.kind,
                "starts_at": slot.starts_at,
                "minutes": slot.minutes,
                "presenter": slot.item.presenter or "",
                "city": {"id": slot.item.city.id, "name": slot.item.city.local_name, "url": None}
                if slot.item.city
                else None,
                "decision": slot.item.decision or "",
            }
            for slot in agenda(meeting).flat()
        ]
    return data


@bp.route("/meetings")
@bp.response(200, MeetingOut(many=True))
@bp.doc(summary="The network's meetings you may read", operationId="list_meetings")
@answers()
def meetings():
    rows = db.session.scalars(select(Meeting).order_by(Meeting.held_on.desc()).limit(200))
    return [_meeting(m, with_agenda=False) for m in rows if can(current_user, "agenda.read", m)]


@bp.route("/meetings/<int:meeting_id>")
@bp.response(200, MeetingOut)
@bp.doc(summary="A meeting with its agenda", operationId="get_meeting")
@answers(404)
def meeting(meeting_id: int):
    found = db.session.get(Meeting, meeting_id)
    if found is not None and can(current_user, "agenda.read", found):
        return _meeting(found, with_agenda=True)
    abort(404, message="No such meeting, or its agenda is not published yet.")
