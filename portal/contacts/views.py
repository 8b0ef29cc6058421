"""China contacts: list, create, read, edit, archive and restore."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.contacts import bp
from portal.contacts.forms import LEGAL_BASIS_LABELS, ContactForm, EditContactForm
from portal.forms import choices
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
    """Fill the form's choices; return the themes by id for reading the answers. Only an
    admin creating a record (admins belong to no city) chooses its city."""
    themes = contacts.themes()
    form.themes.choices = choices((t.id, t.name_en) for t in themes)
    city_field(form, choosing_city)
    return {str(t.id): t for t in themes}


def _values(form: ContactForm, themes_by_id: dict) -> dict:
    return {
        "family_name": form.family_name.data,
        "given_name": form.given_name.data,
        "family_name_first": form.family_name_first.data == "1",
        "name_zh": form.name_zh.data,
        "pinyin": form.pinyin.data,
        "title": form.title.data,
        "organisation_name": form.organisation_name.data,
        "create_organisation": form.create_organisation.data,
        "email": form.email.data,
        "phone": form.phone.data,
        "wechat": form.wechat.data,
        "languages": form.languages.data,
        "themes": [themes_by_id[i] for i in form.themes.data or [] if i in themes_by_id],
        "notes": form.notes.data,
        "source": form.source.data,
        "legal_basis": form.legal_basis.data,
        "last_verified_on": form.last_verified_on.data,
        "visibility": form.visibility.data,
    }


def _initial(contact: Contact) -> dict:
    return {
        **_current(contact),
        "family_name_first": "1" if contact.family_name_first else "0",
        "themes": [str(t.id) for t in contact.themes],
        "legal_basis": contact.legal_basis,
        "last_verified_on": contact.last_verified_on,
        "version": contact.version,
    }


def _current(contact: Contact) -> dict:
    """The stored values in the form's terms, for showing a conflict."""
    return {
        "family_name": contact.family_name,
        "given_name": contact.given_name,
        "name_zh": contact.name_zh,
        "pinyin": contact.pinyin,
        "title": contact.title,
        "organisation_name": contact.organisation.name_en if contact.organisation else "",
        "email": contact.email,
        "phone": contact.phone,
        "wechat": contact.wechat,
        "languages": contact.languages,
        "notes": contact.notes,
        "source": contact.source,
        "visibility": contact.visibility,
    }


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
    themes_by_id = _prepare(form, choosing_city=current_user.city_id is None)
    return save_new(
        form,
        create=lambda: contacts.create_contact(current_user, city, _values(form, themes_by_id)),
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
    form = EditContactForm(data=_initial(contact))
    themes_by_id = _prepare(form)
    return save_edit(
        form,
        update=lambda version: contacts.update_contact(
            current_user, contact, expected_version=version, values=_values(form, themes_by_id)
        ),
        reload=lambda: load_visible(current_user, Contact, contact_id),
        current=_current,
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
