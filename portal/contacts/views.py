"""China contacts: list, create, read, edit, archive and restore."""

from __future__ import annotations

from flask import jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.contacts import bp
from portal.contacts.forms import ContactForm, EditContactForm
from portal.forms import choices
from portal.input_safety import parse_id
from portal.kinds import CONTACT
from portal.labels import LEGAL_BASIS_LABELS
from portal.models.accounts import Role
from portal.models.contacts import Contact
from portal.record_views import (
    add_archive_routes,
    city_field,
    edit_record_page,
    export_page,
    list_page,
    new_record_page,
)
from portal.security.permissions import load_visible
from portal.services import access_log, audit, contacts
from portal.services.who_knows import records_at_organisation


def _prepare(form: ContactForm, city_id: int, record=None, *, choosing_city=False) -> dict:
    """Fill the form's choices; return what it offers, for reading the answers. Only an
    admin creating a record (admins belong to no city) chooses its city."""
    themes = contacts.themes()
    form.themes.choices = choices((t.id, t.local_name) for t in themes)
    city_field(form, choosing_city)
    return {"themes": {str(t.id): t for t in themes}}


@bp.route("/")
def index():
    return list_page(CONTACT, contacts.list_contacts)


@bp.route("/export.<fmt>")
def export(fmt: str):
    return export_page(CONTACT, contacts.list_contacts, fmt)


@bp.route("/lookup")
def lookup():
    """People of the user's own city matching a typed name, for the people picker (JSON):
    the same rule as the picker's "Find" (only contacts the user may see)."""
    city_id = current_user.city_id
    if current_user.role == Role.ADMIN:  # admins belong to no city: the form names one
        city_id = parse_id(request.args.get("city"))
    found = contacts.contacts_for_picker(
        current_user, city_id, query=request.args.get("q", "")[:100]
    )
    return jsonify([{"id": c.id, "label": contacts.picker_label(c)} for c in found])


@bp.route("/new", methods=["GET", "POST"])
def new():
    return new_record_page(CONTACT, ContactForm, _prepare, contacts.create_contact)


@bp.route("/<int:contact_id>")
def detail(contact_id: int):
    contact = load_visible(current_user, Contact, contact_id)
    access_log.record_read(current_user, [contact])
    return render_template(
        "contacts/detail.html",
        contact=contact,
        interactions=contacts.interactions_of(current_user, contact),
        by_city=records_at_organisation(current_user, contact.organisation)
        if contact.organisation
        else [],
        history=audit.history_for(current_user, contact),
        legal_basis_labels=LEGAL_BASIS_LABELS,
    )


@bp.route("/<int:contact_id>/edit", methods=["GET", "POST"])
def edit(contact_id: int):
    return edit_record_page(CONTACT, contact_id, EditContactForm, _prepare, contacts.update_contact)


add_archive_routes(
    bp,
    Contact,
    "contact_id",
    archive=contacts.archive_contact,
    restore=contacts.restore_contact,
    archived_message=_l("The contact is archived. You can restore it."),
    restored_message=_l("The contact is restored."),
)
