"""Events: the upcoming list, the month calendar, the records themselves, and iCalendar."""

from __future__ import annotations

import re

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.http import http_date, is_resource_modified

from portal.events import bp
from portal.events.forms import EditEventForm, EventForm, FeedForm
from portal.extensions import db
from portal.forms import choices
from portal.kinds import EVENT
from portal.links import record_url
from portal.models.events import Event
from portal.record_views import (
    add_archive_routes,
    city_field,
    edit_record_page,
    export_page,
    list_page,
    new_record_page,
    people_picker,
)
from portal.security.permissions import READ, can, load_visible
from portal.services import access_log, audit, cities, contacts, events, meetings, projects
from portal.services.organisations import all_places
from portal.timeutil import local_today


def _prepare(form: EventForm, city_id: int, record: Event | None = None, *, choosing_city=False):
    themes = contacts.themes()
    all_cities = cities.all_cities()
    places = all_places()
    people = people_picker(form, city_id, record)
    city_projects = projects.city_projects_for_picker(current_user, city_id)
    linked_orgs = list(record.organisations) if record else []
    form.themes.choices = choices((t.id, t.local_name) for t in themes)
    form.place_city.choices = choices(
        [
            ("", _("None")),
            *((c.id, c.local_name) for c in sorted(all_cities, key=lambda c: c.local_name)),
        ]
    )
    form.place_china.choices = choices([("", _("None")), *((p.id, p.local_name) for p in places)])
    form.project.choices = choices([("", _("None")), *((p.id, p.title) for p in city_projects)])
    form.organisations.choices = choices((o.id, o.name_en) for o in linked_orgs)
    city_field(form, choosing_city)
    return {
        "themes": {str(t.id): t for t in themes},
        "cities": {str(c.id): c for c in all_cities},
        "places": {str(p.id): p for p in places},
        "projects": {str(p.id): p for p in city_projects},
        "contacts": people,
        "organisations": {str(o.id): o for o in linked_orgs},
    }


@bp.route("/events/")
def index():
    when = request.args.get("when", "upcoming")
    return list_page(EVENT, _lister(when), when=when)


def _lister(when: str):
    return lambda actor, flt, page, per_page=50: events.list_events(
        actor, flt, when=when, today=local_today(), page=page, per_page=per_page
    )


@bp.route("/events/export.<fmt>")
def export(fmt: str):
    return export_page(EVENT, _lister(request.args.get("when", "upcoming")), fmt)


@bp.route("/events/calendar")
def calendar():
    today = local_today()
    match = re.fullmatch(r"(\d{4})-(\d{2})", request.args.get("month", ""))
    year, month = (int(match[1]), int(match[2])) if match else (today.year, today.month)
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        abort(404)
    scope = request.args.get("scope") or ("city" if current_user.city_id else "network")
    if scope not in ("city", "network") or (scope == "city" and not current_user.city_id):
        scope = "network"
    return render_template(
        "events/calendar.html",
        grid=events.month_grid(current_user, year=year, month=month, scope=scope),
        scope=scope,
        today=today,
    )


@bp.route("/events/new", methods=["GET", "POST"])
def new():
    return new_record_page(EVENT, EventForm, _prepare, events.create_event)


@bp.route("/events/<int:event_id>")
def detail(event_id: int):
    event = load_visible(current_user, Event, event_id)
    return render_template(
        "events/detail.html",
        event=event,
        # Linked records the user may not see stay out of the page.
        people=access_log.shown(
            current_user, [c for c in event.contacts if can(current_user, READ, c)]
        ),
        project=event.project
        if event.project is not None and can(current_user, READ, event.project)
        else None,
        history=audit.history_for(current_user, event),
    )


@bp.route("/events/<int:event_id>/event.ics")
def ical(event_id: int):
    event = load_visible(current_user, Event, event_id)
    body = events.to_ical([event], name=event.title, url_for_event=_external_url)
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="event-{event.id}.ics"'},
    )


def _external_url(event: Event) -> str:
    """The event's page with the scheme and host, built once per request and each event's id
    put in (portal.links: a feed links a thousand)."""
    return record_url("events.detail", "event_id", event.id, external=True)


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
def edit(event_id: int):
    return edit_record_page(EVENT, event_id, EditEventForm, _prepare, events.update_event)


@bp.route("/events/feeds")
def feeds():
    return render_template(
        "events/feeds.html",
        form=FeedForm(),
        active=events.has_calendar_token(current_user),
        token=None,
    )


@bp.route("/events/feeds/new", methods=["POST"])
def new_feed():
    token = events.issue_calendar_token(current_user)
    db.session.commit()
    # Shown once, like a password: only its hash is stored.
    return render_template("events/feeds.html", form=FeedForm(), active=True, token=token)


@bp.route("/events/feeds/revoke", methods=["POST"])
def revoke_feeds():
    events.revoke_calendar_tokens(current_user)
    db.session.commit()
    flash(_("Your calendar addresses no longer work."), "success")
    return redirect(url_for("events.feeds"))


@bp.route("/calendar/<token>/<scope>.ics")
def feed(token: str, scope: str):
    """A subscribable feed. Calendar clients cannot log in: the secret token in the address
    stands for the user, and the feed holds only what that user may see now."""
    if scope not in ("city", "network"):
        abort(404)
    user = events.user_for_calendar_token(token)
    if user is None or (scope == "city" and user.city_id is None):
        abort(404)
    version = events.feed_version(user, scope)
    headers = {
        "ETag": f'"{version.etag}"',
        # The address is the user's secret: no shared cache keeps it; a client asks again.
        "Cache-Control": "private, no-cache",
    }
    if version.modified is not None:
        headers["Last-Modified"] = http_date(version.modified)
    if not is_resource_modified(request.environ, etag=version.etag, last_modified=version.modified):
        return Response(status=304, headers=headers)
    name = (
        _("C21: %(city)s events", city=user.city.local_name if user.city else "")
        if scope == "city"
        else _("C21 network: shared events")
    )
    extra = []
    if scope == "network":
        extra = meetings.feed_parts(
            meetings.feed_meetings(user, local_today()),
            today=local_today(),
            url_for_meeting=lambda m: url_for("meetings.detail", meeting_id=m.id, _external=True),
        )
    body = events.feed_ical(
        user,
        scope,
        name=name,
        url_for_event=_external_url,
        link_base=record_url("events.detail", "event_id", 0, external=True),
        extra=extra,
    )
    return Response(body, mimetype="text/calendar", headers=headers)


add_archive_routes(
    bp,
    Event,
    "event_id",
    archive=events.archive_event,
    restore=events.restore_event,
    archived_message=_l("The event is archived. You can restore it."),
    restored_message=_l("The event is restored."),
    prefix="/events",
)
