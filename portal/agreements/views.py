"""Agreements: list, create, read, edit, archive, restore; the signed document; the themes
of an action plan; what is due soon."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.agreements import bp
from portal.agreements.forms import AgreementForm, EditAgreementForm, FollowUpForm, PlanForm
from portal.extensions import db
from portal.forms import attach_errors, choices
from portal.kinds import AGREEMENT
from portal.models.agreements import Agreement
from portal.record_views import (
    add_archive_routes,
    city_field,
    edit_record_page,
    export_page,
    list_page,
    new_record_page,
    save_edit,
)
from portal.security.permissions import READ, WRITE, can, load_visible, require
from portal.services import agreements, audit, contacts, projects
from portal.services.agreements import PlanThemeRow
from portal.services.errors import ValidationError
from portal.services.organisations import all_places
from portal.timeutil import local_today

BLANK_PLAN_ROWS = 3
NEW_PLAN_ROWS = 12
MORE_PLAN_ROWS = 5


def _prepare(form: AgreementForm, city_id: int, record=None, *, choosing_city=False) -> dict:
    themes = contacts.themes()
    places = all_places()
    city_projects = projects.city_projects_for_picker(current_user, city_id)
    linked_orgs = list(record.organisations) if record else []
    form.themes.choices = choices((t.id, t.local_name) for t in themes)
    form.counterpart_place.choices = choices(
        [("", _("Not given")), *((p.id, p.local_name) for p in places)]
    )
    form.project.choices = choices([("", _("None")), *((p.id, p.title) for p in city_projects)])
    form.organisations.choices = choices((o.id, o.name_en) for o in linked_orgs)
    city_field(form, choosing_city)
    return {
        "themes": {str(t.id): t for t in themes},
        "places": {str(p.id): p for p in places},
        "projects": {str(p.id): p for p in city_projects},
        "organisations": {str(o.id): o for o in linked_orgs},
    }


def _attach_upload(form: AgreementForm, agreement: Agreement) -> None:
    upload = form.document.data
    if upload and getattr(upload, "filename", ""):
        agreements.attach_document(current_user, agreement, upload.stream, upload.filename)


@bp.route("/")
def index():
    return list_page(AGREEMENT, agreements.list_agreements)


@bp.route("/export.<fmt>")
def export(fmt: str):
    return export_page(AGREEMENT, agreements.list_agreements, fmt)


@bp.route("/due")
def due():
    today = local_today()
    return render_template(
        "agreements/due.html",
        items=agreements.due_soon(current_user, today=today, shared_only=True),
        own=agreements.due_soon(current_user, today=today, city_id=current_user.city_id)
        if current_user.city_id
        else [],
        today=today,
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    return new_record_page(
        AGREEMENT, AgreementForm, _prepare, agreements.create_agreement, after=_attach_upload
    )


@bp.route("/<int:agreement_id>")
def detail(agreement_id: int):
    agreement = load_visible(current_user, Agreement, agreement_id)
    return render_template(
        "agreements/detail.html",
        agreement=agreement,
        project=agreement.project
        if agreement.project is not None and can(current_user, READ, agreement.project)
        else None,
        history=audit.history_for(current_user, agreement),
    )


@bp.route("/<int:agreement_id>/document")
def document(agreement_id: int):
    agreement = load_visible(current_user, Agreement, agreement_id)
    path = agreements.document_path(agreement)
    if path is None:
        abort(404)
    response = send_file(
        path,
        mimetype="application/pdf",
        download_name=agreement.document_name,
        as_attachment=False,
        max_age=0,
    )
    # Shown by the browser's own PDF viewer, with no power over the portal's pages.
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@bp.route("/<int:agreement_id>/edit", methods=["GET", "POST"])
def edit(agreement_id: int):
    return edit_record_page(
        AGREEMENT,
        agreement_id,
        EditAgreementForm,
        _prepare,
        agreements.update_agreement,
        after=_attach_upload,
    )


@bp.route("/<int:agreement_id>/plan", methods=["GET", "POST"])
def plan(agreement_id: int):
    agreement = load_visible(current_user, Agreement, agreement_id)
    require(current_user, WRITE, agreement)
    rows = [
        {
            "number": t.number,
            "title": t.title,
            "description": t.description,
            "finnish_bodies": t.finnish_bodies,
            "chinese_bodies": t.chinese_bodies,
            "progress": t.progress,
            "progress_note": t.progress_note,
        }
        for t in agreement.plan_themes
    ]
    if request.method == "POST" and "more" in request.form:
        # More empty blocks, keeping everything typed so far; nothing is saved yet.
        form = PlanForm()
        for _i in range(MORE_PLAN_ROWS):
            form.themes.append_entry({"progress": "not_started"})
        return render_template("agreements/plan.html", form=form, errors=[], agreement=agreement)
    form = PlanForm(data={"version": agreement.version, "themes": rows})
    if request.method == "GET":
        # A new plan gets room for a whole plan at once (the Helsinki-Beijing plans have
        # about ten themes); one with themes, a few blocks to add to it.
        for _i in range(BLANK_PLAN_ROWS if rows else NEW_PLAN_ROWS):
            form.themes.append_entry({"progress": "not_started"})
    return save_edit(
        form,
        update=lambda version: agreements.save_plan_themes(
            current_user,
            agreement,
            expected_version=version,
            rows=[PlanThemeRow(**entry.data) for entry in form.themes],
        ),
        reload=lambda: load_visible(current_user, Agreement, agreement_id),
        current=lambda stored: {},
        template="agreements/plan.html",
        detail=lambda stored: url_for("agreements.detail", agreement_id=stored.id),
        record=agreement,
        success=_("The themes of the action plan are saved."),
        agreement=agreement,
    )


@bp.route("/<int:agreement_id>/follow-up/<kind>", methods=["GET", "POST"])
def follow_up(agreement_id: int, kind: str):
    from portal.models.agreements import FOLLOW_UP_OUTCOMES

    agreement = load_visible(current_user, Agreement, agreement_id)
    require(current_user, WRITE, agreement)
    if kind not in FOLLOW_UP_OUTCOMES:
        abort(404)
    form = FollowUpForm()
    form.for_kind(kind)
    if request.method == "GET":
        form.done_on.data = local_today()
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            agreements.record_follow_up(
                current_user,
                agreement,
                {
                    "kind": kind,
                    "done_on": form.done_on.data,
                    "outcome": form.outcome.data,
                    "notes": form.notes.data,
                    "next_on": form.next_on.data,
                },
                today=local_today(),
            )
        except ValidationError as error:
            db.session.rollback()
            errors = attach_errors(form, error)
        else:
            db.session.commit()
            flash(_("Recorded. It is off the list of what is due."), "success")
            return redirect(url_for("agreements.detail", agreement_id=agreement.id))
    return render_template(
        "agreements/follow_up.html", form=form, errors=errors, agreement=agreement, kind=kind
    )


add_archive_routes(
    bp,
    Agreement,
    "agreement_id",
    archive=agreements.archive_agreement,
    restore=agreements.restore_agreement,
    archived_message=_l("The agreement is archived. You can restore it."),
    restored_message=_l("The agreement is restored."),
)
