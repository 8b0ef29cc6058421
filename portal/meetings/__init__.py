"""Meetings of the C21 China network, one module per section: the meetings themselves,
the cities' proposals, the agenda, the minutes and the papers."""

from flask import Blueprint

bp = Blueprint("meetings", __name__, url_prefix="/meetings")

from portal.meetings import (  # noqa: E402,F401
    agenda_views,
    meeting_views,
    minutes_views,
    paper_views,
    proposal_views,
)
