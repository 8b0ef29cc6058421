"""Projects: list, create, read, edit, archive and restore; progress updates."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.extensions import db
from portal.forms import attach_errors, choices
from portal.kinds import PROJECT
from portal.models.projects import Project
from portal.projects import bp
from portal.projects.forms import EditProjectForm, ProjectForm, ProjectUpdateForm
from portal.record_views import (
    add_archive_routes,
    city_field,
    edit_record_page,
    export_page,
    list_page,
    new_record_page,
)
from portal.security.permissions import CONTRIBUTE, load_visible, require
from portal.services import audit, cities, contacts, project_links, projects
from portal.services.errors import ValidationError


def _prepare(form: ProjectForm, lead_city_id: int, record=None, *, choosing_city=False):
    linked_orgs = list(record.organisations) if record else []
    themes = contacts.themes()
    all_cities = cities.all_cities()
    form.themes.choices = choices((t.id, t.local_name) for t in themes)
    form.partner_cities.choices = choices(
        (c.id, c.local_name)
        for c in sorted(all_cities, key=lambda c: c.local_name)
        if c.id != lead_city_id
    )
    form.organisations.choices = choices((o.id, o.name_en) for o in linked_orgs)
    city_field(form, choosing_city)
    return {
        "themes": {str(t.id): t for t in themes},
        "cities": {str(c.id): c for c in all_cities},
        "organisations": {str(o.id): o for o in linked_orgs},
    }


@bp.route("/")
def index():
    return list_page(PROJECT, projects.list_projects)


@bp.route("/export.<fmt>")
def export(fmt: str):
    return export_page(PROJECT, projects.list_projects, fmt)


@bp.route("/new", methods=["GET", "POST"])
def new():
    return new_record_page(PROJECT, ProjectForm, _prepare, projects.create_project)


@bp.route("/<int:project_id>")
def detail(project_id: int):
    project = load_visible(current_user, Project, project_id)
    return render_template(
        "projects/detail.html",
        project=project,
        update_form=ProjectUpdateForm(),
        linked=project_links.to_project(current_user, project),
        history=audit.history_for(current_user, project),
    )


@bp.route("/<int:project_id>/updates", methods=["POST"])
def add_update(project_id: int):
    project = load_visible(current_user, Project, project_id)
    require(current_user, CONTRIBUTE, project)
    form = ProjectUpdateForm()
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            projects.add_update(
                current_user, project, happened_on=form.happened_on.data, text=form.text.data
            )
        except ValidationError as error:
            db.session.rollback()
            errors = attach_errors(form, error)
        else:
            db.session.commit()
            flash(_("The update is added."), "success")
            return redirect(url_for("projects.detail", project_id=project_id) + "#updates")
    return render_template(
        "projects/detail.html",
        project=project,
        update_form=form,
        errors=errors,
        linked=project_links.to_project(current_user, project),
        history=audit.history_for(current_user, project),
    )


@bp.route("/<int:project_id>/edit", methods=["GET", "POST"])
def edit(project_id: int):
    return edit_record_page(PROJECT, project_id, EditProjectForm, _prepare, projects.update_project)


add_archive_routes(
    bp,
    Project,
    "project_id",
    archive=projects.archive_project,
    restore=projects.restore_project,
    archived_message=_l("The project is archived. You can restore it."),
    restored_message=_l("The project is restored."),
)
