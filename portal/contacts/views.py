"""China contacts: list, create, read, edit, archive and restore."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.contacts import bp
from portal.contacts.forms import ContactForm, EditContactForm
from portal.forms import choices
from portal.kinds import CONTACT
from portal.labels import LEGAL_BASIS_LABELS
from portal.models.contacts import Contact
from portal.record_views import (
    add_archive_routes,
    city_field,
    city_for_new_record,
    filter_from_request,
    page_number,
    save_edit,
    save_new,
)
from portal.security.permissions import WRITE, load_visible, require
from portal.services import audit, cities, contacts
from portal.services.organisations import all_places
from portal.services.who_knows import records_at_organisation


def _prepare(form: ContactForm, *, choosing_city: bool = False) -> dict:
    """Fill the form's choices; return what it offers, for reading the answers. Only an
    admin creating a record (admins belong to no city) chooses its city."""
    themes = contacts.themes()
    form.themes.choices = choices((t.id, t.name_en) for t in themes)
    city_field(form, choosing_city)
    return {"themes": {str(t.id): t for t in themes}}


@bp.route("/")
def index():
    flt = filter_from_request()
    page = contacts.list_contacts(current_user, flt, page=page_number())
    return render_template(
        "contacts/index.html",
        page=page,
        flt=flt,
        themes=contacts.themes(),
        places=all_places(),
        cities=cities.all_cities(),
    )


def _detail_url(contact) -> str:
    return url_for("contacts.detail", contact_id=contact.id)


@bp.route("/new", methods=["GET", "POST"])
def new():
    city = city_for_new_record(request.form.get("city"))
    form = ContactForm()
    lookup = _prepare(form, choosing_city=current_user.city_id is None)
    values = lambda: CONTACT.form_values(form, lookup)  # noqa: E731
    return save_new(
        form,
        create=lambda: contacts.create_contact(current_user, city, values()),
        template="contacts/form.html",
        detail=_detail_url,
        contact=None,
        city=city,
    )


@bp.route("/<int:contact_id>")
def detail(contact_id: int):
    contact = load_visible(current_user, Contact, contact_id)
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
    contact = load_visible(current_user, Contact, contact_id)
    require(current_user, WRITE, contact)
    form = EditContactForm(data=CONTACT.initial(contact))
    lookup = _prepare(form)
    values = lambda: CONTACT.form_values(form, lookup)  # noqa: E731
    return save_edit(
        form,
        update=lambda version: contacts.update_contact(
            current_user,
            contact,
            expected_version=version,
            values=values(),
        ),
        reload=lambda: load_visible(current_user, Contact, contact_id),
        current=CONTACT.current,
        what=_("contact"),
        template="contacts/form.html",
        detail=_detail_url,
        record=contact,
        contact=contact,
        city=contact.city,
    )


add_archive_routes(
    bp,
    Contact,
    "contact_id",
    archive=contacts.archive_contact,
    restore=contacts.restore_contact,
    archived_message=_l("The contact is archived. You can restore it."),
    restored_message=_l("The contact is restored."),
)
