"""A project's progress updates through the API (issue 16): read with the project, added by
the lead city's and the partner cities' writers, through the same service as the project
page (its validation and audit)."""

from __future__ import annotations

from flask_login import current_user
from marshmallow import Schema, fields, validate

from portal.api import answers, bp
from portal.api.schemas import Ref, _moment, _ref
from portal.extensions import db
from portal.models.projects import Project, ProjectUpdate
from portal.security.permissions import READ, can
from portal.services import projects
from portal.services.errors import NotFound


class ProgressUpdate(Schema):
    id = fields.Integer(required=True)
    happened_on = fields.Date(required=True)
    text = fields.String(required=True)
    city = fields.Nested(Ref)
    created_at = fields.DateTime(allow_none=True)


class ProgressNew(Schema):
    happened_on = fields.Date(required=True)
    text = fields.String(required=True, validate=validate.Length(min=1))


def _project(record_id: int) -> Project:
    project = db.session.get(Project, record_id)
    if project is None or not can(current_user, READ, project):
        raise NotFound  # the blueprint's problem details: 404
    return project


def _dump(update: ProjectUpdate) -> dict:
    return {
        "id": update.id,
        "happened_on": update.happened_on,
        "text": update.text,
        "city": _ref(current_user, update.city),
        "created_at": _moment(update.created_at),
    }


@bp.route("/projects/<int:record_id>/updates", endpoint="list_project_updates")
@bp.response(200, ProgressUpdate(many=True))
@bp.doc(summary="A project's progress updates", operationId="list_project_updates")
@answers(404)
def updates(record_id: int):
    return [_dump(u) for u in _project(record_id).updates]


@bp.route("/projects/<int:record_id>/updates", methods=["POST"], endpoint="add_project_update")
@bp.arguments(ProgressNew)
@bp.response(201, ProgressUpdate)
@bp.doc(summary="Add a progress update to a project", operationId="add_project_update")
@answers(403, 404, 422)
def add_update(body, record_id: int):
    update = projects.add_update(
        current_user, _project(record_id), happened_on=body["happened_on"], text=body["text"]
    )
    db.session.commit()
    return _dump(update), 201
