from flask import Blueprint

bp = Blueprint("cities", __name__)

from portal.cities import views  # noqa: E402, F401
