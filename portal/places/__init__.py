"""Chinese places: who in the network has what there, and the cities' agreements with it."""

from flask import Blueprint, abort, render_template
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.models.reference import ChinesePlace, CityPartnership
from portal.security.permissions import require
from portal.services.who_knows import records_at_place

bp = Blueprint("places", __name__, url_prefix="/places")


@bp.route("/<slug>")
def detail(slug: str):
    require(current_user, "network.read")
    place = db.session.scalar(select(ChinesePlace).where(ChinesePlace.slug == slug))
    if place is None:
        abort(404)
    partnerships = db.session.scalars(
        select(CityPartnership)
        .where(CityPartnership.place_id == place.id)
        .options(joinedload(CityPartnership.city))
    ).all()
    by_city = records_at_place(current_user, place)
    agreements = [a for group in by_city for a in group.records["agreements"]]
    children = db.session.scalars(
        select(ChinesePlace)
        .where(ChinesePlace.parent_id == place.id)
        .order_by(ChinesePlace.name_en)
    ).all()
    return render_template(
        "places/detail.html",
        place=place,
        partnerships=partnerships,
        agreements=agreements,
        by_city=by_city,
        children=children,
    )
