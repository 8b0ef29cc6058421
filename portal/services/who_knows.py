"""Who in the network knows an organisation or a Chinese place: per C21 city, the records
the user may see, and for the rest a count only, with the city's liaison officer to ask
(DESIGN.md section 3: "Espoo: 2 contacts, not shared; ask Espoo's liaison officer")."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, not_, or_, select
from sqlalchemy.orm import joinedload

from portal import kinds as registry
from portal.extensions import db
from portal.models.accounts import Role, User
from portal.models.agreements import Agreement
from portal.models.contacts import Contact, Interaction
from portal.models.events import Event
from portal.models.organisations import Organisation
from portal.models.projects import Project
from portal.models.reference import ChinesePlace, City
from portal.security.permissions import visible_filter

# The registry's kinds that point at organisations, by their list names, in its order.
MODELS = {k.blueprint: k.model for k in registry.who_knows()}
KINDS = tuple(MODELS)


@dataclass
class CityRecords:
    city: City
    records: dict[str, list] = field(default_factory=lambda: {k: [] for k in KINDS})
    hidden: dict[str, int] = field(default_factory=dict)
    officer: User | None = None

    # Kept for the templates written for contacts and interactions.
    @property
    def contacts(self) -> list:
        return self.records["contacts"]

    @property
    def interactions(self) -> list:
        return self.records["interactions"]

    @property
    def hidden_total(self) -> int:
        return sum(self.hidden.values())


def _linked(model, organisation_condition):
    """``model.id IN (the ids its link table pairs with the matching organisations)``.

    Not ``model.organisations.any(...)``: SQLite plans that as a correlated subquery run
    for every row of the model (every interaction of the network per request); this form
    starts from the link table's organisation index."""
    link = model.organisations.property.secondary
    own_column = next(c for c in link.c if c.references(model.__table__.c.id))
    organisation_column = next(c for c in link.c if c.references(Organisation.__table__.c.id))
    matching = select(Organisation.id).where(organisation_condition)
    return model.id.in_(select(own_column).where(organisation_column.in_(matching)))


def _at_organisations(model, org_ids):
    if model is Contact:
        return Contact.organisation_id.in_(org_ids)
    return _linked(model, Organisation.id.in_(org_ids))


def _at_place(model, place_ids):
    in_place = Organisation.place_id.in_(place_ids)
    if model is Contact:
        return Contact.organisation_id.in_(select(Organisation.id).where(in_place))
    condition = _linked(model, in_place)
    if model is Event:
        condition = or_(condition, Event.place_china_id.in_(place_ids))
    if model is Agreement:
        condition = or_(condition, Agreement.counterpart_place_id.in_(place_ids))
    return condition


def _order(model):
    return {
        "contacts": (Contact.family_name, Contact.given_name),
        "interactions": (Interaction.occurred_on.desc(),),
        "projects": (Project.title,),
        "events": (Event.starts_on.desc(),),
        "agreements": (Agreement.signed_on.desc(),),
    }[model]


def _collect(actor: User, condition_for) -> list[CityRecords]:
    """Visible records and hidden counts per city; two statements per record kind plus one
    for the officers, however many records there are."""
    groups: dict[int, CityRecords] = {}
    cities = {c.id: c for c in db.session.scalars(select(City))}
    for name in KINDS:
        model = MODELS[name]
        where = [condition_for(model), model.archived_at.is_(None)]
        for record in db.session.scalars(
            select(model)
            .where(visible_filter(actor, model), *where)
            .options(joinedload(model.city))
            .order_by(*_order(name))
        ).unique():
            groups.setdefault(record.city_id, CityRecords(cities[record.city_id])).records[
                name
            ].append(record)
        hidden = db.session.execute(
            select(model.city_id, func.count(model.id))
            .where(not_(visible_filter(actor, model)), *where)
            .group_by(model.city_id)
        )
        for city_id, count in hidden:
            groups.setdefault(city_id, CityRecords(cities[city_id])).hidden[name] = count
    officers: dict[int, User] = {}
    for user in db.session.scalars(
        select(User)
        .where(User.city_id.in_(list(groups)), User.role == Role.OFFICER, User.active)
        .order_by(User.name)
    ):
        if user.city_id is not None:
            officers.setdefault(user.city_id, user)
    for city_id, group in groups.items():
        group.officer = officers.get(city_id)
    own = getattr(actor, "city_id", None)
    return sorted(groups.values(), key=lambda g: (g.city.id != own, g.city.name_fi))


def records_at_organisation(actor: User, org: Organisation) -> list[CityRecords]:
    """Per city, what links to ``org`` (and the organisations under it)."""
    org_ids = [
        org.id,
        *db.session.scalars(select(Organisation.id).where(Organisation.parent_id == org.id)),
    ]
    return _collect(actor, lambda model: _at_organisations(model, org_ids))


def records_at_place(actor: User, place: ChinesePlace) -> list[CityRecords]:
    """Per city, what links to a Chinese place (and the places under it)."""
    place_ids = [
        place.id,
        *db.session.scalars(select(ChinesePlace.id).where(ChinesePlace.parent_id == place.id)),
    ]
    return _collect(actor, lambda model: _at_place(model, place_ids))
