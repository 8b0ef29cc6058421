"""Chinese places: who in the network has what there, and the cities' agreements with it."""

from flask import Blueprint, render_template
from flask_login import current_user

from portal.security.permissions import require
from portal.services.places import place_page

bp = Blueprint("places", __name__, url_prefix="/places")


@bp.route("/<slug>")
def detail(slug: str):
    require(current_user, "network.read")
    page = place_page(current_user, slug)
    return render_template("places/detail.html", **vars(page))
