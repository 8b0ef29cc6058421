"""Runs the permission matrix of tests/matrix.py through the test client."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import cache

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AuditEvent, User
from portal.services import accounts
from tests.conftest import Factories, UserRef, _clean
from tests.matrix import LOGIN, ROLE_CITY, ROUTES, Route, cases


@dataclass
class World:
    target_user: dict[str, int]
    password_token: str
    contact: dict[tuple[str, str], int]
    interaction: dict[tuple[str, str], int]
    organisation: int
    project: dict[tuple[str, str], int]
    event: dict[tuple[str, str], int]
    agreement: dict[tuple[str, str], int]
    offer: dict[tuple[str, str], int]
    feed_token: str
    meeting: dict[str, int]  # "draft" (proposals open) and "published" (deadline passed)
    proposal: dict[str, int]  # Helsinki's ("own") and Espoo's ("other") in the draft meeting
    item: dict[str, int]  # an item on each meeting's agenda
    action: dict[str, int]  # action items owned by Helsinki ("own") and Espoo ("other")
    # Papers on the published agenda's item and on Helsinki's and Espoo's proposals.
    attachment: dict[str, int]
    theme_id: int  # a theme of the reference data
    # Imports of Helsinki ("own") and Espoo ("other"): a file not yet imported, one imported.
    import_draft: dict[str, int]
    import_done: dict[str, int]
    api_token: int  # a token of the own city's viewer
    # The acting user of each role of the matrix, made once: each case's writes (its
    # session, a changed password) are rolled back with it.
    actor: dict[str, UserRef]


@pytest.fixture(scope="module")
def matrix_app(_session_app):
    """The app for the whole module: the world is built once, and each case runs in a
    transaction rolled back after it (see ``case``)."""
    yield _session_app
    _clean(_session_app)


@pytest.fixture(scope="module")
def make(matrix_app) -> Factories:
    return Factories(matrix_app)


@pytest.fixture(scope="module")
def world(matrix_app, make) -> World:
    own = make.user("viewer", "helsinki")
    other = make.user("viewer", "espoo")
    with matrix_app.app_context():
        token = accounts.issue_password_link(None, db.session.get(User, other.id))
        db.session.commit()
    org = make.organisation("Beijing Municipal Bureau of Sports", "北京市体育局")
    contacts, interactions = {}, {}
    projects, events, agreements, offers = {}, {}, {}, {}
    for scope, city in (("own", "helsinki"), ("other", "espoo")):
        for visibility in ("city", "network"):
            contacts[(scope, visibility)] = make.contact(city, visibility, organisation=org)
            interactions[(scope, visibility)] = make.interaction(city, visibility)
            projects[(scope, visibility)] = make.record("project", city, visibility)
            events[(scope, visibility)] = make.record("event", city, visibility)
            agreements[(scope, visibility)] = make.record(
                "agreement", city, visibility, document=True
            )
            offers[(scope, visibility)] = make.record("offer", city, visibility)
    for visibility in ("city", "network"):
        projects[("partner", visibility)] = make.record(
            "project", "espoo", visibility, partners=["helsinki"]
        )
    with matrix_app.app_context():
        from portal.services import events as event_service

        feed_token = event_service.issue_calendar_token(db.session.get(User, own.id))
        db.session.commit()
    meeting, proposal, item, action, attachment = _meetings(matrix_app, make.user)
    return World(
        attachment=attachment,
        meeting=meeting,
        proposal=proposal,
        item=item,
        action=action,
        target_user={"own": own.id, "other": other.id},
        password_token=token,
        contact=contacts,
        interaction=interactions,
        organisation=org,
        project=projects,
        event=events,
        agreement=agreements,
        offer=offers,
        feed_token=feed_token,
        theme_id=_first_theme(matrix_app),
        **_imports(matrix_app, make.user),
        api_token=_api_token(matrix_app, own),
        actor=_actors(matrix_app, make),
    )


def _actors(app, make) -> dict[str, UserRef]:
    actors = {}
    for role, city in ROLE_CITY.items():
        actor = make.user(
            {"city_coordinator": "coordinator", "dpo": "officer"}.get(role, role), city
        )
        if role == "dpo":
            with app.app_context():
                db.session.get(User, actor.id).data_protection = True
                db.session.commit()
        actors[role] = actor
    return actors


def _api_token(app, owner) -> int:
    from portal.services import api_tokens

    with app.app_context():
        issued = api_tokens.create(db.session.get(User, owner.id), name="w", writes=False, days=9)
        db.session.commit()
        return issued.token.id


def _imports(app, make_user) -> dict[str, dict[str, int]]:
    from portal.models import City
    from portal.services import imports
    from tests.import_files import csv_bytes

    drafts, done = {}, {}
    for scope, slug in (("own", "helsinki"), ("other", "espoo")):
        officer = make_user("officer", slug)
        with app.test_request_context():
            actor = db.session.get(User, officer.id)
            city = db.session.scalar(select(City).where(City.slug == slug))
            content = csv_bytes(
                [["Family name", "Legal basis for keeping the data"], ["Wang", "consent"]]
            )
            drafts[scope] = imports.start(actor, city, "contacts", "draft.csv", content).id
            batch = imports.start(actor, city, "contacts", "done.csv", content)
            db.session.commit()  # an import confirms a stored draft
            imports.confirm(actor, batch)
            done[scope] = batch.id
            db.session.commit()
    return {"import_draft": drafts, "import_done": done}


def _first_theme(app) -> int:
    from sqlalchemy import select

    from portal.models import Theme

    with app.app_context():
        return db.session.scalar(select(Theme.id).order_by(Theme.id))


@pytest.fixture
def case(matrix_app, world):
    """One case in a transaction of its own, rolled back afterwards: every request's commits
    become savepoints on one connection, so the world is the same for the next case."""
    with matrix_app.app_context():
        db.session.remove()
        engine = db.engine
        connection = engine.connect()
        outer = connection.begin()
        db.engines[None] = connection
        db.session.configure(join_transaction_mode="create_savepoint")
    try:
        yield world
    finally:
        with matrix_app.app_context():
            db.session.remove()
            db.session.configure(join_transaction_mode="conditional_savepoint")
            db.engines[None] = engine
            outer.rollback()
            connection.close()


def _meetings(app, make_user):
    from datetime import time, timedelta

    from portal.models import AgendaItem, City, MeetingSeries
    from portal.services import meetings, minutes, papers, proposals
    from portal.timeutil import local_today
    from tests.conftest import MINIMAL_PDF

    coordinator = make_user("coordinator", None)
    proposers = {"own": make_user("officer", "helsinki"), "other": make_user("officer", "espoo")}
    with app.test_request_context():
        actor = db.session.get(User, coordinator.id)
        series = db.session.scalar(select(MeetingSeries))
        cities = {c.slug: c for c in db.session.scalars(select(City))}

        def values(days, deadline):
            held_on = local_today() + timedelta(days=days)
            return {
                "title": f"Meeting in {days} days",
                "held_on": held_on,
                "starts_at": time(13),
                "ends_at": time(15),
                "host_city": cities["espoo"],
                "proposal_deadline": local_today() + timedelta(days=deadline),
            }

        published = meetings.create_meeting(actor, series, values(2, -1), past_deadline_ok=True)
        draft = meetings.create_meeting(actor, series, values(60, 30))
        proposal = {}
        for scope, user in proposers.items():
            proposal[scope] = proposals.propose(
                db.session.get(User, user.id),
                draft,
                {"title": f"Proposal {scope}", "kind": "discussion", "duration_minutes": 10},
            ).id
        meetings.publish(actor, published, annex={"since": "2026-01-01", "themes": []})
        on_agenda = meetings.agenda(published).slots[0].item
        action = {
            scope: minutes.add_action(
                actor, on_agenda, {"description": f"Action {scope}", "owner_city": cities[slug]}
            ).id
            for scope, slug in (("own", "helsinki"), ("other", "espoo"))
        }
        attached = {
            scope: papers.attach(
                actor, db.session.get(AgendaItem, item_id), io.BytesIO(MINIMAL_PDF), "paper.pdf"
            ).id
            for scope, item_id in (
                ("published", on_agenda.id),
                ("own", proposal["own"]),
                ("other", proposal["other"]),
            )
        }
        db.session.commit()
        return (
            {"draft": draft.id, "published": published.id},
            proposal,
            {"draft": meetings.agenda(draft).slots[0].item.id, "published": on_agenda.id},
            action,
            attached,
        )


# Tables a refused request may write to: the denial's audit event, the session's activity.
MAY_CHANGE_WHEN_REFUSED = {"audit_events", "user_sessions", "login_attempts"}


def _state() -> dict[str, int]:
    """Rows, versions and archive marks of every table a request might change ("contacts
    rows": 4, ...), in one statement (a statement per table made this check most of a
    refused case's time)."""
    return dict(db.session.execute(_state_statement()).one()._mapping)


@cache
def _state_statement():
    figures = []
    for table in db.metadata.sorted_tables:
        if table.name in MAY_CHANGE_WHEN_REFUSED:
            continue
        columns = {"rows": func.count()}
        if "version" in table.c:
            columns["versions"] = func.coalesce(func.sum(table.c.version), 0)
        if "archived_at" in table.c:
            columns["archived"] = func.count(table.c.archived_at)
        figures += [
            select(figure).select_from(table).scalar_subquery().label(f"{table.name} {name}")
            for name, figure in columns.items()
        ]
    return select(*figures)


@pytest.mark.parametrize(
    "route,role,scope,visibility",
    list(cases()),
    ids=lambda v: f"{v.method} {v.endpoint}" if isinstance(v, Route) else v,
)
def test_route_answers_as_the_matrix_says(matrix_app, make, case, route, role, scope, visibility):
    client = matrix_app.test_client()
    if role != "anonymous":
        user = case.actor[role]
        make.log_in(client, user)
    path = route.path(case, scope, visibility) if visibility != "-" else route.path(case, scope)
    expected = route.expected(role, scope, visibility)
    headers = {}
    if route.api and role != "anonymous":
        from portal.services import api_tokens

        with matrix_app.app_context():
            issued = api_tokens.create(
                db.session.get(User, user.id), name="m", writes=route.method != "GET", days=1
            )
            db.session.commit()
            headers["Authorization"] = f"Bearer {issued.secret}"
    refused = expected in (LOGIN, 401, 403, 404) and route.method in ("POST", "PATCH")
    if refused:
        with matrix_app.app_context():
            before = _state()
    if route.api:
        body = route.data
        if callable(body):
            with matrix_app.app_context():
                body = body(case, scope, visibility)
        response = client.open(path, method=route.method, json=body, headers=headers)
    else:
        response = client.open(path, method=route.method, data=route.data, headers=headers)
    response.close()
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
    else:
        assert response.status_code == expected, (route.endpoint, role, scope, visibility)
    with matrix_app.app_context():
        if expected == 403:
            assert db.session.scalar(
                select(AuditEvent).where(AuditEvent.action == "access.denied")
            ), "a denial must leave an audit event"
        if refused:
            assert _state() == before, "a refused write must change nothing"


def test_every_route_is_in_the_matrix(matrix_app):
    app = matrix_app
    covered = {(route.endpoint, route.method) for route in ROUTES}
    missing = []
    for rule in app.url_map.iter_rules():
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if (rule.endpoint, method) not in covered:
                missing.append(f"{method} {rule.rule} ({rule.endpoint})")
    assert not missing, "routes missing from tests/matrix.py: " + ", ".join(missing)


def test_actions_refuse_get(matrix_app, make, case):
    """A route that changes state takes POST only: a GET (a link, a prefetch, an image tag
    on another site) is refused with 405 and changes nothing."""
    app, client, world = matrix_app, matrix_app.test_client(), case
    make.log_in(client, make.user("admin", None))
    # (The API's POST /api/v1/contacts shares its address with the list, a GET.)
    post_only = [
        r
        for r in app.url_map.iter_rules()
        if "POST" in r.methods and "GET" not in r.methods and not r.endpoint.startswith("api.")
    ]
    assert post_only
    for rule in post_only:
        # Any id will do: the method is refused before the record is looked up.
        path = re.sub(r"<int:\w+>", str(world.target_user["other"]), rule.rule)
        assert client.get(path).status_code == 405, rule.rule
    with app.app_context():
        assert db.session.get(User, world.target_user["other"]).active
