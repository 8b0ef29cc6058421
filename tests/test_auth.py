"""Logging in and out, sessions that end on the server, passwords."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update

from portal.extensions import db
from portal.models import AuditEvent, User, UserSession
from portal.security.passwords import hash_password, password_problem, verify_password
from portal.services import accounts
from portal.timeutil import utcnow
from tests.conftest import PASSWORD


def post_login(client, email, password, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


def audit_actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_login_opens_the_home_page_of_ones_city(app, client, make_user):
    user = make_user("officer", "turku", name="Elina Laine")
    response = post_login(client, user.email, PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "<h1>Turku" in page and "Elina Laine" in page
    assert "login.success" in audit_actions(app)


def test_email_is_matched_without_regard_to_case_and_spaces(client, make_user):
    user = make_user("viewer", "espoo")
    assert post_login(client, f"  {user.email.upper()} ", PASSWORD).status_code == 302


@pytest.mark.parametrize("which", ["wrong password", "unknown account", "deactivated"])
def test_failed_login_says_so_without_telling_why(app, client, make_user, which):
    user = make_user("officer", "lahti", active=which != "deactivated")
    email = "nobody@lahti.example" if which == "unknown account" else user.email
    password = "not the password" if which == "wrong password" else PASSWORD
    response = post_login(client, email, password)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The e-mail address or the password is wrong." in page
    assert 'role="alert"' in page  # the error summary
    assert client.get("/").status_code == 302  # still not logged in
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "login.failure")
        ).one()
        assert event.actor_email == email and event.ip == "127.0.0.1"


def test_login_form_keeps_the_email_but_not_the_password(client, make_user):
    user = make_user()
    page = post_login(client, user.email, "wrong wrong wrong").get_data(as_text=True)
    assert f'value="{user.email}"' in page
    assert "wrong wrong wrong" not in page


def test_login_starts_a_new_session_cookie(client, make_user):
    user = make_user()
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    post_login(client, user.email, PASSWORD)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["sid"]


def _cookie(client):
    return client.get_cookie("c21_session").value


def _replay(app, cookie_value):
    other = app.test_client()
    other.set_cookie("c21_session", cookie_value)
    return other.get("/")


def test_logout_ends_the_session_on_the_server(app, client, make_user):
    user = make_user()
    post_login(client, user.email, PASSWORD)
    stolen = _cookie(client)
    assert _replay(app, stolen).status_code == 200
    response = client.post("/logout")
    assert response.headers["Location"] == "/login"
    assert _replay(app, stolen).status_code == 302  # the copied cookie is dead
    assert "logout" in audit_actions(app)


def test_logout_needs_a_post(client, make_user):
    user = make_user()
    post_login(client, user.email, PASSWORD)
    assert client.get("/logout").status_code == 405
    assert client.get("/").status_code == 200


def test_password_change_ends_every_other_session(app, client, make_user):
    user = make_user()
    post_login(client, user.email, PASSWORD)
    elsewhere = app.test_client()
    post_login(elsewhere, user.email, PASSWORD)
    old_cookie = _cookie(client)
    new_password = "a brand new long passphrase"
    response = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": new_password, "confirm": new_password},
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # this browser stays logged in, on a new session
    assert elsewhere.get("/").status_code == 302  # the other device is logged out
    assert _replay(app, old_cookie).status_code == 302
    assert post_login(app.test_client(), user.email, new_password).status_code == 302
    assert post_login(app.test_client(), user.email, PASSWORD).status_code == 200


def test_password_change_errors_stand_by_their_fields(client, login, make_user):
    user = make_user()
    login(client, user)
    page = client.post(
        "/account/password",
        data={"current_password": "wrong", "new_password": "short", "confirm": "other"},
    ).get_data(as_text=True)
    assert "The two passwords are not the same." in page
    assert 'aria-invalid="true"' in page
    page = client.post(
        "/account/password",
        data={
            "current_password": "wrong",
            "new_password": "long enough phrase here",
            "confirm": "long enough phrase here",
        },
    ).get_data(as_text=True)
    assert "Your current password is wrong." in page
    page = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "password1234",
            "confirm": "password1234",
        },
    ).get_data(as_text=True)
    assert "too common" in page


def test_deactivation_ends_every_session(app, client, make_user):
    user = make_user()
    post_login(client, user.email, PASSWORD)
    with app.app_context():
        accounts.set_user_active(None, db.session.get(User, user.id), False)
        db.session.commit()
    assert client.get("/").status_code == 302
    assert post_login(app.test_client(), user.email, PASSWORD).status_code == 200


def _age_session(app, user_id, **ages):
    with app.app_context():
        now = utcnow()
        values = {field: now - age for field, age in ages.items()}
        db.session.execute(
            update(UserSession).where(UserSession.user_id == user_id).values(**values)
        )
        db.session.commit()


def test_idle_timeout_ends_the_session(app, client, make_user):
    user = make_user()
    post_login(client, user.email, PASSWORD)
    idle = timedelta(minutes=app.config["SESSION_IDLE_MINUTES"])
    _age_session(app, user.id, last_seen_at=idle - timedelta(minutes=1))
    assert client.get("/").status_code == 200  # activity keeps it alive ...
    _age_session(app, user.id, last_seen_at=idle + timedelta(minutes=1))
    assert client.get("/").status_code == 302  # ... idleness ends it
    with app.app_context():
        assert db.session.scalar(select(UserSession.ended_at).where(UserSession.user_id == user.id))


def test_absolute_lifetime_ends_even_a_busy_session(app, client, make_user):
    user = make_user()
    post_login(client, user.email, PASSWORD)
    lifetime = timedelta(hours=app.config["SESSION_MAX_HOURS"])
    _age_session(app, user.id, created_at=lifetime + timedelta(minutes=1))
    assert client.get("/").status_code == 302


def test_session_cookie_flags(client, make_user):
    user = make_user()
    response = post_login(client, user.email, PASSWORD)
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("c21_session="))
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie
    assert "Secure" not in session_cookie  # development over plain http
    device_cookie = next(c for c in cookies if c.startswith("c21_device="))
    assert "HttpOnly" in device_cookie


def test_cookies_are_secure_in_production(app_factory):
    app = app_factory(PORTAL_ENV="production")
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert not app.debug


@pytest.mark.parametrize(
    "target,expected",
    [
        ("/cities/espoo", "/cities/espoo"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("", "/"),
    ],
)
def test_next_redirects_only_within_the_site(client, make_user, target, expected):
    user = make_user()
    response = post_login(client, user.email, PASSWORD, next=target)
    assert response.headers["Location"] == expected


def test_login_page_carries_next_from_a_protected_page(client):
    response = client.get("/cities/oulu")
    assert response.headers["Location"] == "/login?next=%2Fcities%2Foulu"
    assert 'value="/cities/oulu"' in client.get(response.headers["Location"]).get_data(as_text=True)


# --- Passwords -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password,ok",
    [
        ("short", False),
        ("elevenchars", False),
        ("twelve chars", True),
        ("x" * 128 + "", False),  # one repeated character
        ("ab" * 64, False),
        ("correct horse battery staple", True),
        ("Qwertyuiop123", False),  # common
        ("password1234", False),
        ("Password2024!", False),  # a common word dressed up
        ("sunshine!!!!!", False),
        ("a" + "long passphrase " * 7, True),
        ("y" * 129, False),
    ],
)
def test_password_policy(app, password, ok):
    with app.test_request_context():
        assert (password_problem(password) is None) is ok, password_problem(password)


def test_password_may_be_long_and_any_characters(app):
    with app.test_request_context():
        assert password_problem("Kiinan yhteistyö 北京 ja Helsinki " + "é" * 90) is None
        assert password_problem("z" * 3 + "Ää kissa koira talo" * 7)[:9] == "Use at mo"


def test_password_must_not_be_the_users_own_details(app):
    with app.test_request_context():
        assert password_problem("aino.virtanen", email="aino.virtanen@helsinki.example")
        assert password_problem("Virtanen2026!!", name="Aino Virtanen")
        assert password_problem("c21portal!!!!")


def test_hashes_are_argon2id(app, make_user):
    user = make_user()
    with app.app_context():
        stored = db.session.get(User, user.id).password_hash
        assert stored.startswith("$argon2id$")
        assert PASSWORD not in stored
        assert verify_password(stored, PASSWORD) and not verify_password(stored, "nope")


def test_production_hashing_parameters(app_factory):
    app = app_factory(PORTAL_ENV="production")
    with app.app_context():
        params = PasswordHasher().hash("x").split("$")[3]
        produced = hash_password("a good long passphrase").split("$")[3]
        assert produced == params == "m=65536,t=3,p=4"


def test_test_hashes_are_upgraded_at_login(app, client, make_user, app_factory):
    user = make_user()
    strong = app_factory(ARGON2_TIME_COST=3, ARGON2_MEMORY_KIB=65536)
    post_login(strong.test_client(), user.email, PASSWORD)
    with app.app_context():
        assert "m=65536,t=3" in db.session.get(User, user.id).password_hash
