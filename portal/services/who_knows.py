"""Who in the network knows an organisation or a Chinese place: per C21 city, the records
the user may see, and for the rest a count only, with the city's liaison officer to ask
(DESIGN.md section 3: "Espoo: 2 contacts, not shared; ask Espoo's liaison officer")."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import case, func, or_, select
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
from portal.services.listing import linked_to_organisations

# The registry's kinds that point at organisations, by their list names, in its order.
MODELS = {k.blueprint: k.model for k in registry.who_knows()}
KINDS = tuple(MODELS)


# Of each kind, a city's records shown at most; for more, a link to the list filtered to them.
SHOWN = 10


@dataclass
class CityRecords:
    city: City
    records: dict[str, list] = field(default_factory=lambda: {k: [] for k in KINDS})
    visible: dict[str, int] = field(default_factory=dict)  # how many the user may see
    hidden: dict[str, int] = field(default_factory=dict)
    officer: User | None = None

    def more(self, kind: str) -> int:
        """How many visible records of ``kind`` are not on the page."""
        return self.visible.get(kind, 0) - len(self.records[kind])

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


def _at_organisations(model, org_ids):
    return linked_to_organisations(model, Organisation.id.in_(org_ids))


def _at_place(model, place_ids):
    in_place = Organisation.place_id.in_(place_ids)
    condition = linked_to_organisations(model, in_place)
    if model is Event:
        condition = or_(condition, Event.place_china_id.in_(place_ids))
    if model is Agreement:
        condition = or_(condition, Agreement.counterpart_place_id.in_(place_ids))
    return condition


def _order(model):
    return {
        "contacts": (Contact.family_name, Contact.given_name, Contact.id),
        "interactions": (Interaction.occurred_on.desc(), Interaction.id.desc()),
        "projects": (Project.title, Project.id),
        "events": (Event.starts_on.desc(), Event.id.desc()),
        "agreements": (Agreement.signed_on.desc(), Agreement.id.desc()),
    }[model]


def _collect(actor: User, condition_for) -> list[CityRecords]:
    """Per city, the first SHOWN records of each kind the user may see and how many there
    are, and how many the user may not see: three statements per record kind plus one for
    the officers, however many records there are."""
    groups: dict[int, CityRecords] = {}
    cities = {c.id: c for c in db.session.scalars(select(City))}

    def group(city_id: int) -> CityRecords:
        return groups.setdefault(city_id, CityRecords(cities[city_id]))

    for name in KINDS:
        model = MODELS[name]
        where = (condition_for(model), model.archived_at.is_(None))
        visible = visible_filter(actor, model)
        counted = db.session.execute(
            select(
                model.city_id,
                func.sum(case((visible, 1), else_=0)),
                func.sum(case((visible, 0), else_=1)),
            )
            .where(*where)
            .group_by(model.city_id)
        )
        for city_id, seen, unseen in counted:
            if seen:
                group(city_id).visible[name] = seen
            if unseen:
                group(city_id).hidden[name] = unseen
        rank = func.row_number().over(partition_by=model.city_id, order_by=_order(name))
        first = select(model.id, rank.label("rank")).where(visible, *where).subquery()
        for record in db.session.scalars(
            select(model)
            .join(first, first.c.id == model.id)
            .where(first.c.rank <= SHOWN)
            .options(joinedload(model.city))
            .order_by(*_order(name))
        ).unique():
            group(record.city_id).records[name].append(record)
    officers: dict[int, User] = {}
    for user in db.session.scalars(
        select(User)
        .where(User.city_id.in_(list(groups)), User.role == Role.OFFICER, User.active)
        .order_by(User.name)
    ):
        if user.city_id is not None:
            officers.setdefault(user.city_id, user)
    for city_id, found in groups.items():
        found.officer = officers.get(city_id)
    own = getattr(actor, "city_id", None)
    return sorted(groups.values(), key=lambda g: (g.city.id != own, g.city.local_name))


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
