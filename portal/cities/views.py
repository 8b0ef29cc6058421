"""The home page ("my city"), the list of the 21 cities and a profile page per city."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from portal.cities import bp
from portal.extensions import db
from portal.security.permissions import can, require
from portal.services import (
    agreements,
    cities,
    interactions,
    minutes,
    notifications,
    projects,
    retention,
)
from portal.timeutil import local_today


@bp.route("/")
def home():
    city = current_user.city
    officers = cities.liaison_officers(city) if city else []
    overdue, upcoming = interactions.follow_ups(
        current_user, current_user.city_id, today=local_today()
    )
    today = local_today()
    notices, notice_count = notifications.unread_for(current_user)
    return render_template(
        "cities/home.html",
        notices=notices,
        notice_count=notice_count,
        open_actions=minutes.open_actions_for_city(city.id) if city else [],
        city=city,
        officers=officers,
        overdue=overdue,
        upcoming=upcoming,
        counts=cities.record_counts(city) if city else {},
        active_projects=projects.active_projects(current_user, current_user.city_id),
        # A city's own agreements; for those who serve the whole network, the shared ones.
        due=agreements.due_soon(current_user, today=today, city_id=current_user.city_id)
        if city
        else agreements.due_soon(current_user, today=today, shared_only=True),
        today=today,
        # For the city's data protection officers: contacts past their retention review.
        retention_due=retention.count_due(city, today)
        if city and can(current_user, "city.data_protection", city)
        else 0,
    )


@bp.route("/cities/")
def index():
    require(current_user, "network.read")
    return render_template(
        "cities/index.html", cities=cities.all_cities(), officers=cities.officer_counts()
    )


@bp.route("/cities/<slug>/package.xlsx")
def package(slug: str):
    """All the city owns as one workbook: its own officers and viewers, and admins."""
    from flask import Response

    from portal.services.city_package import city_package

    city = cities.city_by_slug(slug)
    require(current_user, "city.package", city)
    body = city_package(current_user, city)
    db.session.commit()
    return Response(
        body,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": f'attachment; filename="c21-{city.slug}-{local_today()}.xlsx"',
            "Cache-Control": "private, no-store",
        },
    )


def _report(slug: str, *, pdf: bool):
    from datetime import date

    from portal.charts import bar_chart
    from portal.services import mayor_report
    from portal.services.errors import ValidationError

    city = cities.city_by_slug(slug)
    require(current_user, "city.report", city)
    today = local_today()
    start, end = mayor_report.default_period(today)
    try:
        start = date.fromisoformat(request.args.get("start") or start.isoformat())
        end = date.fromisoformat(request.args.get("end") or end.isoformat())
        report = mayor_report.city_report(current_user, city, start, end, today=today)
    except (ValueError, ValidationError):
        abort(400)
    db.session.commit()
    html = render_template(
        "cities/report.html",
        r=report,
        today=today,
        pdf=pdf,
        chart=bar_chart(report.by_theme, title=_("Interactions by theme"), chart_id="report-themes")
        if report.by_theme
        else "",
    )
    return report, html


@bp.route("/cities/<slug>/report")
def report(slug: str):
    """The city's report to its mayor for a period (the year so far unless chosen), to
    print; its own people and admins."""
    _r, html = _report(slug, pdf=False)
    return html


@bp.route("/cities/<slug>/report.pdf")
def report_pdf(slug: str):
    from portal.record_views import pdf_response

    r, html = _report(slug, pdf=True)
    return pdf_response(html, f"c21-{r.city.slug}-{r.start}-{r.end}.pdf")


@bp.route("/cities/<slug>")
def profile(slug: str):
    require(current_user, "network.read")
    city = cities.city_by_slug(slug)
    return render_template(
        "cities/profile.html",
        city=city,
        officers=cities.liaison_officers(city),
        active_projects=projects.active_projects(current_user, city.id),
        records=cities.profile_records(current_user, city, today=local_today()),
    )
