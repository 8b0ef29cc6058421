"""Reading the cities (the tenants) and who represents them. Cities are public within the
network: every logged-in user may read every city's profile."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.models.accounts import Role, User
from portal.models.reference import City, CityPartnership
from portal.services.errors import NotFound


def all_cities() -> list[City]:
    """The 21 cities, largest first (the order the network itself uses)."""
    return list(db.session.scalars(select(City).order_by(City.population.desc(), City.name_fi)))


def city_by_slug(slug: str) -> City:
    city = db.session.scalar(
        select(City)
        .where(City.slug == slug)
        .options(selectinload(City.partnerships).selectinload(CityPartnership.place))
    )
    if city is None:
        raise NotFound
    return city


def find_city(slug: str | None) -> City | None:
    """The city with this slug, if any."""
    if not slug:
        return None
    return db.session.scalar(select(City).where(City.slug == slug))


def largest_city() -> City | None:
    return db.session.scalar(select(City).order_by(City.population.desc()))


def liaison_officers(city: City) -> list[User]:
    """The active officers of a city: the people other cities are told to ask."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.city_id == city.id, User.role == Role.OFFICER, User.active)
            .order_by(User.name)
        )
    )


def officer_counts() -> dict[int, int]:
    """Active officers per city id, for the city list (one query for all cities)."""
    rows = db.session.execute(
        select(User.city_id, func.count())
        .where(User.role == Role.OFFICER, User.active, User.city_id.is_not(None))
        .group_by(User.city_id)
    )
    return {city_id: count for city_id, count in rows if city_id is not None}


def record_counts(city: City) -> dict[str, int]:
    """How many live records of each kind the city has (its own, private and shared),
    counted once per state of the city's records of that kind (portal.caching: a write
    elsewhere in the network, or of another kind, counts nothing again)."""
    from portal import kinds
    from portal.caching import per_part_state
    from portal.models.mixins import Visibility

    owned = {kind.key: kind for kind in kinds.city_owned()}

    def count(parts: list[tuple[str, int]]) -> dict[tuple[str, int], int]:
        # Naming both visibilities lets the kind's scope index (visibility, archived_at,
        # city_id) count by itself, without reading a city's ten thousand rows.
        both = [v.value for v in Visibility]
        return {
            (key, city_id): db.session.scalar(
                select(func.count())
                .select_from(owned[key].model)
                .where(
                    owned[key].model.visibility.in_(both),
                    owned[key].model.archived_at.is_(None),
                    owned[key].model.city_id == city_id,
                )
            )
            or 0
            for key, city_id in parts
        }

    counts = per_part_state("record-counts", None, [(key, city.id) for key in owned], count)
    return {kind.blueprint: counts[(key, city.id)] for key, kind in owned.items()}


def profile_records(actor: User, city: City, *, today) -> dict[str, list]:
    """What a city profile shows of the city's own records, as far as ``actor`` may see:
    agreements, upcoming events and expertise offers."""
    from sqlalchemy.orm import joinedload

    from portal.models.agreements import Agreement
    from portal.models.events import Event
    from portal.models.expertise import ExpertiseOffer
    from portal.security.permissions import select_visible
    from portal.services.records import first_few

    return {
        "agreements": first_few(
            select_visible(actor, Agreement)
            .where(Agreement.city_id == city.id)
            .options(joinedload(Agreement.counterpart_place))
            .order_by(Agreement.signed_on.desc().nulls_last(), Agreement.id.desc())
        ),
        "events": list(
            db.session.scalars(
                select_visible(actor, Event)
                .where(Event.city_id == city.id, Event.ends_on >= today)
                .order_by(Event.starts_on)
                .limit(10)
            )
        ),
        "offers": first_few(
            select_visible(actor, ExpertiseOffer)
            .where(ExpertiseOffer.city_id == city.id)
            .options(joinedload(ExpertiseOffer.theme))
            .order_by(ExpertiseOffer.title, ExpertiseOffer.id)
        ),
    }
