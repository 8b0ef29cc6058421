from flask import Blueprint

bp = Blueprint("events", __name__)

from portal.events import views  # noqa: E402, F401
