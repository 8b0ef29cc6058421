"""Importing a city's spreadsheets: upload, the columns, the preview, the import; the city's
past imports and their undo. The steps are pages of their own and work without script."""

from __future__ import annotations

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.extensions import db
from portal.forms import choices
from portal.imports import bp
from portal.imports.forms import ConfirmImportForm, UploadForm
from portal.security.permissions import can
from portal.services import cities, import_template, imports
from portal.services.errors import NotFound, ValidationError
from portal.services.uploads import megabytes, read_upload

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _city_for_import(form: UploadForm):
    """The user's city; administrators (who have none) choose one."""
    if current_user.city_id is not None:
        return current_user.city
    slug = form.city.data or request.args.get("city") or ""
    try:
        return cities.city_by_slug(slug)
    except NotFound:
        return None


def _limit() -> int:
    return int(current_app.config.get("IMPORT_MAX_BYTES", 5 * 1024 * 1024))


@bp.route("/", methods=["GET", "POST"])
def index():
    form = UploadForm()
    is_admin = current_user.city_id is None
    if is_admin:
        form.city.choices = choices(
            [("", _("Choose the city"))] + [(c.slug, c.local_name) for c in cities.all_cities()]
        )
    else:
        del form.city
    if request.method == "GET" and request.args.get("kind") in imports.IMPORTABLE:
        form.kind.data = request.args["kind"]
    # Those who cannot import (viewers, a coordinator without a city) find no page here.
    if not can(current_user, "city.create_records", current_user.city if not is_admin else None):
        raise NotFound()
    city = _city_for_import(form) if not is_admin or request.method == "POST" else None
    past = imports.batches(current_user, None if is_admin else city)
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            if city is None:
                raise ValidationError({"city": _("Choose the city the records are for.")})
            upload = form.file.data
            if upload is None or not getattr(upload, "filename", ""):
                raise ValidationError({"file": _("Choose the file to import.")})
            content = read_upload(
                upload.stream, _limit(), field="file", empty_message=_("The file is empty.")
            )
            batch = imports.start(current_user, city, form.kind.data, upload.filename, content)
        except ValidationError as error:
            db.session.rollback()
            for name, message in error.errors.items():
                target = getattr(form, name, None) if name else None
                if target is not None:
                    target.errors = [message]
                else:
                    errors.append(message)
        else:
            db.session.commit()
            return redirect(url_for("imports.columns", batch_id=batch.id))
    return render_template(
        "imports/index.html",
        form=form,
        errors=errors,
        past=past,
        may_undo=imports.may_undo,
        max_mb=megabytes(_limit()),
        max_rows=imports.MAX_ROWS,
        kinds=imports.IMPORTABLE,
    )


@bp.route("/template/<kind>.xlsx")
def template(kind: str):
    """An empty file of the kind to fill, with the headers in the reader's language."""
    if kind not in imports.IMPORTABLE:
        raise NotFound()
    body = import_template.template(imports.IMPORTABLE[kind])
    name = f"c21-{kind}-template.xlsx"
    return Response(
        body, mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


def _draft(batch_id: int):
    batch = imports.batch_by_id(current_user, batch_id)
    if batch.state != "draft":
        flash(_("This file has been imported already."), "info")
        return batch, redirect(url_for("imports.index"))
    return batch, None


@bp.route("/<int:batch_id>/columns", methods=["GET", "POST"])
def columns(batch_id: int):
    """Which column is which field: recognised from the headers, changeable."""
    batch, gone = _draft(batch_id)
    if gone:
        return gone
    form = ConfirmImportForm()
    kind = imports.IMPORTABLE[batch.kind]
    header, body = imports.sheet_of(batch)
    mapping = imports.mapping_of(batch)
    errors: dict[str, str] = {}
    if form.validate_on_submit():
        chosen = {i: request.form.get(f"column-{i}", "") for i in range(len(header))}
        try:
            imports.set_mapping(current_user, batch, chosen)
        except ValidationError as error:
            db.session.rollback()
            errors = error.errors
            mapping = {i: name for i, name in chosen.items() if name}
        else:
            db.session.commit()
            return redirect(url_for("imports.preview", batch_id=batch.id))
    samples = [
        [row.cells[i] if i < len(row.cells) else "" for row in body[:3]] for i in range(len(header))
    ]
    return render_template(
        "imports/columns.html",
        batch=batch,
        form=form,
        kind=kind,
        header=header,
        samples=samples,
        mapping=mapping,
        fields=imports.columns(kind),
        column_label=imports.column_label,
        errors=errors,
        rows=len(body),
    )


@bp.route("/<int:batch_id>/preview")
def preview(batch_id: int):
    """Every row as what it becomes, its problems by the cell, the choices for duplicates."""
    batch, gone = _draft(batch_id)
    if gone:
        return gone
    shown = imports.preview(current_user, batch)
    return render_template(
        "imports/preview.html",
        batch=batch,
        shown=shown,
        form=ConfirmImportForm(),
        column_label=imports.column_label,
        problems=imports.row_error_lines(shown.kind, shown.invalid),
    )


@bp.route("/<int:batch_id>/confirm", methods=["POST"])
def confirm(batch_id: int):
    batch, gone = _draft(batch_id)
    if gone:
        return gone
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        return redirect(url_for("imports.preview", batch_id=batch.id))
    choices = {
        int(key.split("-", 1)[1]): value
        for key, value in request.form.items()
        if key.startswith("row-") and key.split("-", 1)[1].isdigit()
    }
    try:
        outcome = imports.confirm(
            current_user, batch, choices, skip_invalid=bool(form.skip_invalid.data)
        )
    except ValidationError as error:
        db.session.rollback()
        message = next(iter(error.errors.values()), "")
        first = message.split("\n")[0]
        flash(_("Nothing was imported: %(problem)s", problem=first), "error")
        return redirect(url_for("imports.preview", batch_id=batch_id))
    db.session.commit()
    flash(
        _(
            "Imported %(created)d rows from %(file)s. Already recorded: %(linked)d; skipped: "
            "%(skipped)d.",
            created=outcome.created,
            file=batch.file_name,
            linked=outcome.linked,
            skipped=outcome.skipped + outcome.invalid,
        ),
        "success",
    )
    return redirect(url_for("imports.index"))


@bp.route("/<int:batch_id>/undo", methods=["GET", "POST"])
def undo(batch_id: int):
    """Archive what an import created (within seven days), after a confirmation page."""
    batch = imports.batch_by_id(current_user, batch_id)
    if not imports.may_undo(batch):
        flash(_("This import can no longer be undone."), "error")
        return redirect(url_for("imports.index"))
    if request.method == "GET" or request.form.get("confirmed") != "yes":
        return render_template(
            "confirm.html",
            back_url=url_for("imports.index"),
            back_title=_("Import from a spreadsheet"),
            action=url_for("imports.undo", batch_id=batch.id),
            question=_("Undo the import of %(file)s?", file=batch.file_name),
            consequence=_(
                "The %(n)d records it created are archived (their city can restore them). "
                "Records someone has changed since are kept as they are.",
                n=batch.rows_created,
            ),
            button=_("Undo the import"),
        )
    if not ConfirmImportForm().validate_on_submit():
        return redirect(url_for("imports.index"))
    try:
        result = imports.undo(current_user, batch)
    except ValidationError as error:
        db.session.rollback()
        flash(next(iter(error.errors.values()), ""), "error")
        return redirect(url_for("imports.index"))
    db.session.commit()
    message = _("The import was undone: %(n)d records archived.", n=result.archived)
    if result.kept:
        message += " " + _(
            "Kept, because they were changed since: %(names)s.", names=", ".join(result.kept[:20])
        )
    flash(message, "success")
    return redirect(url_for("imports.index"))
