"""Expertise offers: what a city can share, whom to ask, and the records that show it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.kinds import EXPERTISE
from portal.models.accounts import Role, User
from portal.models.expertise import ExpertiseOffer
from portal.models.reference import City
from portal.security.permissions import ensure, select_visible
from portal.services import records
from portal.services.errors import ValidationError
from portal.services.listing import RecordFilter, apply_filter
from portal.services.records import Page, Position, paginate


def _clean(values: dict, city_id: int) -> dict:
    errors: dict[str, str] = {}
    cleaned = EXPERTISE.clean_text(values, errors)
    if not cleaned["title"]:
        errors["title"] = str(_l("Say in a few words what the city can share."))
    if cleaned["theme"] is None:
        errors["theme"] = str(_l("Choose the theme."))
    person = cleaned["contact_user"]
    if person is not None and (person.city_id != city_id or not person.active):
        errors["contact_user"] = str(_l("Choose one of the city's own people."))
    # Only the city's own records show its experience.
    for field in ("projects", "events", "agreements"):
        if any(item.city_id != city_id for item in cleaned[field]):
            errors[field] = str(_l("Choose your city's own records."))
    if errors:
        raise ValidationError(errors)
    return cleaned


def create_offer(actor: User, city: City, values: dict) -> ExpertiseOffer:
    """Offer expertise on behalf of ``city``. Writers of that city. Shared with the network
    unless the form says otherwise. Raises ValidationError, Forbidden."""
    ensure(actor, "city.create_records", city)
    return records.create_record(actor, city, EXPERTISE, _clean(values, city.id))


def update_offer(actor: User, offer: ExpertiseOffer, *, expected_version, values: dict) -> dict:
    """Change an offer. Writers of its city. Raises StaleEdit, ValidationError, Forbidden."""
    return records.update_record(
        actor, offer, expected_version=expected_version, clean=lambda: _clean(values, offer.city_id)
    )


def archive_offer(actor: User, offer: ExpertiseOffer) -> None:
    """Archive an offer. Writers of its city."""
    records.archive(actor, offer)


def restore_offer(actor: User, offer: ExpertiseOffer) -> None:
    """Restore an archived offer. Writers of its city."""
    records.restore(actor, offer)


def _eager(stmt):
    """What a list of offers shows with each: its city, theme and whom to ask."""
    return stmt.options(
        joinedload(ExpertiseOffer.city),
        joinedload(ExpertiseOffer.theme),
        joinedload(ExpertiseOffer.contact_user),
    )


def list_offers(
    actor: User, flt: RecordFilter, *, page: int | Position = 1, per_page: int = 50
) -> Page:
    """The offers ``actor`` may see, by theme then city."""
    from portal.models.reference import Theme

    stmt = select_visible(actor, ExpertiseOffer, include_archived=True).join(
        Theme, Theme.id == ExpertiseOffer.theme_id
    )
    stmt = apply_filter(stmt, ExpertiseOffer, flt, actor=actor)
    stmt = stmt.order_by(Theme.position, ExpertiseOffer.title, ExpertiseOffer.id)
    return paginate(stmt, page=page, per_page=per_page, eager=_eager, searched=flt.searched)


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
