"""Who in the network knows an organisation or a Chinese place: per C21 city, the records
the user may see, and for the rest a count only, with the city's liaison officer to ask
(DESIGN.md section 3: "Espoo: 2 contacts, not shared; ask Espoo's liaison officer")."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import groupby, islice
from operator import itemgetter
from typing import Any

from sqlalchemy import BindParameter, bindparam, case, select

from portal import kinds as registry
from portal.caching import per_parts_state
from portal.extensions import db
from portal.models.accounts import Role, User
from portal.models.agreements import Agreement
from portal.models.contacts import Contact, Interaction, display_name
from portal.models.events import Event
from portal.models.organisations import Organisation
from portal.models.projects import Project
from portal.models.reference import ChinesePlace, City
from portal.search import index
from portal.security.permissions import visibility_scope, visible_filter

# The registry's kinds that point at organisations, by their list names, in its order.
MODELS = {k.blueprint: k.model for k in registry.who_knows()}
KINDS = tuple(MODELS)


# Of each kind, a city's records shown at most; for more, a link to the list filtered to them.
SHOWN = 5
# On a place's page, which gathers every organisation there for 21 cities, fewer: the page
# is an overview, and its lists hold the rest.
SHOWN_AT_PLACE = 3

# Of each kind, the records counted at most. A busy place (Beijing: ~35,000 interactions at
# its organisations) would otherwise cost a look-up of every one of them on every visit
# (issue 18); past this the page says it counted the first ones and links the lists, which
# have them all.
COUNTED = 1000


class ShownRecord:
    """A record as the pages list it: the fields they show (_SHOWN_FIELDS), what its badges
    read (city, visibility, archiving) and its city. Plain, not a mapped object: made by the
    session, each of a busy organisation's two hundred became an identity-mapped instance
    with a loader set for every column left out, for a page that only reads them."""

    def __init__(self, values: Mapping[Any, Any], city: City):
        self.__dict__.update(values)
        self.city = city

    @property
    def display_name(self) -> str:
        return display_name(self)


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


@dataclass
class WhoKnows:
    """The cities' records, and the kinds whose count stopped at COUNTED (then every figure
    of that kind is a lower bound, and a city may have records there that were not counted)."""

    groups: list[CityRecords]
    capped: list[str] = field(default_factory=list)
    counted: int = COUNTED

    def __iter__(self):
        return iter(self.groups)

    def __len__(self) -> int:
        return len(self.groups)

    def __bool__(self) -> bool:
        return bool(self.groups) or bool(self.capped)


def _sources(model, organisations, direct=None) -> list:
    """The statements that find ``model``'s records at the ``organisations`` (a select of
    their ids), plus those matching ``direct`` (an event's or agreement's own place).

    Each starts from the link table's organisation index and joins the record, so a LIMIT
    stops it after that many rows; ``model.id IN (SELECT ...)`` would first collect every
    linked id (35,000 at Beijing's organisations) before the first row."""
    if hasattr(model, "organisations"):
        link = model.organisations.property.secondary
        own = next(c for c in link.c if c.references(model.__table__.c.id))
        org = next(c for c in link.c if c.references(Organisation.__table__.c.id))
        found = [
            lambda cols: (
                select(*cols)
                .select_from(link)
                .join(model, model.id == own)
                .where(org.in_(organisations))
            )
        ]
    else:
        found = [lambda cols: select(*cols).where(model.organisation_id.in_(organisations))]
    if direct is not None:
        found.append(lambda cols: select(*cols).where(direct))
    return found


# The organisations, or the Chinese places, the statements are about: their ids go in as
# this parameter.
_IDS = "ids"


def _at_organisations(model) -> list:
    ids: BindParameter[list[int]] = bindparam(_IDS, expanding=True)
    return _sources(model, select(Organisation.id).where(Organisation.id.in_(ids)))


def _at_place(model) -> list:
    place_ids: BindParameter[list[int]] = bindparam(_IDS, expanding=True)
    in_place = select(Organisation.id).where(Organisation.place_id.in_(place_ids))
    direct = None
    if model is Event:
        direct = Event.place_china_id.in_(place_ids)
    if model is Agreement:
        direct = Agreement.counterpart_place_id.in_(place_ids)
    return _sources(model, in_place, direct)


# Per kind, the order its records are shown in, and whether it is newest first.
_ORDER = {
    "contacts": ((Contact.family_name, Contact.given_name, Contact.id), False),
    "interactions": ((Interaction.occurred_on, Interaction.id), True),
    "projects": ((Project.title, Project.id), False),
    "events": ((Event.starts_on, Event.id), True),
    "agreements": ((Agreement.signed_on, Agreement.id), True),
}


# Per kind, what the pages show of a record besides what every record's badges read (its
# city, visibility and archiving): loaded alone, as the long texts (notes, summaries, the
# folded search text) of a busy organisation's 200 records were most of what was read.
_SHOWN_FIELDS = {
    "contacts": ("family_name", "given_name", "family_name_first", "name_zh", "pinyin", "title"),
    "interactions": ("title", "occurred_on"),
    "projects": ("title",),
    "events": ("title", "starts_on"),
    "agreements": ("title", "signed_on"),
}


def _shown_columns(name: str, model) -> list:
    names = ("id", "city_id", "visibility", "archived_at", *_SHOWN_FIELDS[name])
    return [getattr(model, column) for column in names]


def _order(name: str) -> tuple:
    # As _sort_key picks them: a record without a date or title first in a list in order,
    # last in one newest first, on both databases (PostgreSQL's default is the other way).
    columns, newest_first = _ORDER[name]
    if newest_first:
        return tuple(c.desc().nulls_last() for c in columns)
    return tuple(c.asc().nulls_first() for c in columns)


def _sort_key(values: tuple) -> tuple:
    # Records without a date or title sort as the database sorts NULL: first ascending,
    # last newest-first.
    return tuple((v is not None, v if v is not None else "") for v in values)


def _first_of_each_city(rows: list, shown_at_most: int, newest_first: bool) -> list[int]:
    """The ids of the first ``shown_at_most`` of each city's ``rows`` (id, city, seen, then
    the columns they are shown in order of). One sort by city and those columns with a
    C-level key (a busy organisation has a thousand rows here); only a kind with a missing
    date or title needs the slower key. The cities' own order does not matter."""
    order = itemgetter(1, *range(3, len(rows[0])))
    try:
        rows = sorted(rows, key=order, reverse=newest_first)
    except TypeError:  # a None among the values compared
        rows = sorted(rows, key=lambda r: _sort_key(order(r)), reverse=newest_first)
    by_city = groupby(rows, key=itemgetter(1))
    return [row[0] for _, of_city in by_city for row in islice(of_city, shown_at_most)]


@dataclass(frozen=True)
class _Statements:
    counted: list  # one or two statements: id, city, whether the user may see it, order
    shown: Any  # what the page shows of the records of the parameter "shown"


# Built once for each kind, way of finding (at organisations or at a place) and visibility
# scope, and used with the ids as parameters: building them anew for every page cost as much
# as reading what they find (9 ms of a place's 29).
_STATEMENTS: dict[tuple, _Statements] = {}


def _statements(actor: User, name: str, at_place: bool) -> _Statements:
    key = (name, at_place, visibility_scope(actor))
    if key not in _STATEMENTS:
        model = MODELS[name]
        order_columns = _ORDER[name][0]
        columns = (model.id, model.city_id, case((visible_filter(actor, model), 1), else_=0))
        sources = _at_place(model) if at_place else _at_organisations(model)
        _STATEMENTS[key] = _Statements(
            counted=[
                source((*columns, *order_columns))
                .where(model.archived_at.is_(None))
                .limit(bindparam("read"))
                for source in sources
            ],
            shown=select(*_shown_columns(name, model))
            .where(model.id.in_(bindparam("shown", expanding=True)))
            .order_by(*_order(name)),
        )
    return _STATEMENTS[key]


@dataclass(frozen=True)
class _Found:
    """What one kind of record at the organisations or place comes to for one visibility
    scope: per city and whether the reader may see them, how many (of those counted), whether
    the count stopped at COUNTED, and the fields of the records shown."""

    counts: list[tuple[int, bool, int]]
    capped: bool
    shown: list[dict]


def _find(actor: User, name: str, ids: list[int], at_place: bool, shown_at_most: int) -> _Found:
    # The counted rows are plain rows of the connection: made into the session's result
    # rows, a thousand of them cost more than reading them.
    connection = db.session.connection()
    statements = _statements(actor, name, at_place)
    rows: list = []
    capped = False
    for statement in statements.counted:
        found = connection.execute(statement, {_IDS: ids, "read": COUNTED + 1}).all()
        capped = capped or len(found) > COUNTED
        rows.extend(found)
    if len(statements.counted) > 1:  # a record found by both (an event at the place and
        rows = list({row[0]: row for row in rows}.values())  # at an organisation): once
    rows = rows[:COUNTED]
    counts = [
        (city_id, bool(seen), n)
        for (city_id, seen), n in Counter(map(itemgetter(1, 2), rows)).items()
    ]
    visible = [row for row in rows if row[2]]
    shown: list[dict] = []
    if visible:
        ids_shown = _first_of_each_city(visible, shown_at_most, _ORDER[name][1])
        shown = [
            dict(v) for v in connection.execute(statements.shown, {"shown": ids_shown}).mappings()
        ]
    return _Found(counts, capped, shown)


def _collect(actor: User, ids: list[int], at_place: bool, shown_at_most: int) -> WhoKnows:
    """Per city, the first ``shown_at_most`` records of each kind the user may see and how
    many there are, and how many the user may not see. Per record kind it reads at most COUNTED
    records (of one or two statements) and loads the few it shows in one more, however
    many there are; the rest is a count, and a count that stopped says so.

    What a kind comes to is kept until a record of that kind (of any city) or an
    organisation changes (portal.caching.per_parts_state): who wrote an event computes the
    events again, not the thousand contacts and interactions of a busy place. Which
    organisations are at a place is theirs, so they are a part of every kind."""
    groups: dict[int, CityRecords] = {}
    capped: list[str] = []
    cities = {c.id: c for c in db.session.scalars(select(City))}

    def group(city_id: int) -> CityRecords:
        if city_id not in groups:
            groups[city_id] = CityRecords(cities[city_id])
        return groups[city_id]

    scope = visibility_scope(actor)
    kinds = {
        (name, scope, at_place, tuple(ids), shown_at_most, COUNTED): [
            *((index.KINDS[MODELS[name]], city_id) for city_id in cities),
            ("organisation", None),
        ]
        for name in KINDS
    }
    found = per_parts_state(
        "who-knows",
        kinds,
        lambda key: _find(actor, key[0], ids, at_place, shown_at_most),
        limit=1024,
    )
    for (name, *_), of_kind in found.items():
        if of_kind.capped:
            capped.append(name)
        for city_id, seen, n in of_kind.counts:
            (group(city_id).visible if seen else group(city_id).hidden)[name] = n
        # Their cities are in the session already (read above): no join for them.
        for values in of_kind.shown:
            city_records = group(values["city_id"])
            city_records.records[name].append(ShownRecord(values, city_records.city))
    officers: dict[int, User] = {}
    for user in db.session.scalars(
        select(User)
        .where(User.city_id.in_(list(groups)), User.role == Role.OFFICER, User.active)
        .order_by(User.name)
    ):
        if user.city_id is not None:
            officers.setdefault(user.city_id, user)
    for city_id, city_records in groups.items():
        city_records.officer = officers.get(city_id)
    own = getattr(actor, "city_id", None)
    ordered = sorted(groups.values(), key=lambda g: (g.city.id != own, g.city.local_name))
    return WhoKnows(ordered, list(dict.fromkeys(capped)), COUNTED)


def records_at_organisation(actor: User, org: Organisation) -> WhoKnows:
    """Per city, what links to ``org`` (and the organisations under it)."""
    org_ids = [
        org.id,
        *db.session.scalars(select(Organisation.id).where(Organisation.parent_id == org.id)),
    ]
    return _collect(actor, org_ids, at_place=False, shown_at_most=SHOWN)


def records_at_place(actor: User, place: ChinesePlace) -> WhoKnows:
    """Per city, what links to a Chinese place (and the places under it)."""
    place_ids = [
        place.id,
        *db.session.scalars(select(ChinesePlace.id).where(ChinesePlace.parent_id == place.id)),
    ]
    return _collect(actor, place_ids, at_place=True, shown_at_most=SHOWN_AT_PLACE)
