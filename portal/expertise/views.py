"""Expertise offers: list, create, read, edit, archive and restore."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.expertise import bp
from portal.expertise.forms import EditOfferForm, OfferForm
from portal.forms import choices
from portal.kinds import EXPERTISE
from portal.models.expertise import ExpertiseOffer
from portal.record_views import (
    add_archive_routes,
    city_field,
    edit_record_page,
    export_page,
    list_page,
    new_record_page,
)
from portal.security.permissions import READ, can, load_visible
from portal.services import agreements, audit, contacts, expertise, projects
from portal.services.events import city_events_for_picker


def _prepare(form: OfferForm, city_id: int, record=None, *, choosing_city=False) -> dict:
    themes = contacts.themes()
    people = expertise.people_to_ask(city_id)
    own_projects = projects.city_projects_for_picker(current_user, city_id)
    own_events = city_events_for_picker(current_user, city_id)
    own_agreements = agreements.city_agreements_for_picker(current_user, city_id)
    form.theme.choices = choices((t.id, t.local_name) for t in themes)
    form.contact_user.choices = choices(
        [("", _("Nobody in particular")), *((u.id, u.name) for u in people)]
    )
    form.projects.choices = choices((p.id, p.title) for p in own_projects)
    form.events.choices = choices((e.id, e.title) for e in own_events)
    form.agreements.choices = choices((a.id, a.title) for a in own_agreements)
    if record is None and request.method == "GET" and current_user.city_id == city_id:
        form.contact_user.data = str(current_user.id)  # a new offer: ask the one offering
    city_field(form, choosing_city)
    return {
        "themes": {str(t.id): t for t in themes},
        "people": {str(u.id): u for u in people},
        "projects": {str(p.id): p for p in own_projects},
        "events": {str(e.id): e for e in own_events},
        "agreements": {str(a.id): a for a in own_agreements},
    }


@bp.route("/")
def index():
    return list_page(EXPERTISE, expertise.list_offers)


@bp.route("/export.<fmt>")
def export(fmt: str):
    return export_page(EXPERTISE, expertise.list_offers, fmt)


@bp.route("/new", methods=["GET", "POST"])
def new():
    return new_record_page(EXPERTISE, OfferForm, _prepare, expertise.create_offer, name="offer")


@bp.route("/<int:offer_id>")
def detail(offer_id: int):
    offer = load_visible(current_user, ExpertiseOffer, offer_id)

    def visible(items):
        return [item for item in items if can(current_user, READ, item)]

    return render_template(
        "expertise/detail.html",
        offer=offer,
        shown_projects=visible(offer.projects),
        shown_events=visible(offer.events),
        shown_agreements=visible(offer.agreements),
        history=audit.history_for(current_user, offer),
    )


@bp.route("/<int:offer_id>/edit", methods=["GET", "POST"])
def edit(offer_id: int):
    return edit_record_page(
        EXPERTISE, offer_id, EditOfferForm, _prepare, expertise.update_offer, name="offer"
    )


add_archive_routes(
    bp,
    ExpertiseOffer,
    "offer_id",
    archive=expertise.archive_offer,
    restore=expertise.restore_offer,
    archived_message=_l("The offer is archived. You can restore it."),
    restored_message=_l("The offer is restored."),
)
