"""The network overview page."""

from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.caching import per_data_state
from portal.charts import bar_chart
from portal.extensions import db
from portal.maps import network_map
from portal.models.events import Event
from portal.security.permissions import require
from portal.services import agreements, overview
from portal.timeutil import local_today

bp = Blueprint("overview", __name__)


@bp.route("/overview")
def index():
    require(current_user, "network.read")
    today = local_today()
    # Shared records only: the same for everyone, so computed once per state of the data.
    themes, cities, activity = per_data_state(
        "overview",
        today,
        lambda: (overview.by_theme(), overview.by_city(), overview.activity(today)),
    )
    upcoming = _upcoming(today)
    return render_template(
        "overview/index.html",
        themes=themes,
        cities=cities,
        theme_chart=bar_chart(
            [(r.label, r.total) for r in themes],
            title=_("Shared records per theme"),
            chart_id="theme-chart",
        ),
        city_chart=bar_chart(
            [(r.label, r.total) for r in cities if r.total],
            title=_("Shared records per city"),
            chart_id="city-chart",
        ),
        activity=activity,
        links=(links := overview.map_links(current_user)),
        network_map=network_map(
            links,
            overview.map_cities(),
            title=_("The C21 cities and their partner places in China"),
        ),
        due=agreements.due_soon(current_user, today=today, shared_only=True),
        upcoming=upcoming,
        today=today,
    )


def _upcoming(today):
    """The next ten shared events (the same for everyone; which ones is computed once per
    state of the data, since the planner cannot tell how few events lie ahead)."""
    ids = per_data_state(
        "upcoming-events",
        today,
        lambda: db.session.scalars(
            select(Event.id)
            .where(
                Event.visibility == "network",
                Event.archived_at.is_(None),
                Event.ends_on >= today,
            )
            .order_by(Event.starts_on, Event.id)
            .limit(10)
        ).all(),
    )
    events = {
        e.id: e
        for e in db.session.scalars(
            select(Event).where(Event.id.in_(ids or [-1])).options(joinedload(Event.city))
        )
    }
    return [events[i] for i in ids if i in events]
