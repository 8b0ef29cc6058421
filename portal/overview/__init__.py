"""The network overview page."""

from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from portal.charts import bar_chart
from portal.extensions import db
from portal.maps import network_map
from portal.models.events import Event
from portal.security.permissions import require, select_visible
from portal.services import agreements, overview
from portal.timeutil import local_today

bp = Blueprint("overview", __name__)


@bp.route("/overview")
def index():
    require(current_user, "network.read")
    today = local_today()
    themes = overview.by_theme()
    cities = overview.by_city()
    upcoming = db.session.scalars(
        select_visible(current_user, Event)
        .where(Event.visibility == "network", Event.ends_on >= today)
        .options(joinedload(Event.city))
        .order_by(Event.starts_on)
        .limit(10)
    ).all()
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
        activity=overview.activity(today),
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
