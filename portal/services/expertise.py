"""Expertise offers: what a city can share, whom to ask, and the records that show it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.models.accounts import Role, User
from portal.models.expertise import ExpertiseOffer
from portal.models.mixins import Visibility
from portal.models.reference import City
from portal.security.permissions import can, select_visible
from portal.services import records
from portal.services.errors import Forbidden, ValidationError
from portal.services.listing import RecordFilter, apply_filter
from portal.services.records import Page, paginate
from portal.textfold import search_text

FIELDS = (
    "theme",
    "title",
    "description",
    "contact_user",
    "projects",
    "events",
    "agreements",
    "visibility",
)


def _clean(values: dict, city_id: int) -> dict:
    errors: dict[str, str] = {}
    cleaned = {k: values.get(k) for k in FIELDS}
    cleaned["title"] = (cleaned["title"] or "").strip()
    cleaned["description"] = (cleaned["description"] or "").strip()
    if not cleaned["title"]:
        errors["title"] = str(_l("Say in a few words what the city can share."))
    elif len(cleaned["title"]) > 200:
        errors["title"] = str(_l("Use at most %(n)d characters.", n=200))
    if cleaned["theme"] is None:
        errors["theme"] = str(_l("Choose the theme."))
    if cleaned["visibility"] not in (Visibility.CITY, Visibility.NETWORK):
        errors["visibility"] = str(_l("Choose who sees this offer."))
    person = cleaned["contact_user"]
    if person is not None and (person.city_id != city_id or not person.active):
        errors["contact_user"] = str(_l("Choose one of the city's own people."))
    # Only the city's own records show its experience.
    for field in ("projects", "events", "agreements"):
        items = list(cleaned[field] or [])
        if any(item.city_id != city_id for item in items):
            errors[field] = str(_l("Choose your city's own records."))
        cleaned[field] = items
    if errors:
        raise ValidationError(errors)
    return cleaned


def _index(offer: ExpertiseOffer) -> None:
    offer.search_text = search_text(
        offer.title,
        offer.description,
        offer.theme.name_en if offer.theme else "",
        offer.theme.name_fi if offer.theme else "",
        *(p.title for p in offer.projects),
        *(e.title for e in offer.events),
        *(a.title for a in offer.agreements),
    )


def create_offer(actor, city: City, values: dict) -> ExpertiseOffer:
    """Offer expertise on behalf of ``city``. Writers of that city. Shared with the network
    unless the form says otherwise. Raises ValidationError, Forbidden."""
    if not can(actor, "city.create_records", city):
        raise Forbidden("city.create_records", city)
    return records.create_record(
        actor,
        city,
        ExpertiseOffer,
        _clean(values, city.id),
        index=_index,
        action_prefix="expertise",
    )


def update_offer(actor, offer: ExpertiseOffer, *, expected_version, values: dict) -> dict:
    """Change an offer. Writers of its city. Raises StaleEdit, ValidationError, Forbidden."""
    return records.update_record(
        actor,
        offer,
        expected_version=expected_version,
        clean=lambda: _clean(values, offer.city_id),
        index=_index,
        action_prefix="expertise",
    )


def archive_offer(actor, offer: ExpertiseOffer) -> None:
    """Archive an offer. Writers of its city."""
    records.archive(actor, offer, action_prefix="expertise")


def restore_offer(actor, offer: ExpertiseOffer) -> None:
    """Restore an archived offer. Writers of its city."""
    records.restore(actor, offer, action_prefix="expertise")


def list_offers(actor, flt: RecordFilter, *, page: int = 1, per_page: int = 50) -> Page:
    """The offers ``actor`` may see, by theme then city."""
    from portal.models.reference import Theme

    stmt = (
        select_visible(actor, ExpertiseOffer, include_archived=True)
        .options(
            joinedload(ExpertiseOffer.city),
            joinedload(ExpertiseOffer.theme),
            joinedload(ExpertiseOffer.contact_user),
        )
        .join(Theme, Theme.id == ExpertiseOffer.theme_id)
    )
    stmt = apply_filter(stmt, ExpertiseOffer, flt, actor=actor)
    stmt = stmt.order_by(Theme.position, ExpertiseOffer.title, ExpertiseOffer.id)
    return paginate(stmt, page=page, per_page=per_page)


def people_to_ask(city_id: int) -> list[User]:
    """The active officers and coordinators of a city: who an offer can name."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.city_id == city_id,
                User.active,
                User.role.in_((Role.OFFICER, Role.COORDINATOR)),
            )
            .order_by(User.name)
        )
    )
