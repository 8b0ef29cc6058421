"""What the views of every city-owned record kind share: reading list filters from the
query string, the city a new record belongs to, and the archive and restore buttons."""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from portal.extensions import db
from portal.forms import attach_errors, choices, stale_differences
from portal.input_safety import parse_id
from portal.kinds import Kind
from portal.models.accounts import Role
from portal.models.reference import City
from portal.security.permissions import WRITE, deny, load_visible, require
from portal.services import cities
from portal.services.errors import StaleEdit, ValidationError
from portal.services.listing import RecordFilter, filter_from
from portal.services.records import Position

R = TypeVar("R")


def filter_from_request() -> RecordFilter:
    """The list filters of the query string, so that a filtered list can be bookmarked."""
    return filter_from(request.args)


def list_page(kind: Kind, lister, **context):
    """A kind's list page: the filters of the query string, one page of what
    ``lister(actor, filter, page=n)`` finds, and the filters' choices."""
    from portal.services.contacts import themes
    from portal.services.organisations import all_places

    flt = filter_from_request()
    return render_template(
        f"{kind.blueprint}/index.html",
        page=lister(current_user, flt, page=page_position()),
        flt=flt,
        themes=themes(),
        places=all_places(),
        cities=cities.all_cities(),
        **context,
    )


def export_page(kind: Kind, lister, fmt: str):
    """A list as a file (CSV or XLSX): what ``lister`` finds for the page's filters, as the
    list page would show it to the user; audited."""
    from flask import abort

    from portal.services import exports

    if fmt not in exports.FORMATS:
        abort(404)
    flt = filter_from_request()
    described = request.query_string.decode("utf-8", "replace")
    table = exports.list_table(current_user, kind, lister, flt, described=described, fmt=fmt)
    db.session.commit()
    return file_response(table, fmt, kind.blueprint)


def pdf_response(html: str, filename: str, *, private: bool = True):
    """A printable page as a tagged PDF download; a city's own data (``private``) is kept by
    no cache on the way."""
    from flask import Response

    from portal.services.meetings import to_pdf

    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if private:
        headers["Cache-Control"] = "private, no-store"
    return Response(to_pdf(html), mimetype="application/pdf", headers=headers)


def file_response(table, fmt: str, name: str):
    """An exports.Table as a download: CSV or XLSX, named after ``name`` and today."""
    from flask import Response, abort

    from portal.services import exports
    from portal.timeutil import local_today

    if fmt == "csv":
        body, mimetype = exports.to_csv(table), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body = exports.to_xlsx(table)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        abort(404)
    filename = f"{name}-{local_today().isoformat()}.{fmt}"
    return Response(
        body,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            # Records of a city: kept by no cache on the way.
            "Cache-Control": "private, no-store",
        },
    )


def page_number() -> int:
    value = request.args.get("page", "1")
    number = parse_id(value)
    return number if number and number < 100_000 else 1


def page_position() -> Position:
    """The page of a list the query string asks for, and where the page the user came
    from ended or began (see records.paginate); a cursor that is not an id is left out."""
    after, before = parse_id(request.args.get("after")), parse_id(request.args.get("before"))
    if after and before:
        after = before = None
    return Position(page_number(), after or None, before or None)


def city_for_new_record(form_city_slug: str | None = None) -> City:
    """The city a new record will belong to: the user's own; an admin, who has none, picks
    one on the form. Others without a city may not create city records (403)."""
    if current_user.city_id is not None:
        city = current_user.city
    elif current_user.role == Role.ADMIN:
        city = cities.find_city(form_city_slug) or cities.largest_city()
    else:
        city = None
    if city is None:
        deny(current_user, "city.create_records", "cities", None, status=403)
    require(current_user, "city.create_records", city)
    return city


def run_archive_action(service, record, done_message: str) -> None:
    """Archive or restore through ``service`` and say what happened."""
    try:
        service(current_user, record)
    except ValidationError:
        db.session.rollback()
        flash(_("Nothing to do: the record was already in that state."), "info")
        return
    db.session.commit()
    flash(done_message, "success")


def refining() -> bool:
    """Was the form sent to refine it (a "Find" button of a picker) rather than to save it?
    Then it comes back as typed, with no messages and nothing saved."""
    return request.method == "POST" and "refine" in request.form


def people_picker(form, city_id: int, record=None) -> dict[str, Any]:
    """Fill a form's people picker: the contacts chosen so far (posted, or the record's, or
    the form's initial ones) and, when "Find" was pressed, those matching what was typed;
    returns them by id for reading the answer. The form carries a handful of people, never
    the city's every contact."""
    from portal.services.contacts import contacts_for_picker, picker_label

    if request.method == "POST":
        chosen = request.form.getlist(form.contacts.name)
    elif record is not None:
        chosen = [str(c.id) for c in record.contacts]
    else:
        chosen = list(form.contacts.data or [])
    query = (form.contact_query.data or "") if refining() else ""
    people = contacts_for_picker(current_user, city_id, chosen=chosen, query=query)
    form.contacts.choices = choices((c.id, picker_label(c)) for c in people)
    if refining() and query:
        form.contact_query.description = ngettext(
            "%(num)d person found for “%(query)s”: tick to add.",
            "%(num)d people found for “%(query)s”: tick to add.",
            len(people) - len(chosen),
            query=query,
        )
    return {str(c.id): c for c in people}


def save_new(form, *, create, template: str, detail: Callable[[Any], str], **context):
    """The POST half of a "new record" page: on a valid form call ``create()`` (a service
    call returning the record), commit and go to the record; otherwise, or when the service
    refuses the input, show the form again with the messages by their fields."""
    errors: list[str] = []
    if not refining() and form.validate_on_submit():
        try:
            record = create()
        except ValidationError as error:
            db.session.rollback()
            errors = attach_errors(form, error)
        else:
            db.session.commit()
            return redirect(detail(record))
    return render_template(template, form=form, errors=errors, **context)


def stale_message(*, shown: bool = True) -> str:
    """What a refused stale save says, wherever it happens (``shown``: the other person's
    values are on the page)."""
    if shown:
        return _(
            "Someone else saved this while you were editing it. Nothing was saved. "
            "Their values are shown with yours; save again to keep yours."
        )
    return _(
        "Someone else saved this while you were editing it. Nothing was saved. "
        "Save again to keep yours, or open it again to see theirs first."
    )


def save_edit(
    form,
    *,
    update: Callable[[Any], Any],
    reload: Callable[[], R],
    current: Callable[[R], dict],
    template: str,
    detail: Callable[[R], str],
    record: R,
    success: str | Callable[[Any], str | None] | None = None,
    version_field: str = "version",
    version_of: Callable[[R], int] = attrgetter("version"),
    on_invalid: Callable[[ValidationError], dict] | None = None,
    **context,
):
    """The POST half of every edit page of a versioned thing (a record, an account, a
    meeting, an agenda item, an item's minutes): ``update(version)`` calls the service with
    the version the form was loaded at. A stale save is refused with one message; the other
    person's values are shown next to the user's (``current`` gives the stored values in the
    form's terms) and the form carries the current version, so that saving again goes
    through. Bad input comes back by the fields (``on_invalid`` turns an error that carries
    more, like a duplicate's existing row, into more for the template). After saving, ``success`` (a
    message, or a function of what ``update`` returned) is flashed and the user goes to
    ``detail(record)``."""
    errors: list[str] = []
    conflict: list = []
    if not refining() and form.validate_on_submit():
        field = form[version_field]
        try:
            outcome = update(field.data)
        except StaleEdit:
            db.session.rollback()
            record = reload()
            conflict = stale_differences(form, current(record))
            field.data = version_of(record)
            field.raw_data = [str(version_of(record))]
            errors = [stale_message(shown=bool(conflict))]
        except ValidationError as error:
            db.session.rollback()
            if on_invalid is not None:
                context.update(on_invalid(error) or {})
            errors = attach_errors(form, error)
        else:
            db.session.commit()
            message = success(outcome) if callable(success) else success
            if message:
                flash(message, "success")
            return redirect(detail(record))
    return render_template(
        template, form=form, errors=errors, conflict=conflict, record=record, **context
    )


def new_record_page(
    kind: Kind, form_class, prepare, create, *, after=None, name: str = "", initial=None
):
    """A kind's "new" page: the record belongs to the user's city (an admin picks one),
    ``prepare(form, city_id, None, choosing_city=...)`` fills the choices and returns what
    they offer, ``create(actor, city, values)`` is the service; ``after(form, record)`` may
    do more with the saved record (a document to attach); ``initial`` fills the form on its
    first showing. The template is the kind's form.html, with the record under ``name``
    (default: the kind's key) as None."""
    city = city_for_new_record(request.form.get("city"))
    form = form_class(data=initial)
    lookup = prepare(form, city.id, None, choosing_city=current_user.city_id is None)

    def create_record():
        record = create(current_user, city, kind.form_values(form, lookup))
        if after is not None:
            after(form, record)
        return record

    return save_new(
        form,
        create=create_record,
        template=f"{kind.blueprint}/form.html",
        detail=lambda record: kind.url(record.id),
        **{name or kind.key: None},
        city=city,
    )


def edit_record_page(
    kind: Kind, record_id: int, form_class, prepare, update, *, after=None, name: str = ""
):
    """A kind's edit page, for the writers of the record's city: the form filled from the
    record (the registry's initial values), ``prepare(form, city_id, record)`` for the
    choices, ``update(actor, record, expected_version=, values=)`` the service, saved
    through save_edit (a stale save refused with both values shown)."""
    record = load_visible(current_user, kind.model, record_id)
    require(current_user, WRITE, record)
    form = form_class(data=kind.initial(record))
    lookup = prepare(form, record.city_id, record)

    def update_record(version):
        changes = update(
            current_user, record, expected_version=version, values=kind.form_values(form, lookup)
        )
        if after is not None:
            after(form, record)
        return changes

    return save_edit(
        form,
        update=update_record,
        reload=lambda: load_visible(current_user, kind.model, record_id),
        current=kind.current,
        template=f"{kind.blueprint}/form.html",
        detail=lambda stored: kind.url(stored.id),
        record=record,
        **{name or kind.key: record},
        city=record.city,
    )


def archive_action(model, record_id: int, service, message: str, back: Callable[[int], str]):
    """A POST that archives or restores one record through ``service``."""
    record = load_visible(current_user, model, record_id)
    require(current_user, WRITE, record)
    run_archive_action(service, record, message)
    return redirect(back(record_id))


def add_archive_routes(
    bp,
    model,
    id_arg: str,
    *,
    archive,
    restore,
    archived_message,
    restored_message,
    prefix: str = "",
) -> None:
    """Register the ``archive`` and ``restore`` POST routes of a record kind on ``bp``:
    ``<prefix>/<id>/archive`` and ``.../restore``, back to the record's page after."""

    def back(record_id: int) -> str:
        values: dict[str, Any] = {id_arg: record_id}
        return url_for(f"{bp.name}.detail", **values)

    def archive_view(**kwargs):
        return archive_action(model, kwargs[id_arg], archive, str(archived_message), back)

    def restore_view(**kwargs):
        return archive_action(model, kwargs[id_arg], restore, str(restored_message), back)

    bp.add_url_rule(f"{prefix}/<int:{id_arg}>/archive", "archive", archive_view, methods=["POST"])
    bp.add_url_rule(f"{prefix}/<int:{id_arg}>/restore", "restore", restore_view, methods=["POST"])


def city_field(form, choosing_city: bool) -> None:
    """Only an admin creating a record (admins belong to no city) chooses the city it
    belongs to; everyone else's records belong to their own city, and the form has no
    such field at all (nothing to post, nothing to validate)."""
    if choosing_city:
        from portal.services.cities import all_cities

        form.city.choices = choices((c.slug, c.local_name) for c in all_cities())
    else:
        del form.city


def picked(lookup: dict[str, dict[str, object]], kind: str, ids) -> list:
    """The records a multiple-choice field's answers name, ignoring any id the form did not
    offer (a crafted post cannot link what the user was not shown)."""
    return [lookup[kind][i] for i in ids or [] if i in lookup[kind]]
