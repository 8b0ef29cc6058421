"""The interaction log: list, create, read, edit, archive and restore."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.forms import choices
from portal.input_safety import parse_id
from portal.interactions import bp
from portal.interactions.forms import EditInteractionForm, InteractionForm
from portal.kinds import INTERACTION
from portal.models.contacts import Interaction
from portal.record_views import (
    add_archive_routes,
    city_field,
    edit_record_page,
    export_page,
    list_page,
    new_record_page,
    people_picker,
)
from portal.security.permissions import READ, can, load_visible
from portal.services import access_log, audit, contacts, interactions


def _prepare(form: InteractionForm, city_id: int, record=None, *, choosing_city=False) -> dict:
    """Fill the choices: the city's contacts, the organisations linked so far, themes; the
    city only for an admin creating one (admins belong to no city)."""
    linked_orgs = list(record.organisations) if record else []
    themes = contacts.themes()
    people = people_picker(form, city_id, record)
    form.themes.choices = choices((t.id, t.local_name) for t in themes)
    form.organisations.choices = choices((o.id, o.name_en) for o in linked_orgs)
    city_field(form, choosing_city)
    return {
        "themes": {str(t.id): t for t in themes},
        "contacts": people,
        "organisations": {str(o.id): o for o in linked_orgs},
    }


@bp.route("/")
def index():
    return list_page(INTERACTION, interactions.list_interactions)


@bp.route("/export.<fmt>")
def export(fmt: str):
    return export_page(INTERACTION, interactions.list_interactions, fmt)


@bp.route("/new", methods=["GET", "POST"])
def new():
    initial = {}
    contact_id = request.args.get("contact", "")
    if parse_id(contact_id) is not None:
        # Logged from a contact's page: that person is ticked already.
        initial["contacts"] = [contact_id]
    return new_record_page(
        INTERACTION, InteractionForm, _prepare, interactions.create_interaction, initial=initial
    )


@bp.route("/<int:interaction_id>")
def detail(interaction_id: int):
    interaction = load_visible(current_user, Interaction, interaction_id)
    return render_template(
        "interactions/detail.html",
        interaction=interaction,
        # A shared interaction may name a person the city keeps private: not shown.
        people=access_log.shown(
            current_user, [c for c in interaction.contacts if can(current_user, READ, c)]
        ),
        history=audit.history_for(current_user, interaction),
    )


@bp.route("/<int:interaction_id>/edit", methods=["GET", "POST"])
def edit(interaction_id: int):
    return edit_record_page(
        INTERACTION, interaction_id, EditInteractionForm, _prepare, interactions.update_interaction
    )


add_archive_routes(
    bp,
    Interaction,
    "interaction_id",
    archive=interactions.archive_interaction,
    restore=interactions.restore_interaction,
    archived_message=_l("The interaction is archived. You can restore it."),
    restored_message=_l("The interaction is restored."),
)
