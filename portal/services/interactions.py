"""The interaction log: meetings, visits, calls, messages and events, owned by a city."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from portal.kinds import INTERACTION
from portal.models.accounts import User
from portal.models.contacts import Interaction
from portal.models.reference import City
from portal.security.permissions import READ, can, ensure, select_visible
from portal.services import organisations, records
from portal.services.errors import ValidationError
from portal.services.listing import RecordFilter, apply_filter
from portal.services.records import Page, Position, Shortlist, first_few, paginate


def _clean(actor: User, values: dict) -> dict:
    errors: dict[str, str] = {}
    cleaned = INTERACTION.clean_text(values, errors)
    link = organisations.OrganisationLink(actor, values, errors)
    if not cleaned["title"]:
        errors["title"] = str(_l("Give the interaction a short title."))
    if cleaned["occurred_on"] is None:
        errors["occurred_on"] = str(_l("Enter the date."))
    follow_up = cleaned["follow_up_on"]
    if follow_up and cleaned["occurred_on"] and follow_up < cleaned["occurred_on"]:
        errors["follow_up_on"] = str(_l("The follow-up cannot be before the interaction."))
    cleaned["follow_up_done"] = bool(cleaned["follow_up_done"]) and follow_up is not None
    # Only people the actor may see can be linked (a form could post any id).
    contacts = cleaned["contacts"]
    if any(not can(actor, READ, c) for c in contacts):
        errors["contacts"] = str(_l("Choose contacts from the list."))
    if errors:
        raise ValidationError(errors)
    # The organisations of the people taking part are linked too.
    people_at = [c.organisation for c in contacts if c.organisation is not None]
    cleaned["organisations"] = link.linked([*(cleaned["organisations"] or []), *people_at])
    return cleaned


def check(actor: User, values: dict) -> dict:
    """What create_interaction would store, checked the same way, writing nothing (an
    import's preview). Raises ValidationError."""
    return _clean(actor, {**values, "organisation_name": "", "create_organisation": False})


def create_interaction(actor: User, city: City, values: dict) -> Interaction:
    """Log an interaction for ``city``. Writers of that city. The organisations of the
    chosen contacts are linked too. Raises ValidationError, Forbidden."""
    ensure(actor, "city.create_records", city)
    return records.create_record(actor, city, INTERACTION, _clean(actor, values))


def update_interaction(actor: User, interaction: Interaction, *, expected_version, values) -> dict:
    """Save changes to an interaction; returns what changed. Writers of its city.
    Raises StaleEdit, ValidationError, Forbidden."""

    def clean():
        cleaned = _clean(actor, values)
        # Links to people the actor cannot see are kept as they are: they are not the
        # actor's to remove, and the form never showed them.
        hidden = [c for c in interaction.contacts if not can(actor, READ, c)]
        cleaned["contacts"] += [c for c in hidden if c not in cleaned["contacts"]]
        return cleaned

    return records.update_record(actor, interaction, expected_version=expected_version, clean=clean)


def archive_interaction(actor: User, interaction: Interaction) -> None:
    """Archive an interaction. Writers of its city."""
    records.archive(actor, interaction)


def restore_interaction(actor: User, interaction: Interaction) -> None:
    """Restore an archived interaction. Writers of its city."""
    records.restore(actor, interaction)


def _eager(stmt):
    """What a list of interactions shows with each (an export loads the rest itself)."""
    return stmt.options(
        selectinload(Interaction.organisations),
        selectinload(Interaction.themes),
        joinedload(Interaction.city),
    )


def list_interactions(
    actor: User, flt: RecordFilter, *, page: int | Position = 1, per_page: int = 50
) -> Page:
    """The interactions ``actor`` may see, filtered, newest first by default."""
    stmt = _eager(select_visible(actor, Interaction, include_archived=True))
    stmt = apply_filter(stmt, Interaction, flt, actor=actor)
    order = {
        "oldest": (Interaction.occurred_on.asc(), Interaction.id),
        "title": (Interaction.title, Interaction.id),
        "follow_up": (Interaction.follow_up_on.asc(), Interaction.id),
    }.get(flt.sort, (Interaction.occurred_on.desc(), Interaction.id.desc()))
    stmt = stmt.order_by(*order)
    return paginate(stmt, page=page, per_page=per_page, eager=_eager, searched=flt.searched)


def follow_ups(actor: User, city_id: int | None, *, today: date, days: int = 14):
    """The city's open follow-ups: (the first overdue, the first due within ``days``),
    soonest first, each a Shortlist."""
    if city_id is None:
        return Shortlist(), Shortlist()
    open_ones = (
        select_visible(actor, Interaction)
        .where(
            Interaction.city_id == city_id,
            Interaction.follow_up_on.is_not(None),
            Interaction.follow_up_done.is_(False),
        )
        .order_by(Interaction.follow_up_on, Interaction.id)
    )
    return (
        first_few(open_ones.where(Interaction.follow_up_on < today)),
        first_few(
            open_ones.where(
                Interaction.follow_up_on >= today,
                Interaction.follow_up_on <= today + timedelta(days=days),
            )
        ),
    )
