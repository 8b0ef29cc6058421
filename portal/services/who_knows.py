"""What the network's cities have at an organisation, as far as the user may see."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import joinedload, selectinload

from portal.extensions import db
from portal.models.contacts import Contact, Interaction, interaction_organisations
from portal.models.organisations import Organisation
from portal.models.reference import City
from portal.security.permissions import select_visible


@dataclass
class CityRecords:
    city: City
    contacts: list[Contact] = field(default_factory=list)
    interactions: list[Interaction] = field(default_factory=list)


def records_at_organisation(actor, org: Organisation) -> list[CityRecords]:
    """The contacts and interactions at ``org`` that ``actor`` may see, grouped by city
    (the actor's own city first, then by name). Archived records are left out."""
    people = db.session.scalars(
        select_visible(actor, Contact)
        .where(Contact.organisation_id == org.id)
        .options(joinedload(Contact.city))
        .order_by(Contact.family_name, Contact.given_name)
    ).all()
    meetings = (
        db.session.scalars(
            select_visible(actor, Interaction)
            .join(
                interaction_organisations,
                interaction_organisations.c.interaction_id == Interaction.id,
            )
            .where(interaction_organisations.c.organisation_id == org.id)
            .options(joinedload(Interaction.city), selectinload(Interaction.themes))
            .order_by(Interaction.occurred_on.desc(), Interaction.id.desc())
        )
        .unique()
        .all()
    )
    groups: dict[int, CityRecords] = {}
    for contact in people:
        groups.setdefault(contact.city_id, CityRecords(contact.city)).contacts.append(contact)
    for interaction in meetings:
        groups.setdefault(interaction.city_id, CityRecords(interaction.city)).interactions.append(
            interaction
        )
    own = getattr(actor, "city_id", None)
    return sorted(groups.values(), key=lambda g: (g.city.id != own, g.city.name_fi))
