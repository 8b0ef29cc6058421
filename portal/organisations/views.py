"""The shared organisation registry."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.extensions import db
from portal.forms import attach_errors, choices
from portal.kinds import ORGANISATION
from portal.organisations import bp
from portal.organisations.forms import EditOrganisationForm, MergeForm, OrganisationForm
from portal.record_views import export_page, page_position, save_edit
from portal.security.permissions import require
from portal.services import audit, organisations
from portal.services.errors import ValidationError
from portal.services.organisations import DuplicateError
from portal.services.who_knows import records_at_organisation


def _prepare(form: OrganisationForm) -> dict:
    places = organisations.all_places()
    form.place.choices = choices([("", _("Not known")), *((p.slug, p.local_name) for p in places)])
    return {"places": {p.slug: p for p in places}}


@bp.route("/export.<fmt>")
def export(fmt: str):
    """The registry as a file, with the list's filters (a list of public bodies: no one's
    personal data; still audited)."""
    require(current_user, "network.read")
    return export_page(
        ORGANISATION,
        lambda actor, flt, page, per_page: organisations.list_organisations(
            q=flt.q,
            kind=flt.kind,
            place=flt.place,
            archived=flt.archived,
            page=page,
            per_page=per_page,
        ),
        fmt,
    )


@bp.route("/")
def index():
    kind = request.args.get("kind", "")
    place = organisations.place_by_slug(request.args.get("place"))
    archived = request.args.get("archived") == "1"
    page = organisations.list_organisations(
        q=request.args.get("q", "")[:200],
        kind=kind,
        place=place,
        archived=archived,
        page=page_position(),
    )
    return render_template(
        "organisations/index.html",
        page=page,
        kind=kind,
        place=place,
        archived=archived,
        places=organisations.all_places(),
        q=request.args.get("q", ""),
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    require(current_user, "organisation.add")
    form = OrganisationForm()
    lookup = _prepare(form)
    errors: list[str] = []
    existing = None
    likely = []
    if form.validate_on_submit():
        likely = organisations.likely_duplicates(
            form.name_en.data or "", form.name_zh.data or "", form.pinyin.data or ""
        )
        try:
            values = ORGANISATION.form_values(form, lookup)
            if likely and not form.not_a_duplicate.data:
                existing_exact = organisations.exact_duplicate(
                    values["name_en"] or "", values["name_zh"] or ""
                )
                if existing_exact is not None:
                    raise DuplicateError(existing_exact)
                # Not an error: a question, asked in a neutral notice by the list itself
                # (a clearly different body once got a red "There is a problem").
            else:
                org = organisations.create_organisation(current_user, values)
                db.session.commit()
                flash(_("%(name)s is added to the registry.", name=org.name_en), "success")
                return redirect(url_for("organisations.detail", org_id=org.id))
        except DuplicateError as error:
            db.session.rollback()
            existing = error.existing
            errors = attach_errors(form, error)
        except ValidationError as error:
            db.session.rollback()
            errors = attach_errors(form, error)
    return render_template(
        "organisations/form.html",
        form=form,
        errors=errors,
        org=None,
        existing=existing,
        likely=likely,
    )


@bp.route("/<int:org_id>")
def detail(org_id: int):
    org = organisations.organisation_by_id(org_id)
    if org.merged_into_id is not None:
        flash(_("This organisation was merged into the one shown here."), "info")
        return redirect(url_for("organisations.detail", org_id=org.merged_into_id))
    return render_template(
        "organisations/detail.html",
        org=org,
        by_city=records_at_organisation(current_user, org),
        children=organisations.children_of(org),
        history=audit.history_for(current_user, org),
    )


@bp.route("/<int:org_id>/edit", methods=["GET", "POST"])
def edit(org_id: int):
    require(current_user, "organisation.add")
    org = organisations.organisation_by_id(org_id)
    if org.merged_into_id is not None:
        return redirect(url_for("organisations.edit", org_id=org.merged_into_id))
    form = EditOrganisationForm(data=ORGANISATION.initial(org))
    lookup = _prepare(form)
    return save_edit(
        form,
        update=lambda version: organisations.update_organisation(
            current_user,
            org,
            expected_version=version,
            values=ORGANISATION.form_values(form, lookup),
        ),
        reload=lambda: organisations.organisation_by_id(org_id),
        current=ORGANISATION.current,
        template="organisations/form.html",
        detail=lambda stored: url_for("organisations.detail", org_id=stored.id),
        record=org,
        success=_("The changes are saved."),
        on_invalid=lambda error: {"existing": getattr(error, "existing", None)},
        org=org,
        existing=None,
        likely=[],
    )


@bp.route("/<int:org_id>/merge", methods=["GET", "POST"])
def merge(org_id: int):
    require(current_user, "organisation.merge")
    org = organisations.organisation_by_id(org_id)
    if org.merged_into_id is not None:
        return redirect(url_for("organisations.detail", org_id=org.merged_into_id))
    candidates = organisations.likely_duplicates(
        org.name_en, org.name_zh, org.pinyin, exclude_id=org.id, limit=10
    )
    form = MergeForm()
    form.survivor.choices = choices((c.id, c.name_en) for c in candidates)
    errors: list[str] = []
    if request.method == "POST":  # CSRF is checked for every POST by CSRFProtect
        survivor = next((c for c in candidates if str(c.id) == form.survivor.data), None)
        if survivor is None and form.survivor_name.data:
            survivor, problem = organisations.resolve_for_link(
                current_user, form.survivor_name.data, create=False
            )
            if problem:
                form.survivor_name.errors = [problem]
        if survivor is None and not form.survivor_name.errors:
            errors = [_("Choose the organisation to keep.")]
        elif survivor is not None:
            try:
                moved = organisations.merge_organisations(current_user, org, survivor)
            except ValidationError as error:
                db.session.rollback()
                errors = attach_errors(form, error)
            else:
                db.session.commit()
                flash(
                    _(
                        "Merged. %(contacts)d contacts and %(interactions)d interactions moved "
                        "to %(name)s.",
                        contacts=moved["contacts"],
                        interactions=moved["interactions"],
                        name=survivor.name_en,
                    ),
                    "success",
                )
                return redirect(url_for("organisations.detail", org_id=survivor.id))
    return render_template(
        "organisations/merge.html", form=form, org=org, errors=errors, candidates=candidates
    )


def _set_archived(org_id: int, archived: bool):
    require(current_user, "organisation.merge")
    org = organisations.organisation_by_id(org_id)
    organisations.set_archived(current_user, org, archived)
    db.session.commit()
    flash(
        _("The organisation is archived.") if archived else _("The organisation is restored."),
        "success",
    )
    return redirect(url_for("organisations.detail", org_id=org.id))


@bp.route("/<int:org_id>/archive", methods=["POST"])
def archive(org_id: int):
    return _set_archived(org_id, True)


@bp.route("/<int:org_id>/restore", methods=["POST"])
def restore(org_id: int):
    return _set_archived(org_id, False)


def _brief(org) -> dict:
    return {
        "id": org.id,
        "name_en": org.name_en,
        "name_zh": org.name_zh,
        "pinyin": org.pinyin,
        "place": org.place.local_name if org.place else "",
        "url": url_for("organisations.detail", org_id=org.id),
    }


@bp.route("/lookup")
def lookup():
    """Suggestions for the organisation pickers (JSON). The registry is network-wide."""
    require(current_user, "network.read")
    return jsonify([_brief(o) for o in organisations.lookup(request.args.get("q", "")[:100])])


@bp.route("/suggest")
def suggest():
    """Likely duplicates of a name being typed on the new-organisation form (JSON)."""
    require(current_user, "network.read")
    args = request.args
    likely = organisations.likely_duplicates(
        args.get("name_en", "")[:300], args.get("name_zh", "")[:200], args.get("pinyin", "")[:300]
    )
    return jsonify([_brief(o) for o in likely])
