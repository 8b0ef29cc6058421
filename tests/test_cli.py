"""The operators' command line: flask --app portal users|demo|reference."""

from __future__ import annotations

from sqlalchemy import func, select

from portal import demo
from portal.extensions import db
from portal.models import ChinesePlace, City, CityPartnership, Meeting, Theme, User
from portal.security.passwords import verify_password


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


def test_create_an_officer_with_a_password_from_stdin(app):
    result = run(
        app,
        "users",
        "create",
        "Olli.Oulu@Oulu.example",
        "--name",
        "Olli Oulu",
        "--city",
        "oulu",
        "--role",
        "officer",
        "--password-stdin",
        input="pohjoinen tuuli puhaltaa\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created officer olli.oulu@oulu.example in Oulu" in result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "olli.oulu@oulu.example"))
        assert user.city.slug == "oulu"
        assert verify_password(user.password_hash, "pohjoinen tuuli puhaltaa")


def test_create_an_admin_without_a_city_and_without_a_password(app):
    result = run(app, "users", "create", "root@c21.example", "--name", "Root", "--role", "admin")
    assert result.exit_code == 0, result.output
    assert "/set-password/" in result.output  # a one-time link instead of a password


def test_create_errors_exit_with_status_1(app, make_user):
    taken = make_user("viewer", "pori")
    cases = [
        (["--city", "uppsala", "--role", "officer"], "x@y.example", "Unknown city 'uppsala'"),
        (["--city", "pori", "--role", "officer"], taken.email, "already uses this e-mail"),
        (["--city", "pori", "--role", "officer"], "new@pori.example", "too common"),
        (["--role", "officer"], "new@pori.example", "belong to a city"),
    ]
    for options, email, message in cases:
        result = run(
            app,
            "users",
            "create",
            email,
            "--name",
            "N",
            *options,
            "--password-stdin",
            input="password1234\n",
        )
        assert result.exit_code == 1, result.output
        assert message in result.output
    result = run(
        app,
        "users",
        "create",
        "new@pori.example",
        "--name",
        "N",
        "--city",
        "pori",
        "--role",
        "officer",
        "--password-stdin",
        input="short\n",
    )
    assert result.exit_code == 1 and "at least 12 characters" in result.output
    with app.app_context():
        assert db.session.query(User).count() == 1


def test_list_and_deactivate(app, make_user):
    user = make_user("officer", "vaasa", name="Veli Vaasa")
    result = run(app, "users", "list")
    assert f"{user.email}\tVeli Vaasa\tofficer\tvaasa\tactive" in result.output
    result = run(app, "users", "deactivate", user.email)
    assert result.exit_code == 0
    assert (
        f"{user.email}\tVeli Vaasa\tofficer\tvaasa\tdeactivated" in run(app, "users", "list").output
    )
    result = run(app, "users", "deactivate", "ghost@vaasa.example")
    assert result.exit_code == 1 and "No account" in result.output


def test_reference_data_is_complete_and_loading_it_twice_changes_nothing(app):
    def counts():
        with app.app_context():
            return [
                db.session.scalar(select(func.count()).select_from(m))
                for m in (City, Theme, ChinesePlace, CityPartnership)
            ]

    before = counts()
    assert run(app, "reference").exit_code == 0
    assert counts() == before
    cities, themes, places, partnerships = before
    assert cities == 21 and themes >= 13 and places >= 50 and partnerships >= 10
    with app.app_context():
        hml = db.session.scalar(select(City).where(City.slug == "hameenlinna"))
        assert (hml.name_fi, hml.name_sv, hml.region_fi) == (
            "Hämeenlinna",
            "Tavastehus",
            "Kanta-Häme",
        )
        beijing = db.session.scalar(select(ChinesePlace).where(ChinesePlace.slug == "beijing"))
        assert (beijing.name_zh, beijing.pinyin) == ("北京", "Běijīng")
        pudong = db.session.scalar(
            select(ChinesePlace).where(ChinesePlace.slug == "shanghai-pudong")
        )
        assert pudong.parent.slug == "shanghai"


def test_demo_loads_once_and_says_how_to_log_in(app):
    result = run(app, "demo", "--if-no-accounts")
    assert result.exit_code == 0
    assert "DEMO DATA" in result.output and demo.DEMO_PASSWORD in result.output
    assert "officer@helsinki.example" in result.output
    with app.app_context():
        first = db.session.query(User).count()
        roles = {
            (u.role, u.city.slug if u.city else None) for u in db.session.scalars(select(User))
        }
    assert first == len(demo.DEMO_ACCOUNTS)
    for city in ("helsinki", "espoo", "turku", "lahti", "rovaniemi"):
        assert ("officer", city) in roles and ("viewer", city) in roles
    assert ("admin", None) in roles and ("coordinator", None) in roles
    assert "Log in at http://127.0.0.1:5000/login" in result.output
    again = run(app, "demo", "--if-no-accounts", "--url", "http://127.0.0.1:8123")
    assert "The demo accounts are in the database." in again.output
    # The address it is served at, not always port 5000 (`make run PORT=8123`).
    assert "Log in at http://127.0.0.1:8123/login" in again.output
    run(app, "demo")
    with app.app_context():
        assert db.session.query(User).count() == first  # nothing duplicated
        assert db.session.query(Meeting).count() == 3


def test_demo_has_the_2018_meetings_with_agendas_minutes_and_actions(app):
    from datetime import date

    from portal.services import meetings, minutes

    run(app, "demo")
    with app.test_request_context():
        held = {m.held_on: m for m in db.session.scalars(select(Meeting))}
        turku, espoo = held[date(2018, 8, 29)], held[date(2018, 11, 16)]
        assert turku.host_city.slug == "turku" and espoo.host_city.slug == "espoo"
        assert turku.status == espoo.status == "approved"
        titles = [s.item.title for s in meetings.agenda(turku).flat()]
        assert "Establishing a China co-operation network of the C21 cities" in titles
        decisions = [i.decision for i in turku.items if i.decision]
        assert any("tourism, winter sports and sustainable development" in d for d in decisions)
        # Espoo's open action items are carried to the next meeting, now open for proposals.
        upcoming = max(held.values(), key=lambda m: m.held_on)
        assert upcoming.status == "draft"
        assert {a.owner_city.slug for a in minutes.matters_arising(upcoming)} == {
            "lahti",
            "helsinki",
        }


def test_demo_is_not_loaded_next_to_real_accounts(app, make_user):
    make_user("admin", None)
    result = run(app, "demo", "--if-no-accounts")
    assert "DEMO DATA" not in result.output
    with app.app_context():
        assert db.session.query(User).count() == 1


def test_demo_accounts_can_log_in(app, client):
    run(app, "demo")
    response = client.post(
        "/login", data={"email": "officer@helsinki.example", "password": demo.DEMO_PASSWORD}
    )
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "Aino Virtanen" in page
    assert "Beijing" in client.get("/cities/helsinki").get_data(as_text=True)


def test_demo_records_are_realistic_idempotent_and_respect_tenancy(app, client):
    from portal.models import Contact, Interaction, Organisation

    run(app, "demo")
    run(app, "demo")
    with app.app_context():
        counts = [db.session.query(m).count() for m in (Organisation, Contact, Interaction)]
        cities_with_records = {c.city.slug for c in db.session.scalars(select(Contact))}
    assert counts == [16, 9, 8]
    assert {"helsinki", "espoo", "lahti", "turku", "rovaniemi"} <= cities_with_records
    client.post("/login", data={"email": "officer@espoo.example", "password": demo.DEMO_PASSWORD})
    listing = client.get("/contacts/").get_data(as_text=True)
    assert "Wang Li" in listing  # Helsinki shares its FAO contact
    assert "Zhang Wei" not in listing  # but keeps the sports bureau contact to itself
    sports = client.get("/organisations/?q=bureau+of+sports").get_data(as_text=True)
    assert "Beijing Municipal Bureau of Sports" in sports
    helsinki = app.test_client()
    helsinki.post(
        "/login", data={"email": "officer@helsinki.example", "password": demo.DEMO_PASSWORD}
    )
    home = helsinki.get("/").get_data(as_text=True)
    assert "Sister-school pairs for 2027" in home  # an overdue follow-up
    assert "Coaching exchange for youth ice hockey" in home  # one due within 14 days


def test_demo_projects_events_agreements_and_offers_come_from_the_seeds(app, client):
    from portal.models import ActionPlanTheme, Agreement, Event, ExpertiseOffer, Project

    run(app, "demo")
    run(app, "demo")
    with app.app_context():
        counts = [
            db.session.query(m).count()
            for m in (Project, Event, Agreement, ActionPlanTheme, ExpertiseOffer)
        ]
        plan = db.session.scalar(select(Agreement).where(Agreement.title.like("%2019-2023")))
        themes = [(t.number, t.title, t.chinese_bodies) for t in plan.plan_themes]
    assert counts == [3, 5, 5, 15, 3]
    assert themes[7] == (8, "Winter sports", "Beijing Municipal Bureau of Sports")
    client.post(
        "/login", data={"email": "officer@helsinki.example", "password": demo.DEMO_PASSWORD}
    )
    home = client.get("/").get_data(as_text=True)
    assert "Winter-sports coaching with Zhangjiakou" in home  # Helsinki is a partner
    calendar = client.get("/events/?when=all").get_data(as_text=True)
    assert "Chinese New Year festival 2019" in calendar
