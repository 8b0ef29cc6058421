from flask import Blueprint

bp = Blueprint("privacy", __name__, url_prefix="/data-protection")

from portal.privacy import views  # noqa: E402, F401
