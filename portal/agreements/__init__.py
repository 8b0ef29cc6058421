from flask import Blueprint

bp = Blueprint("agreements", __name__, url_prefix="/agreements")

from portal.agreements import views  # noqa: E402, F401
