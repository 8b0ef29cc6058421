from flask import Blueprint

bp = Blueprint("projects", __name__, url_prefix="/projects")

from portal.projects import views  # noqa: E402, F401
