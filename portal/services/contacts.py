"""China contacts: people, owned by a city, private to it unless shared."""

from __future__ import annotations

import re
from datetime import date

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from portal.extensions import db
from portal.kinds import CONTACT
from portal.models.accounts import User
from portal.models.contacts import Contact, Interaction, interaction_contacts
from portal.models.organisations import Organisation
from portal.models.reference import City, Theme
from portal.security.permissions import ensure, select_visible
from portal.services import organisations, records
from portal.services.errors import ValidationError
from portal.services.listing import RecordFilter, apply_filter
from portal.services.records import Page, Position, paginate
from portal.textfold import like_pattern

# International form: a plus, the country code, then 6 to 14 more digits, with optional
# spaces, dashes or brackets between them (E.164 allows 15 digits in all).
_PHONE = re.compile(r"^\+[1-9](?:[\s\-()]*\d){6,14}$")


def _clean(actor: User, values: dict, current: Organisation | None = None) -> dict:
    errors: dict[str, str] = {}
    cleaned = CONTACT.clean_text(values, errors)
    if "organisation_resolved" in values:  # an import found it in the registry already
        organisation, problem = values["organisation_resolved"], None
    else:
        organisation, problem = organisations.resolve_for_link(
            actor,
            values.get("organisation_name", ""),
            create=bool(values.get("create_organisation")),
            current=current,
        )
    cleaned["organisation"] = organisation
    if problem and problem != "create":
        errors["organisation_name"] = problem
    if not cleaned["family_name"] and not cleaned["name_zh"]:
        errors["family_name"] = str(_l("Enter the family name, or the name in Chinese characters."))
    if cleaned["email"]:
        try:
            cleaned["email"] = validate_email(
                cleaned["email"], check_deliverability=False
            ).normalized
        except EmailNotValidError:
            errors["email"] = str(_l("Enter an e-mail address in the form name@example.cn."))
    if cleaned["phone"] and not _PHONE.match(cleaned["phone"]):
        errors["phone"] = str(
            _l("Enter the number in international form, such as +86 10 1234 5678.")
        )
    verified = cleaned["last_verified_on"]
    if verified is not None and verified > date.today():
        errors["last_verified_on"] = str(_l("The date cannot be in the future."))
    cleaned["family_name_first"] = bool(cleaned["family_name_first"])
    if errors:
        raise ValidationError(errors)
    if problem == "create":
        # Only now, with the rest valid: nothing is saved half-way.
        cleaned["organisation"] = organisations.create_organisation(
            actor, {"name_en": values["organisation_name"].strip(), "kind": "other"}
        )
    return cleaned


def check(actor: User, values: dict) -> dict:
    """What create_contact would store, checked the same way, writing nothing (an import's
    preview). ``values["organisation_resolved"]``, when given, is the organisation found
    already (or None);
    otherwise the typed name must be in the registry. Raises ValidationError."""
    return _clean(actor, {**values, "create_organisation": False})


def create_contact(actor: User, city: City, values: dict) -> Contact:
    """Record a new contact for ``city``. Officers of that city (and admins).

    ``values`` holds the fields of FIELDS (``themes`` a list of Theme) and the typed
    ``organisation_name``, resolved in the registry; with ``create_organisation`` an
    unknown name is added to it (``organisation_resolved``: an Organisation found already).
    Raises ValidationError naming each bad field, Forbidden.
    """
    ensure(actor, "city.create_records", city)
    return records.create_record(actor, city, CONTACT, _clean(actor, values))


def update_contact(actor: User, contact: Contact, *, expected_version, values: dict) -> dict:
    """Save changes to a contact; returns what changed. Writers of the contact's city.

    The city and the version are never taken from ``values``. Raises StaleEdit when the
    contact changed since ``expected_version``, ValidationError, Forbidden.
    """
    return records.update_record(
        actor,
        contact,
        expected_version=expected_version,
        clean=lambda: _clean(actor, values, contact.organisation),
    )


def archive_contact(actor: User, contact: Contact) -> None:
    """Archive a contact (it leaves lists and search). Writers of its city."""
    records.archive(actor, contact)


def restore_contact(actor: User, contact: Contact) -> None:
    """Restore an archived contact. Writers of its city."""
    records.restore(actor, contact)


def _eager(stmt):
    """What a list of contacts shows with each one (an export loads the rest itself)."""
    return stmt.options(
        joinedload(Contact.organisation),
        joinedload(Contact.city),
        selectinload(Contact.themes),
    )


def list_contacts(
    actor: User, flt: RecordFilter, *, page: int | Position = 1, per_page: int = 50
) -> Page:
    """The contacts ``actor`` may see, filtered and sorted, one page at a time."""
    stmt = apply_filter(
        select_visible(actor, Contact, include_archived=True), Contact, flt, actor=actor
    )
    order = {
        "name": (Contact.family_name, Contact.given_name, Contact.name_zh, Contact.id),
        "updated": (Contact.updated_at.desc(), Contact.id.desc()),
        "verified": (Contact.last_verified_on.asc(), Contact.id),
    }.get(flt.sort, (Contact.family_name, Contact.given_name, Contact.name_zh, Contact.id))
    stmt = stmt.order_by(*order)
    return paginate(stmt, page=page, per_page=per_page, eager=_eager, searched=flt.searched)


def interactions_of(actor: User, contact: Contact) -> list[Interaction]:
    """The interactions with a contact that ``actor`` may see, newest first."""
    return list(
        db.session.scalars(
            select_visible(actor, Interaction)
            .join(interaction_contacts, interaction_contacts.c.interaction_id == Interaction.id)
            .where(interaction_contacts.c.contact_id == contact.id)
            .options(selectinload(Interaction.themes), joinedload(Interaction.city))
            .order_by(Interaction.occurred_on.desc(), Interaction.id.desc())
        ).unique()
    )


PICKER_LIMIT = 20


def contacts_for_picker(
    actor: User, city_id: int | None, *, chosen=(), query: str = ""
) -> list[Contact]:
    """The people a form about ``city_id``'s records may name: those already chosen (ids in
    ``chosen``) and, for a typed ``query``, up to PICKER_LIMIT more whose names match. Only
    the city's own live contacts that ``actor`` may see; however many the city has, the
    form carries a handful (the picker searches, it does not list everyone)."""
    if city_id is None:
        return []
    ids = [int(i) for i in chosen if str(i).isdigit()]
    base = (
        select_visible(actor, Contact)
        .where(Contact.city_id == city_id)
        .options(joinedload(Contact.organisation))
    )
    people = list(db.session.scalars(base.where(Contact.id.in_(ids)))) if ids else []
    if query.strip():
        known = {c.id for c in people}
        people += [
            c
            for c in db.session.scalars(
                base.where(Contact.search_text.like(like_pattern(query), escape="\\"))
                .order_by(Contact.family_name, Contact.given_name, Contact.id)
                .limit(PICKER_LIMIT)
            )
            if c.id not in known
        ]
    return people


def picker_label(contact: Contact) -> str:
    """How a person is named in a picker: the name and, to tell namesakes apart, where."""
    where = contact.organisation.name_en if contact.organisation else contact.title
    return contact.display_name + (f" ({where})" if where else "")


def themes() -> list[Theme]:
    return list(db.session.scalars(select(Theme).where(Theme.active).order_by(Theme.position)))
