"""The network overview page."""

from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_login import current_user

from portal.charts import bar_chart
from portal.maps import network_map
from portal.security.permissions import require
from portal.services import agreements, overview
from portal.timeutil import local_today

bp = Blueprint("overview", __name__)


@bp.route("/overview")
def index():
    require(current_user, "network.read")
    today = local_today()
    # Shared records only: the same for everyone, counted once per state of each city's.
    figures = overview.figures(today)
    themes, cities = figures.by_theme(), figures.by_city()
    upcoming = overview.upcoming_shared_events(today)
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
        activity=figures.activity(),
        links=(links := overview.map_links(current_user)),
        network_map=network_map(
            links,
            overview.map_cities(),
            title=_("The C21 cities and their partner places in China"),
            summary=overview.map_summary(links),
        ),
        due=agreements.due_soon(current_user, today=today, shared_only=True),
        upcoming=upcoming,
        today=today,
    )
