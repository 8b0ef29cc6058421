"""Projects: led by one city, with partner C21 cities and Chinese partner organisations."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from portal.extensions import db
from portal.kinds import PROJECT
from portal.models.accounts import User
from portal.models.projects import (
    FUNDING_SOURCES,
    Project,
    ProjectUpdate,
    project_partner_cities,
)
from portal.models.reference import City
from portal.security.permissions import CONTRIBUTE, can, ensure, select_visible
from portal.services import audit, organisations, records
from portal.services.errors import ValidationError
from portal.services.listing import RecordFilter, apply_filter
from portal.services.records import Page, Position, Shortlist, first_few, paginate


def _clean(actor: User, values: dict, lead_city_id: int) -> dict:
    errors: dict[str, str] = {}
    cleaned = PROJECT.clean_text(values, errors)
    if not cleaned["title"]:
        errors["title"] = str(_l("Give the project a name."))
    if cleaned["starts_on"] and cleaned["ends_on"] and cleaned["ends_on"] < cleaned["starts_on"]:
        errors["ends_on"] = str(_l("The end cannot be before the start."))
    if cleaned["budget_eur"] is not None and cleaned["budget_eur"] < 0:
        errors["budget_eur"] = str(_l("The budget cannot be negative."))
    sources = list(cleaned["funding_sources"] or [])
    if any(s not in FUNDING_SOURCES for s in sources):
        errors["funding_sources"] = str(_l("Choose funding sources from the list."))
    cleaned["funding_sources"] = sorted(set(sources))
    if any(c.id == lead_city_id for c in cleaned["partner_cities"]):
        errors["partner_cities"] = str(_l("The lead city is not its own partner."))
    link = organisations.OrganisationLink(actor, values, errors)
    if errors:
        raise ValidationError(errors)
    cleaned["organisations"] = link.linked(cleaned["organisations"])
    return cleaned


def create_project(actor: User, city: City, values: dict) -> Project:
    """Start a project led by ``city``. Writers of that city (and admins). ``values``: the
    fields of FIELDS (lists of Theme, City, Organisation) and optionally an
    ``organisation_name`` to link. Raises ValidationError, Forbidden."""
    ensure(actor, "city.create_records", city)
    return records.create_record(actor, city, PROJECT, _clean(actor, values, city.id))


def update_project(actor: User, project: Project, *, expected_version, values: dict) -> dict:
    """Change a project. Only the lead city's writers (and admins): partner cities add
    updates instead. Raises StaleEdit, ValidationError, Forbidden."""
    return records.update_record(
        actor,
        project,
        expected_version=expected_version,
        clean=lambda: _clean(actor, values, project.city_id),
    )


def archive_project(actor: User, project: Project) -> None:
    """Archive a project. The lead city's writers."""
    records.archive(actor, project)


def restore_project(actor: User, project: Project) -> None:
    """Restore an archived project. The lead city's writers."""
    records.restore(actor, project)


def add_update(
    actor: User, project: Project, *, happened_on: date | None, text: str
) -> ProjectUpdate:
    """Add a dated progress update. Writers of the lead city and of the partner cities
    (and admins). Raises ValidationError, Forbidden."""
    ensure(actor, CONTRIBUTE, project)
    errors = {}
    text = (text or "").strip()
    if not text:
        errors["text"] = str(_l("Write what happened."))
    if happened_on is None:
        errors["happened_on"] = str(_l("Enter the date."))
    if errors:
        raise ValidationError(errors)
    update = ProjectUpdate(
        project=project,
        city_id=actor.city_id or project.city_id,
        author_id=actor.id,
        happened_on=happened_on,
        text=text,
    )
    db.session.add(update)
    db.session.flush()
    audit.record(
        actor,
        "project.progress",
        obj=project,
        detail=f"{happened_on}: {text}"[:500],
        city_id=actor.city_id or project.city_id,
    )
    return update


def _eager(stmt):
    return stmt.options(
        joinedload(Project.city),
        selectinload(Project.partner_cities),
        selectinload(Project.themes),
        selectinload(Project.organisations),
    )


def list_projects(
    actor: User, flt: RecordFilter, *, page: int | Position = 1, per_page: int = 50
) -> Page:
    """The projects ``actor`` may see (own, partner, shared), filtered."""
    stmt = apply_filter(
        _eager(select_visible(actor, Project, include_archived=True)), Project, flt, actor=actor
    )
    order = {
        "title": (Project.title, Project.id),
        "updated": (Project.updated_at.desc(), Project.id.desc()),
    }.get(flt.sort, (Project.starts_on.desc().nulls_last(), Project.id.desc()))
    stmt = stmt.order_by(*order)
    return paginate(stmt, page=page, per_page=per_page, eager=_eager, searched=flt.searched)


def active_projects(actor: User, city_id: int | None) -> Shortlist:
    """The first active projects a city leads or takes part in, as far as ``actor`` may
    see (``more`` says there are others)."""
    if city_id is None:
        return Shortlist()
    return first_few(
        select_visible(actor, Project)
        .options(joinedload(Project.city))
        .where(
            Project.status == "active",
            or_(
                Project.city_id == city_id,
                Project.id.in_(
                    select(project_partner_cities.c.project_id).where(
                        project_partner_cities.c.city_id == city_id
                    )
                ),
            ),
        )
        .order_by(Project.title, Project.id)
    )


def city_projects_for_picker(actor: User, city_id: int | None) -> list[Project]:
    """The live projects of a city, for linking events and agreements to one."""
    if city_id is None:
        return []
    return list(
        db.session.scalars(
            select_visible(actor, Project).where(Project.city_id == city_id).order_by(Project.title)
        )
    )


def project_for_link(actor: User, project_id, city_id: int) -> Project | None:
    """The project a form links to, if the actor may write its city's records."""
    if not project_id:
        return None
    project = db.session.get(Project, int(project_id))
    if project is None or project.city_id != city_id or not can(actor, "read", project):
        raise ValidationError({"project": str(_l("Choose a project from the list."))})
    return project
