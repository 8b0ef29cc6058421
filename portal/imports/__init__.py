from flask import Blueprint

bp = Blueprint("imports", __name__, url_prefix="/import")

from portal.imports import views  # noqa: E402, F401
