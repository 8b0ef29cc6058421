"""Measure every page that could scan the network's data, cold and warm, against a fair
yardstick: p50 and p95 per page, and the ratio of its p95 to the yardstick's.

    python bench/measure.py sqlite:////tmp/c21-bench.db [--repeat 20] [--only search]
    python bench/measure.py postgresql://user@127.0.0.1:5432/c21_bench

The database is one filled by bench/fill.py. Requests go through the WSGI stack in process
(Flask's test client), logged in as Helsinki's officer. The yardstick is a route of the same
app that renders the base layout with an empty body for the same logged-in user (session,
layout, CSRF token, the same middleware): what any page costs before it does anything.
The process is set up as a gunicorn worker is (gunicorn.conf.py's post_worker_init: the
planner's statistics brought up to date, then portal.worker.settle).

"warm": the page asked again with nothing changed meanwhile (what kept values can serve).
"cold": right after a write elsewhere in the network, the number that counts. Here another
officer of Helsinki (the city with the most records) archives one of the city's shared
events, or restores it, in turn, through the events service as the button does (the event,
its search document and words, the audit): the search index's state token changes, which
voids every value kept per state of the data, and so does the token of Helsinki's events
(portal.caching.per_part_state: the overview counts that city's events again). "overview,
every share counted" voids every city's part of every kind (a worker's first request, or a
write to every city at once). Samples alternate page and yardstick, so a busy machine slows
both alike.

``--split`` adds a table of where each page's cold time goes: writing the HTML (Jinja's
rendering of the page's template, with whatever it reads meanwhile) and everything before it
(the request, the session, the services, the statements, building the rows' objects), each
a median, beside the yardstick's own.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import before_render_template, render_template_string, template_rendered
from sqlalchemy import func, select

from portal import create_app
from portal.extensions import db
from portal.models import Contact, Event, Meeting, Organisation, SearchIndexPart, User
from portal.models.contacts import interaction_organisations
from portal.search.index import touch
from portal.security.sessions import SESSION_TOKEN_KEY, start_session
from portal.services import events
from portal.worker import check_statistics, settle

YARDSTICK = '{% extends "base.html" %}{% block content %}{% endblock %}'


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class TemplateClock:
    """Time spent rendering templates, from Flask's own signals around each render (a
    template rendered while another renders is counted once, in the outer one)."""

    def __init__(self) -> None:
        self.spent = 0.0
        self._started: list[float] = []

    def listen(self, app) -> None:
        before_render_template.connect(self._before, app)
        template_rendered.connect(self._after, app)

    def _before(self, _app, **_extra) -> None:
        self._started.append(time.perf_counter())

    def _after(self, _app, **_extra) -> None:
        started = self._started.pop()
        if not self._started:
            self.spent += time.perf_counter() - started


def pages(app) -> list[tuple[str, str]]:
    """(name, path) of every page of the issue's table, with ids from the filled database."""
    with app.app_context():
        helsinki = db.session.scalar(select(User).where(User.email == "officer@helsinki.example"))
        contact = db.session.scalar(
            select(Contact.id)
            .where(Contact.city_id == helsinki.city_id, Contact.organisation_id.is_not(None))
            .order_by(Contact.id.desc())
            .limit(1)
        )
        links = func.count(interaction_organisations.c.interaction_id)
        busy = db.session.scalar(
            select(interaction_organisations.c.organisation_id)
            .group_by(interaction_organisations.c.organisation_id)
            .order_by(links.desc())
            .limit(1)
        )
        typical = db.session.scalar(
            select(Organisation.id).order_by(Organisation.id.desc()).limit(1)
        )
        meeting = db.session.scalar(
            select(Meeting.id).where(Meeting.title.like("%big meeting%")).limit(1)
        ) or db.session.scalar(select(Meeting.id).order_by(Meeting.id.desc()))
        token = events.issue_calendar_token(helsinki)
        db.session.commit()
        helsinki_id = helsinki.id
    # Page 1000 as a user reaches it: by the Next link of page 999, which says where that
    # page ended.
    from portal.services.contacts import list_contacts
    from portal.services.listing import RecordFilter

    with app.test_request_context():
        officer = db.session.get(User, helsinki_id)
        after = list_contacts(officer, RecordFilter(), page=999).last_id
    return [
        ("place page /places/beijing", "/places/beijing"),
        ("agenda PDF", f"/meetings/{meeting}/agenda.pdf"),
        ("new interaction form", "/interactions/new"),
        ("organisation, typical", f"/organisations/{typical}"),
        ("organisation, busy", f"/organisations/{busy}"),
        ("contact", f"/contacts/{contact}"),
        ("search 'meeting'", "/search?q=meeting"),
        ("search 'seminar'", "/search?q=seminar"),
        ("search, rare word", "/search?q=hameenlinna"),
        ("search, hanzi", "/search?q=%E5%8C%97%E4%BA%AC"),
        ("search, pinyin", "/search?q=zhong+guan+cun"),
        ("search with facets", "/search?q=seminar&kind=event&city=helsinki"),
        ("iCalendar feed, network", f"/calendar/{token}/network.ics"),
        ("iCalendar feed, city", f"/calendar/{token}/city.ics"),
        ("iCalendar feed, network, hourly poll (304)", f"/calendar/{token}/network.ics#poll"),
        ("contacts list, page 1", "/contacts/"),
        ("contacts list, page 1000 (Next from page 999)", f"/contacts/?page=1000&after={after}"),
        ("contacts list, page 1000 typed (?page=1000)", "/contacts/?page=1000"),
        ("contacts list q=wang", "/contacts/?q=wang"),
        ("interactions list", "/interactions/"),
        ("projects list", "/projects/"),
        ("agreements list", "/agreements/"),
        ("expertise directory", "/expertise/"),
        ("overview", "/overview"),
        ("overview, every share counted", "/overview#all"),
        ("meeting page (40 items)", f"/meetings/{meeting}"),
        ("home", "/"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("database_url")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--only", default="", help="only the pages whose name has this")
    parser.add_argument(
        "--split", action="store_true", help="also where the cold time goes (templates, the rest)"
    )
    args = parser.parse_args()
    url = args.database_url
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]

    app = create_app(
        {"PORTAL_ENV": "testing", "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url}
    )
    app.add_url_rule("/_yardstick", "yardstick", lambda: render_template_string(YARDSTICK))
    check_statistics(app)  # as each gunicorn worker does once it has loaded the portal
    settle()
    clock = TemplateClock()
    if args.split:
        clock.listen(app)
    client = app.test_client()
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "officer@helsinki.example"))
        token = start_session(user, ip="127.0.0.1", user_agent="bench")
        db.session.commit()
        user_id = user.id
    with client.session_transaction() as session:
        session[SESSION_TOKEN_KEY] = token
        session["_user_id"] = str(user_id)

    def timed(path: str, rendered: list[float] | None = None) -> float:
        headers, expected = {}, 200
        if path.endswith("#poll"):  # a calendar client asking whether its copy is current
            path = path.removesuffix("#poll")
            headers = {"If-None-Match": client.get(path).headers["ETag"]}
            expected = 304
        path = path.removesuffix("#all")
        clock.spent = 0.0
        started = time.perf_counter()
        response = client.get(path, headers=headers)
        response.get_data()
        took = (time.perf_counter() - started) * 1000
        assert response.status_code == expected, (path, response.status_code)
        if rendered is not None:
            rendered.append(clock.spent * 1000)
        return took

    with app.app_context():
        every_part = list(db.session.execute(select(SearchIndexPart.kind, SearchIndexPart.city_id)))
        city = db.session.get(User, user_id).city_id
        # (The demo data has one officer a city; bench/load.py adds colleagues.)
        colleague = (
            db.session.scalar(
                select(User.id)
                .where(User.city_id == city, User.role == "officer", User.id != user_id)
                .order_by(User.id)
                .limit(1)
            )
            or user_id
        )
        shared_event = db.session.scalar(
            select(Event.id)
            .where(Event.city_id == city, Event.visibility == "network")
            .order_by(Event.id.desc())
            .limit(1)
        )

    def write_elsewhere(path: str) -> None:
        if path.endswith("#all"):  # every city's part of every kind at once
            with app.app_context():
                touch(db.session.connection(), every_part)
                db.session.commit()
            return
        # A colleague archives the shared event, or restores it, as the button does.
        with app.test_request_context():
            actor = db.session.get(User, colleague)
            event = db.session.get(Event, shared_event)
            assert actor is not None and event is not None
            change = events.restore_event if event.archived_at else events.archive_event
            change(actor, event)
            db.session.commit()

    yardstick: list[float] = []
    yardstick_cold: list[float] = []  # the yardstick's samples taken between cold ones
    yardstick_rendered: list[float] = []
    rows = []
    splits = []
    for name, path in pages(app):
        if args.only and args.only not in name:
            continue
        timed(path)  # first touch: templates compiled, the session refreshed
        warm, cold = [], []
        for _ in range(args.repeat):
            yardstick.append(timed("/_yardstick"))
            warm.append(timed(path))
        rendered: list[float] = []
        for _ in range(args.repeat):
            write_elsewhere(path)
            yardstick_cold.append(timed("/_yardstick", yardstick_rendered))
            cold.append(timed(path, rendered))
        rows.append((name, warm, cold))
        splits.append((name, cold, rendered))
        print(f"  {name}: cold p95 {percentile(cold, 95):.0f} ms", file=sys.stderr, flush=True)

    yardstick += yardstick_cold
    base = percentile(yardstick, 95)
    backend = app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0].split("+")[0]
    print(
        f"{backend}, {args.repeat} samples each; yardstick p50 "
        f"{statistics.median(yardstick):.1f} ms, p95 {base:.1f} ms"
    )
    print("| page | warm p50 / p95 ms | cold p50 / p95 ms | cold p95 / yardstick |")
    print("| --- | ---: | ---: | ---: |")
    for name, warm, cold in rows:
        print(
            f"| {name} | {statistics.median(warm):.0f} / {percentile(warm, 95):.0f} "
            f"| {statistics.median(cold):.0f} / {percentile(cold, 95):.0f} "
            f"| {percentile(cold, 95) / base:.1f}x |"
        )
    if args.split:
        print_split(yardstick_cold, yardstick_rendered, splits)
    # The process served every page as a worker would: its resident memory at its highest.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nmemory of the measuring process at its highest: {peak:.0f} MiB")


def print_split(yardstick, yardstick_rendered, splits) -> None:
    """Where the cold time goes, page by page: medians of the whole, of the templates'
    rendering and of the rest (the rest's median is taken of each sample's rest)."""

    def row(name: str, whole: list[float], rendered: list[float]) -> str:
        rest = [w - r for w, r in zip(whole, rendered, strict=True)]
        return (
            f"| {name} | {statistics.median(whole):.1f} | {statistics.median(rendered):.1f} "
            f"| {statistics.median(rest):.1f} |"
        )

    print()
    print("| cold, median ms | whole | templates | the rest |")
    print("| --- | ---: | ---: | ---: |")
    print(row("yardstick", yardstick, yardstick_rendered))
    for name, cold, rendered in splits:
        if name != "agenda PDF":  # its time is WeasyPrint's, after its template
            print(row(name, cold, rendered))


if __name__ == "__main__":
    main()
