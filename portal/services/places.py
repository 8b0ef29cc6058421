"""Chinese places: what the network has at a place and the places under it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.models.accounts import User
from portal.models.reference import ChinesePlace, CityPartnership
from portal.services.errors import NotFound
from portal.services.who_knows import WhoKnows, records_at_place


@dataclass
class PlacePage:
    place: ChinesePlace
    partnerships: list[CityPartnership]
    agreements: list
    by_city: WhoKnows
    children: list[ChinesePlace]


def place_page(actor: User, slug: str) -> PlacePage:
    """A place with the cities' public partnerships there, who in the network knows what
    there (as far as ``actor`` may see) and the places under it. Anyone logged in; raises
    NotFound for an unknown slug."""
    place = db.session.scalar(select(ChinesePlace).where(ChinesePlace.slug == slug))
    if place is None:
        raise NotFound
    partnerships = db.session.scalars(
        select(CityPartnership)
        .where(CityPartnership.place_id == place.id)
        .options(joinedload(CityPartnership.city))
    ).all()
    by_city = records_at_place(actor, place)
    children = db.session.scalars(
        select(ChinesePlace)
        .where(ChinesePlace.parent_id == place.id)
        .order_by(ChinesePlace.name_en)
    ).all()
    return PlacePage(
        place=place,
        partnerships=list(partnerships),
        agreements=[a for group in by_city for a in group.records["agreements"]],
        by_city=by_city,
        children=list(children),
    )
