"""Meetings of the C21 China network: series, meetings, proposals, the agenda, minutes."""

from flask import Blueprint

bp = Blueprint("meetings", __name__, url_prefix="/meetings")

from portal.meetings import views  # noqa: E402,F401
