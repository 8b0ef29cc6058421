"""What a spreadsheet's cell means for a field of the registry of record kinds (issue 12):
the importable kinds and their columns, dates as Excel serials or as 22.11.2026, yes and no,
list values by their code or label in any of the three languages, and names of the rows a
record links to (themes, cities, places, the city's contacts and projects, the registry),
each problem said in words for the row's message."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal import kinds
from portal.extensions import db
from portal.kinds import FieldType, Kind
from portal.models.accounts import User
from portal.models.contacts import Contact
from portal.models.organisations import Organisation
from portal.models.projects import Project
from portal.models.reference import ChinesePlace, City, Theme
from portal.security.permissions import select_visible
from portal.services import organisations
from portal.services.organisation_matching import exact_key
from portal.textfold import fold

# The kinds a city imports, by the name the command line and the addresses use.
IMPORTABLE: dict[str, Kind] = {
    "contacts": kinds.CONTACT,
    "organisations": kinds.ORGANISATION,
    "interactions": kinds.INTERACTION,
    "events": kinds.EVENT,
}


LOCALES = ("fi", "sv", "en")


def columns(kind: Kind) -> tuple[kinds.Field, ...]:
    """The kind's fields a file can fill: all of them but a form's helpers (the "Add an
    organisation" box: a file names organisations in the organisations column)."""
    return tuple(
        f for f in kind.fields if not (f.type == FieldType.TYPED_ORGANISATION and not f.attribute)
    )


def _key(text: Any) -> str:
    """A header or a word of a list as compared: case, accents kept apart from spacing,
    a required mark and punctuation at the ends ignored."""
    return re.sub(r"\s+", " ", str(text).replace("*", "")).strip(" :.").casefold()


def _in_every_locale(text) -> list[str]:
    out = []
    for locale in LOCALES:
        with force_locale(locale):
            out.append(str(text))
    return out


VISIBILITY_HEADER = _l("Visibility")


def column_label(f: kinds.Field) -> str:
    """A column's header in the reader's language (the template's and the export's)."""
    return str(VISIBILITY_HEADER) if f.type == FieldType.VISIBILITY else str(f.label)


# What an empty cell (or a missing column) of these fields means, as on the forms.
FIELD_DEFAULTS = {"timezone": "Europe/Helsinki"}


PRIVATE = _l("Private to the city")


SHARED = _l("Shared with the network")


YES = frozenset({"yes", "y", "x", "1", "true", "kyllä", "k", "ja", "j"})


NO = frozenset({"no", "n", "0", "false", "ei", "e", "nej"})


_SPLIT = re.compile(r"\s*[;\n]\s*")


_DATE = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")


_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")


_TIME = re.compile(r"^(\d{1,2})[.:](\d{2})(?:[.:]\d{2})?$")


EXCEL_EPOCH = date(1899, 12, 30)


class CellError(ValueError):
    pass


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and 1 <= value < 200_000:
        return EXCEL_EPOCH + timedelta(days=int(value))  # a date the file kept as a number
    text = str(value).strip()
    for pattern, order in ((_DATE, (3, 2, 1)), (_ISO_DATE, (1, 2, 3))):
        m = pattern.match(text)
        if m:
            try:
                return date(*(int(m.group(i)) for i in order))
            except ValueError:
                break
    raise CellError(_l("not a date; write it as 22.11.2026"))


def _time(value: Any) -> time:
    if isinstance(value, datetime):
        return value.time()
    if isinstance(value, time):
        return value
    if isinstance(value, float) and 0 <= value < 1:
        minutes = round(value * 24 * 60)
        return time(minutes // 60, minutes % 60)
    m = _TIME.match(str(value).strip())
    if m and int(m.group(1)) < 24 and int(m.group(2)) < 60:
        return time(int(m.group(1)), int(m.group(2)))
    raise CellError(_l("not a time; write it as 14.30"))


def _integer(value: Any) -> int:
    if isinstance(value, int):
        return value
    text = re.sub(r"[\s\u00a0]", "", str(value))
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    raise CellError(_l("not a whole number"))


def _flag(value: Any) -> bool:
    key = _key(value)
    if key in YES:
        return True
    if key in NO or key == "":
        return False
    words = {_key(w) for w in (*_in_every_locale(_l("Yes")), *_in_every_locale(_l("No")))}
    if key in words:
        return key in {_key(w) for w in _in_every_locale(_l("Yes"))}
    raise CellError(_l("write Yes or No"))


@lru_cache(maxsize=64)
def _choice_keys(kind_key: str, field_name: str) -> dict[str, str]:
    f = kinds.KINDS[kind_key].field(field_name)
    keys: dict[str, str] = {}
    for code, label in (f.choices or {}).items():
        keys[_key(code)] = code
        keys[_key(code.replace("_", " "))] = code
        for text in _in_every_locale(label):
            keys[_key(text)] = code
    return keys


@lru_cache(maxsize=1)
def _visibility_keys() -> dict[str, str]:
    keys = {
        "city": "city",
        "private": "city",
        "network": "network",
        "shared": "network",
        "yksityinen": "city",
        "jaettu": "network",
        "privat": "city",
        "delad": "network",
    }
    for code, label in (("city", PRIVATE), ("network", SHARED)):
        for text in _in_every_locale(label):
            keys[_key(text)] = code
    return keys


def _themes() -> list[Theme]:
    return list(
        db.session.scalars(select(Theme).where(Theme.active.is_(True)).order_by(Theme.position))
    )


class Lookups:
    """The rows a file's names may point at, read once per preview: themes, cities, places,
    the city's own contacts and projects as the actor sees them, registry names."""

    def __init__(self, actor: User, city: City):
        self.actor, self.city = actor, city
        self._themes: dict[str, Theme] | None = None
        self._cities: dict[str, City] | None = None
        self._places: dict[str, ChinesePlace] | None = None
        self._contacts: dict[str, list[Contact]] | None = None
        self._projects: dict[str, list[Project]] | None = None
        self._organisations: dict[str, list[Organisation]] = {}
        self._likely: dict[str, list[Organisation]] = {}
        self._by_email: dict[str, list[tuple]] | None = None
        self._by_name: dict[tuple[str, str], list[tuple]] = {}

    def same_contacts(self, email: str, family: str, given: str, organisation_id) -> list[tuple]:
        """The city's live contacts with this e-mail, or else this name at this organisation
        (any organisation when the row names none), as ``(id, display name)``; read once."""
        if self._by_email is None:
            self._by_email = {}
            rows = db.session.execute(
                select(
                    Contact.id,
                    Contact.email,
                    Contact.family_name,
                    Contact.given_name,
                    Contact.organisation_id,
                    Contact.family_name_first,
                    Contact.pinyin,
                    Contact.name_zh,
                ).where(Contact.city_id == self.city.id, Contact.archived_at.is_(None))
            )
            for cid, mail, fam, giv, org_id, first, pinyin, zh in rows:
                parts = [fam, giv] if first else [giv, fam]
                shown = " ".join(p for p in parts if p) or pinyin or zh
                entry = (cid, shown, org_id)
                if mail:
                    self._by_email.setdefault(mail.casefold(), []).append(entry)
                if fam:
                    self._by_name.setdefault((_key(fam), _key(giv)), []).append(entry)
        if email:
            found = self._by_email.get(email.casefold(), [])
            if found:
                return found
        if not family:
            return []
        return [
            e
            for e in self._by_name.get((_key(family), _key(given)), [])
            if organisation_id is None or e[2] == organisation_id
        ]

    def likely_organisations(self, name: str) -> list[Organisation]:
        key = exact_key(name)
        if key not in self._likely:
            self._likely[key] = organisations.likely_duplicates(name_en=name)
        return self._likely[key]

    def theme(self, text: str) -> Theme | None:
        if self._themes is None:
            self._themes = {}
            for t in db.session.scalars(select(Theme)):
                for name in (t.slug, t.name_en, t.name_fi, t.name_sv):
                    self._themes[_key(name)] = t
        return self._themes.get(_key(text))

    def city_named(self, text: str) -> City | None:
        if self._cities is None:
            self._cities = {}
            for c in db.session.scalars(select(City)):
                for name in (c.slug, c.name_en, c.name_fi, c.name_sv):
                    self._cities[_key(name)] = c
        return self._cities.get(_key(text))

    def place(self, text: str) -> ChinesePlace | None:
        if self._places is None:
            self._places = {}
            for p in db.session.scalars(select(ChinesePlace)):
                for name in (p.slug, p.name_en, p.name_fi, p.name_sv, p.name_zh, p.pinyin):
                    if name:
                        self._places[_key(name)] = p
        return self._places.get(_key(text))

    def contacts_named(self, text: str) -> list[Contact]:
        if self._contacts is None:
            self._contacts = {}
            visible = select_visible(self.actor, Contact).where(
                Contact.city_id == self.city.id, Contact.archived_at.is_(None)
            )
            for c in db.session.scalars(visible):
                names = {c.email, c.name_zh, c.display_name, c.pinyin}
                names.add(f"{c.family_name} {c.given_name}")
                names.add(f"{c.given_name} {c.family_name}")
                for name in names:
                    if name and name.strip():
                        self._contacts.setdefault(_key(fold(name)), []).append(c)
        return list(dict.fromkeys(self._contacts.get(_key(fold(text)), [])))

    def project(self, text: str) -> list[Project]:
        if self._projects is None:
            self._projects = {}
            visible = select_visible(self.actor, Project).where(
                Project.city_id == self.city.id, Project.archived_at.is_(None)
            )
            for p in db.session.scalars(visible):
                self._projects.setdefault(_key(p.title), []).append(p)
        return self._projects.get(_key(text), [])

    def organisations_named(self, text: str) -> list[Organisation]:
        key = exact_key(text)
        if key not in self._organisations:
            self._organisations[key] = organisations.resolve_name(text)
        return self._organisations[key]


# Per kind of name: what is said when nothing, or more than one row, has it.
_UNKNOWN = {
    "themes": _l("no theme is called “%(name)s”"),
    "cities": _l("no C21 city is called “%(name)s”"),
    "places": _l("the portal knows no place in China called “%(name)s”"),
    "contacts": _l("no contact of your city is called “%(name)s”"),
    "projects": _l("no project of your city is called “%(name)s”"),
    "organisations": _l("no organisation in the registry is called “%(name)s”"),
}


_AMBIGUOUS = {
    "contacts": _l("several contacts of your city are called “%(name)s”: use the e-mail address"),
    "projects": _l("several projects of your city are called “%(name)s”"),
    "organisations": _l("several organisations in the registry are called “%(name)s”"),
}


def _related(f: kinds.Field, text: str, lookups: Lookups) -> Any:
    """One name of a ONE or MANY field as the row it names."""
    lookup = f.lookup or ""
    finders: dict[str, Callable[[], list[Any]]] = {
        "themes": lambda: [t] if (t := lookups.theme(text)) else [],
        "cities": lambda: [c] if (c := lookups.city_named(text)) else [],
        "places": lambda: [p] if (p := lookups.place(text)) else [],
        "contacts": lambda: lookups.contacts_named(text),
        "projects": lambda: lookups.project(text),
        "organisations": lambda: lookups.organisations_named(text),
    }
    if lookup not in finders:
        raise CellError(_l("cannot be imported"))
    found = finders[lookup]()
    if len(found) == 1:
        return found[0]
    message = _AMBIGUOUS.get(lookup) if found else _UNKNOWN[lookup]
    raise CellError((message or _UNKNOWN[lookup]) % {"name": text})


def cell_value(kind: Kind, f: kinds.Field, raw: Any, lookups: Lookups) -> Any:
    """What a cell means for field ``f``, in the terms the kind's service takes; raises
    CellError with the problem in words."""
    empty = raw == "" or raw is None
    if f.type in (FieldType.TEXT, FieldType.LONGTEXT, FieldType.TYPED_ORGANISATION):
        if isinstance(raw, datetime | date | time):
            return raw.isoformat()
        return "" if empty else str(raw)
    if f.type == FieldType.DATE:
        return None if empty else _date(raw)
    if f.type == FieldType.TIME:
        return None if empty else _time(raw)
    if f.type == FieldType.INTEGER:
        return None if empty else _integer(raw)
    if f.type == FieldType.FLAG:
        return _flag(raw)
    if f.type == FieldType.FLAG_CHOICE:
        return True if empty else _flag(raw)  # the form's default: family name first
    if f.type == FieldType.VISIBILITY:
        if empty:
            return "city"
        code = _visibility_keys().get(_key(raw))
        if code is None:
            raise CellError(
                _l("write “%(private)s” or “%(shared)s”", private=PRIVATE, shared=SHARED)
            )
        return code
    if f.type == FieldType.CHOICE:
        if empty:
            return FIELD_DEFAULTS.get(f.name)
        code = _choice_keys(kind.key, f.name).get(_key(raw))
        if code is None:
            raise CellError(_l("“%(value)s” is not one of the list", value=raw))
        return code
    parts = [p for p in _SPLIT.split(str(raw)) if p] if not empty else []
    if f.type == FieldType.CODES:
        codes = []
        for part in parts:
            code = _choice_keys(kind.key, f.name).get(_key(part))
            if code is None:
                raise CellError(_l("“%(value)s” is not one of the list", value=part))
            codes.append(code)
        return codes
    if f.type == FieldType.ONE:
        return None if empty else _related(f, str(raw), lookups)
    if f.type == FieldType.MANY:
        return list(dict.fromkeys(_related(f, part, lookups) for part in parts))
    raise CellError(_l("cannot be imported"))
