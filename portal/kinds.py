"""The one registry of record kinds.

Per kind: its model, its labels (singular and plural, translatable), its pages, the fields
a person edits (type, label, limit, whether they are personal data), the search document and
the text the list filters match. Search, the agenda's links and annex, the overview, the city
pages, the labels, the form mappers of the views, the services' common checks and (later)
import, export, erasure and the API read it here: a new kind or field is one entry.

Personal data (DESIGN.md section 5) is marked here, so whatever lists, exports, indexes or
erases personal data goes by the mark and a new field cannot slip past it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, inspect
from sqlalchemy.orm import selectinload

from portal import labels
from portal.links import record_url
from portal.models.agreements import Agreement
from portal.models.contacts import Contact, Interaction
from portal.models.events import Event
from portal.models.expertise import ExpertiseOffer
from portal.models.meetings import Meeting
from portal.models.organisations import Organisation
from portal.models.projects import Project
from portal.search import documents
from portal.services.organisation_matching import exact_key
from portal.textfold import search_text


class FieldType(StrEnum):
    TEXT = "text"  # one line, stripped, at most the column's length
    LONGTEXT = "longtext"  # several lines, stripped
    DATE = "date"
    TIME = "time"
    INTEGER = "integer"
    FLAG = "flag"  # a yes/no box
    FLAG_CHOICE = "flag_choice"  # a yes/no as two radio buttons ("1" / "0")
    CHOICE = "choice"  # one code of a fixed list (``choices``)
    CODES = "codes"  # several codes of a fixed list
    VISIBILITY = "visibility"  # "city" or "network"
    ONE = "one"  # one row (a place, a project, a theme), picked from the view's ``lookup``
    MANY = "many"  # several rows (contacts, organisations, themes, partner cities)
    TYPED_ORGANISATION = "typed_organisation"  # a registry name typed in, resolved by the service


SCALAR = frozenset(
    {
        FieldType.TEXT,
        FieldType.LONGTEXT,
        FieldType.DATE,
        FieldType.TIME,
        FieldType.INTEGER,
        FieldType.FLAG,
        FieldType.CHOICE,
        FieldType.VISIBILITY,
    }
)
# Shown side by side when a save is refused because someone else saved first.
CONFLICT_TYPES = SCALAR - {FieldType.FLAG}


@dataclass(frozen=True)
class Field:
    name: str  # the model's attribute and the form's field
    label: Any
    type: FieldType
    personal: bool = False
    choices: Mapping[str, Any] | None = None
    lookup: str | None = None  # ONE and MANY: the key of the view's lookup of offered rows
    key: str = "id"  # ONE and MANY: what the form's value is of a row (its id, its slug)
    attribute: str | None = None  # TYPED_ORGANISATION: the relationship it sets
    max_length: int | None = None  # TEXT: taken from the column when not given
    invalid: Any = None  # CHOICE: the message for a code not in the list

    @property
    def is_relation(self) -> bool:
        return self.type in (FieldType.ONE, FieldType.MANY)


@dataclass(frozen=True)
class Kind:
    key: str  # "contact": search documents, agenda links, audit actions ("contact.create")
    model: type[Any]
    singular: Any  # in a sentence: "Who sees this contact"
    plural: Any  # as a heading: "Contacts"
    blueprint: str  # "contacts": the pages are contacts.index, contacts.detail, ...
    id_arg: str  # "contact_id"
    fields: tuple[Field, ...] = ()
    document: Callable[[Any], documents.Doc] | None = None  # None: not searchable
    filter_text: Callable[[Any], str] | None = None  # the list filters' search_text
    eager: tuple = ()  # what document() reads, loaded in bulk for an index rebuild
    # Shown in the shared directory's overview and the agenda's annex, linkable from
    # agenda proposals.
    shared_directory: bool = False
    # Counted per city on "who knows whom" (records pointing at an organisation or place).
    who_knows: bool = False
    name: Any = None  # one record, as a heading or a label: "Contact"

    # --- Pages ---

    @property
    def detail_endpoint(self) -> str:
        return f"{self.blueprint}.detail"

    @property
    def list_endpoint(self) -> str:
        return f"{self.blueprint}.index"

    def url(self, record_id: int) -> str:
        return record_url(self.detail_endpoint, self.id_arg, record_id)

    @property
    def city_owned(self) -> bool:
        return hasattr(self.model, "city_id") and hasattr(self.model, "visibility")

    @property
    def theme_link(self):
        """(link table, its column naming the record) for a kind with several themes."""
        themes = inspect(self.model).relationships.get("themes")
        if themes is None or themes.secondary is None:
            return None
        link = themes.secondary
        return link, next(c for c in link.c if c.references(self.model.__table__.c.id))

    # --- Fields ---

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    def label(self, name: str):
        """A field's label, for its form and wherever the field is named to people."""
        return self.field(name).label

    @property
    def personal_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.personal)

    def max_length(self, f: Field) -> int | None:
        if f.max_length is not None:
            return f.max_length
        column = self.model.__table__.c.get(f.name)
        if column is not None and isinstance(column.type, String):
            return column.type.length
        return None

    # --- The views' form mappers ---

    def form_values(self, form, lookup: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
        """What a submitted form says, in the service's terms: rows for the ids of ONE and
        MANY fields (only among those the view offered, so a crafted post cannot link what
        the user was not shown), a typed organisation as its name and whether to add it."""
        values: dict[str, Any] = {}
        for f in self.fields:
            form_field = form._fields.get(f.name)
            if f.type == FieldType.TYPED_ORGANISATION:
                values[f.name] = form._fields[f.name].data
                create = form._fields.get("create_organisation")
                values["create_organisation"] = bool(create.data) if create is not None else False
                continue
            if form_field is None:
                continue
            data = form_field.data
            if f.type == FieldType.FLAG_CHOICE:
                values[f.name] = data == "1"
            elif f.type == FieldType.ONE:
                values[f.name] = lookup[f.lookup or ""].get(data or "")
            elif f.type == FieldType.MANY:
                offered = lookup[f.lookup or ""]
                values[f.name] = [offered[i] for i in data or [] if i in offered]
            elif f.type == FieldType.CODES:
                values[f.name] = list(data or [])
            else:
                values[f.name] = data
        return values

    def initial(self, record) -> dict[str, Any]:
        """A stored record as its edit form's data (with the version it was read at)."""
        data: dict[str, Any] = {"version": record.version}
        for f in self.fields:
            value = getattr(record, f.attribute or f.name, None)
            if f.type == FieldType.TYPED_ORGANISATION:
                data[f.name] = value.name_en if value is not None else ""
            elif f.type == FieldType.FLAG_CHOICE:
                data[f.name] = "1" if value else "0"
            elif f.type == FieldType.ONE:
                data[f.name] = str(getattr(value, f.key)) if value is not None else ""
            elif f.type == FieldType.MANY:
                data[f.name] = [str(getattr(v, f.key)) for v in value or []]
            elif f.type == FieldType.CODES:
                data[f.name] = list(value or [])
            else:
                data[f.name] = value
        return data

    def current(self, record) -> dict[str, Any]:
        """The stored values in the form's terms, for showing a conflict."""
        values = {f.name: getattr(record, f.name) for f in self.fields if f.type in CONFLICT_TYPES}
        for f in self.fields:
            if f.type == FieldType.TYPED_ORGANISATION:
                organisation = getattr(record, f.attribute or "", None)
                values[f.name] = organisation.name_en if organisation is not None else ""
        return values

    # --- The services' common checks ---

    def clean_text(self, values: Mapping[str, Any], errors: dict[str, str]) -> dict[str, Any]:
        """The kind's fields from ``values``, with text stripped; every text over its
        column's length, every code not in its list and a visibility other than city or
        network are named in ``errors``. What each kind checks beyond that is its
        service's."""
        cleaned: dict[str, Any] = {}
        for f in self.fields:
            if f.type == FieldType.TYPED_ORGANISATION:
                continue
            value = values.get(f.name)
            if f.type in (FieldType.TEXT, FieldType.LONGTEXT):
                value = (value or "").strip()
                limit = self.max_length(f)
                if limit is not None and len(value) > limit:
                    errors[f.name] = str(_l("Use at most %(n)d characters.", n=limit))
            elif f.type == FieldType.MANY:
                value = list(value or [])
            elif f.type == FieldType.FLAG:
                value = bool(value)
            elif f.type == FieldType.CHOICE and value not in (f.choices or {}):
                errors[f.name] = str(f.invalid or _l("Choose one from the list."))
            elif f.type == FieldType.VISIBILITY and value not in ("city", "network"):
                errors[f.name] = str(_l("Choose who can see this."))
            cleaned[f.name] = value
        return cleaned

    def index(self, record) -> None:
        """Fill the record's ``search_text`` for the list filters."""
        if self.filter_text is not None:
            record.search_text = self.filter_text(record)


def _names(organisations) -> list[str]:
    return [o.name_en for o in organisations]


T, LT, DATE, ONE, MANY = (
    FieldType.TEXT,
    FieldType.LONGTEXT,
    FieldType.DATE,
    FieldType.ONE,
    FieldType.MANY,
)
CHOICE, ORG = FieldType.CHOICE, FieldType.TYPED_ORGANISATION

CONTACT = Kind(
    "contact",
    Contact,
    _l("contact"),
    _l("Contacts"),
    "contacts",
    "contact_id",
    fields=(
        Field("family_name", _l("Family name"), T, personal=True),
        Field("given_name", _l("Given name"), T, personal=True),
        Field("family_name_first", _l("Name order"), FieldType.FLAG_CHOICE, personal=True),
        Field("name_zh", _l("Name in Chinese characters"), T, personal=True),
        Field("pinyin", _l("Name in pinyin"), T, personal=True),
        Field("title", _l("Title"), T, personal=True),
        Field(
            "organisation_name",
            _l("Organisation"),
            ORG,
            attribute="organisation",
        ),
        Field("email", _l("E-mail address"), T, personal=True),
        Field("phone", _l("Phone"), T, personal=True),
        Field("wechat", _l("WeChat ID"), T, personal=True),
        Field("languages", _l("Languages"), T, personal=True),
        Field("themes", _l("Themes"), MANY, lookup="themes"),
        Field("notes", _l("Notes"), LT, personal=True),
        Field("source", _l("Where the data came from"), T, personal=True),
        Field(
            "legal_basis",
            _l("Legal basis for keeping the data"),
            CHOICE,
            choices=labels.LEGAL_BASIS_LABELS,
            invalid=_l("Choose the legal basis."),
        ),
        Field("last_verified_on", _l("Last verified on"), DATE),
        Field("visibility", _l("Who sees this contact"), FieldType.VISIBILITY),
    ),
    document=documents.contact,
    filter_text=lambda c: search_text(
        c.family_name,
        c.given_name,
        c.name_zh,
        c.pinyin,
        c.title,
        c.email,
        c.wechat,
        c.languages,
        c.organisation.name_en if c.organisation else "",
        c.organisation.name_zh if c.organisation else "",
    ),
    eager=(selectinload(Contact.organisation), selectinload(Contact.themes)),
    who_knows=True,
    name=_l("Contact"),
)

INTERACTION = Kind(
    "interaction",
    Interaction,
    _l("interaction"),
    _l("Interactions"),
    "interactions",
    "interaction_id",
    fields=(
        Field("occurred_on", _l("Date"), DATE),
        Field(
            "kind",
            _l("Kind"),
            CHOICE,
            choices=labels.INTERACTION_KIND_LABELS,
            invalid=_l("Choose what kind of interaction it was."),
        ),
        Field("title", _l("Title"), T),
        # Notes of a meeting with people name and describe them.
        Field("summary", _l("Summary"), LT, personal=True),
        Field(
            "contacts",
            _l("Contacts who took part"),
            MANY,
            personal=True,
            lookup="contacts",
        ),
        Field("organisations", _l("Organisations"), MANY, lookup="organisations"),
        Field("organisation_name", _l("Add an organisation"), ORG),
        Field("themes", _l("Themes"), MANY, lookup="themes"),
        Field("follow_up_on", _l("Follow up by"), DATE),
        Field("follow_up_done", _l("The follow-up is done"), FieldType.FLAG),
        Field("visibility", _l("Who sees this interaction"), FieldType.VISIBILITY),
    ),
    document=documents.interaction,
    filter_text=lambda i: search_text(
        i.title, i.summary, *(c.display_name for c in i.contacts), *_names(i.organisations)
    ),
    eager=(selectinload(Interaction.organisations), selectinload(Interaction.themes)),
    who_knows=True,
    name=_l("Interaction"),
)

PROJECT = Kind(
    "project",
    Project,
    _l("project"),
    _l("Projects"),
    "projects",
    "project_id",
    fields=(
        Field("title", _l("Name of the project"), T),
        Field("description", _l("Description"), LT),
        Field(
            "status",
            _l("Status"),
            CHOICE,
            choices=labels.PROJECT_STATUS_LABELS,
            invalid=_l("Choose the status."),
        ),
        Field("starts_on", _l("Starts"), DATE),
        Field("ends_on", _l("Ends"), DATE),
        Field("budget_eur", _l("Budget in euros"), FieldType.INTEGER),
        Field(
            "funding_sources",
            _l("Funding sources"),
            FieldType.CODES,
            choices=labels.FUNDING_SOURCE_LABELS,
        ),
        Field("outcomes", _l("Outcomes"), LT),
        Field("visibility", _l("Who sees this project"), FieldType.VISIBILITY),
        Field("themes", _l("Themes"), MANY, lookup="themes"),
        Field("partner_cities", _l("Partner cities in the C21 network"), MANY, lookup="cities"),
        Field(
            "organisations",
            _l("Chinese partner organisations"),
            MANY,
            lookup="organisations",
        ),
        Field("organisation_name", _l("Add a Chinese partner organisation"), ORG),
    ),
    document=documents.project,
    filter_text=lambda p: search_text(
        p.title,
        p.description,
        p.outcomes,
        *_names(p.organisations),
        *(o.name_zh for o in p.organisations),
    ),
    eager=(
        selectinload(Project.organisations),
        selectinload(Project.themes),
        selectinload(Project.partner_cities),
    ),
    shared_directory=True,
    who_knows=True,
    name=_l("Project"),
)

EVENT = Kind(
    "event",
    Event,
    _l("event"),
    _l("Events"),
    "events",
    "event_id",
    fields=(
        Field(
            "kind",
            _l("Kind"),
            CHOICE,
            choices=labels.EVENT_KIND_LABELS,
            invalid=_l("Choose the kind of event."),
        ),
        Field("title", _l("Name of the event"), T),
        Field("description", _l("Description"), LT),
        Field("starts_on", _l("First day"), DATE),
        Field("ends_on", _l("Last day"), DATE),
        Field("start_time", _l("Starts at"), FieldType.TIME),
        Field("end_time", _l("Ends at"), FieldType.TIME),
        Field(
            "timezone",
            _l("Time zone of the times"),
            CHOICE,
            choices=labels.TIMEZONE_LABELS,
            invalid=_l("Choose the time zone."),
        ),
        Field("place_city", _l("Place in Finland (a C21 city)"), ONE, lookup="cities"),
        Field("place_china", _l("Place in China"), ONE, lookup="places"),
        Field("place_text", _l("Venue or other place"), T),
        Field("expected_attendance", _l("Expected attendance"), FieldType.INTEGER),
        Field("actual_attendance", _l("Actual attendance"), FieldType.INTEGER),
        Field("project", _l("Project"), ONE, lookup="projects"),
        Field("contacts", _l("Contacts involved"), MANY, personal=True, lookup="contacts"),
        Field("organisations", _l("Organisations"), MANY, lookup="organisations"),
        Field("organisation_name", _l("Add an organisation"), ORG),
        Field("themes", _l("Themes"), MANY, lookup="themes"),
        Field("visibility", _l("Who sees this event"), FieldType.VISIBILITY),
    ),
    document=documents.event,
    filter_text=lambda e: search_text(
        e.title,
        e.description,
        e.place_text,
        e.place_city.name_fi if e.place_city else "",
        e.place_china.name_en if e.place_china else "",
        *_names(e.organisations),
    ),
    eager=(
        selectinload(Event.organisations),
        selectinload(Event.themes),
        selectinload(Event.place_china),
    ),
    shared_directory=True,
    who_knows=True,
    name=_l("Event"),
)

AGREEMENT = Kind(
    "agreement",
    Agreement,
    _l("agreement"),
    _l("Agreements"),
    "agreements",
    "agreement_id",
    fields=(
        Field(
            "kind",
            _l("Kind"),
            CHOICE,
            choices=labels.AGREEMENT_KIND_LABELS,
            invalid=_l("Choose the kind of agreement."),
        ),
        Field("title", _l("Title"), T),
        Field("summary", _l("Summary"), LT),
        Field("counterpart_place", _l("Counterpart place in China"), ONE, lookup="places"),
        Field("signed_on", _l("Signed on"), DATE),
        Field("signed_at", _l("Signed at (place)"), T),
        Field("valid_from", _l("Valid from"), DATE),
        Field("valid_until", _l("Valid until"), DATE),
        Field("review_on", _l("Review due on"), DATE),
        Field("evaluation_on", _l("Evaluation due on"), DATE),
        Field(
            "status",
            _l("Status"),
            CHOICE,
            choices=labels.AGREEMENT_STATUS_LABELS,
            invalid=_l("Choose the status."),
        ),
        Field("project", _l("Project"), ONE, lookup="projects"),
        Field("organisations", _l("Counterpart organisations"), MANY, lookup="organisations"),
        Field("organisation_name", _l("Add a counterpart organisation"), ORG),
        Field("themes", _l("Themes"), MANY, lookup="themes"),
        Field("visibility", _l("Who sees this agreement"), FieldType.VISIBILITY),
    ),
    document=documents.agreement,
    filter_text=lambda a: search_text(
        a.title,
        a.summary,
        a.signed_at,
        a.counterpart_place.name_en if a.counterpart_place else "",
        a.counterpart_place.name_zh if a.counterpart_place else "",
        *_names(a.organisations),
        *(t.title for t in a.plan_themes),
    ),
    eager=(
        selectinload(Agreement.organisations),
        selectinload(Agreement.themes),
        selectinload(Agreement.counterpart_place),
        selectinload(Agreement.plan_themes),
    ),
    shared_directory=True,
    who_knows=True,
    name=_l("Agreement"),
)

EXPERTISE = Kind(
    "expertise",
    ExpertiseOffer,
    _l("expertise offer"),
    _l("Expertise offers"),
    "expertise",
    "offer_id",
    fields=(
        Field("theme", _l("Theme"), ONE, lookup="themes"),
        Field("title", _l("What your city can share"), T),
        Field("description", _l("Description"), LT),
        Field("contact_user", _l("Whom to ask"), ONE, lookup="people"),
        Field("projects", _l("Projects that show it"), MANY, lookup="projects"),
        Field("events", _l("Events that show it"), MANY, lookup="events"),
        Field("agreements", _l("Agreements that show it"), MANY, lookup="agreements"),
        Field("visibility", _l("Who sees this offer"), FieldType.VISIBILITY),
    ),
    document=documents.expertise,
    filter_text=lambda o: search_text(
        o.title,
        o.description,
        o.theme.name_en if o.theme else "",
        o.theme.name_fi if o.theme else "",
        *(p.title for p in o.projects),
        *(e.title for e in o.events),
        *(a.title for a in o.agreements),
    ),
    eager=(selectinload(ExpertiseOffer.theme),),
    shared_directory=True,
    name=_l("Expertise offer"),
)

ORGANISATION = Kind(
    "organisation",
    Organisation,
    _l("organisation"),
    _l("Organisations"),
    "organisations",
    "org_id",
    fields=(
        Field("name_en", _l("Name in English"), T),
        Field("name_zh", _l("Name in Chinese characters"), T),
        Field("pinyin", _l("Name in pinyin"), T),
        Field(
            "kind",
            _l("Kind"),
            CHOICE,
            choices=labels.ORGANISATION_KIND_LABELS,
            invalid=_l("Choose the kind of organisation."),
        ),
        Field("place", _l("Place in China"), ONE, lookup="places", key="slug"),
        Field(
            "parent_name",
            _l("Part of (parent organisation)"),
            ORG,
            attribute="parent",
        ),
        Field("website", _l("Website"), T),
        Field("notes", _l("Notes"), LT),
    ),
    document=documents.organisation,
    filter_text=lambda o: search_text(o.name_en, o.name_zh, o.pinyin, exact_key(o.pinyin)),
    name=_l("Organisation"),
)

MEETING = Kind(
    "meeting",
    Meeting,
    _l("meeting"),
    _l("Meetings"),
    "meetings",
    "meeting_id",
    document=documents.meeting,
    eager=(selectinload(Meeting.items), selectinload(Meeting.host_city)),
    name=_l("Meeting"),
)

# In the order search shows its groups.
KINDS: dict[str, Kind] = {
    k.key: k
    for k in (ORGANISATION, CONTACT, INTERACTION, PROJECT, EVENT, AGREEMENT, EXPERTISE, MEETING)
}
_BY_MODEL = {k.model: k for k in KINDS.values()}


def of(model_or_record) -> Kind:
    """The kind of a model class or of a record."""
    model = model_or_record if isinstance(model_or_record, type) else type(model_or_record)
    return _BY_MODEL[model]


def searchable() -> Iterator[Kind]:
    return (k for k in KINDS.values() if k.document is not None)


def city_owned() -> Iterator[Kind]:
    return (k for k in KINDS.values() if k.city_owned)


def shared_directory() -> Iterator[Kind]:
    """Projects, events, agreements, expertise offers: what the network overview counts,
    the agenda's annex lists and proposals link."""
    return (k for k in KINDS.values() if k.shared_directory)


def who_knows() -> Iterator[Kind]:
    return (k for k in KINDS.values() if k.who_knows)


def url(key: str, record_id: int) -> str:
    """The page of record ``record_id`` of kind ``key`` (for templates)."""
    return KINDS[key].url(record_id)


def name(key: str):
    """ "Project", "Expertise offer", ...: one record of kind ``key``."""
    return KINDS[key].name


def plural(key: str):
    return KINDS[key].plural
