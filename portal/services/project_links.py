"""Records that point at a project, as far as the user may see them."""

from __future__ import annotations

from dataclasses import dataclass

from portal.extensions import db
from portal.models.accounts import User
from portal.models.agreements import Agreement
from portal.models.events import Event
from portal.models.projects import Project
from portal.security.permissions import select_visible


@dataclass
class ProjectLinks:
    events: list[Event]
    agreements: list[Agreement]


def to_project(actor: User, project: Project) -> ProjectLinks:
    """The visible, live events and agreements linked to ``project``, by date."""
    events = db.session.scalars(
        select_visible(actor, Event)
        .where(Event.project_id == project.id)
        .order_by(Event.starts_on.desc())
    ).all()
    agreements = db.session.scalars(
        select_visible(actor, Agreement)
        .where(Agreement.project_id == project.id)
        .order_by(Agreement.signed_on.desc().nulls_last())
    ).all()
    return ProjectLinks(events=list(events), agreements=list(agreements))
