from flask import Blueprint

bp = Blueprint("expertise", __name__, url_prefix="/expertise")

from portal.expertise import views  # noqa: E402, F401
