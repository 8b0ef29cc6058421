"""Account management by administrators."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, User
from portal.services import accounts

NEW_PASSWORD = "tavataan helsingissa pian"


@pytest.fixture
def admin_client(app, client, login, make_user):
    admin = make_user("admin", None, name="Sanna Lindqvist")
    login(client, admin)
    return client, admin


def user_by_email(app, email) -> User:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        db.session.expunge(user)
        return user


def test_admin_creates_a_user_who_sets_a_password_through_the_link(app, admin_client):
    client, _ = admin_client
    response = client.post(
        "/admin/users/new",
        data={
            "email": "Kalle.Kiina@Kuopio.example",
            "name": "Kalle Kiina",
            "role": "officer",
            "city": "kuopio",
            "locale": "",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "One-time password link for Kalle Kiina" in page
    link = re.search(r'value="(http://localhost/set-password/[^"]+)"', page).group(1)
    user = user_by_email(app, "kalle.kiina@kuopio.example")  # stored in lower case
    assert user.role == "officer" and user.password_hash is None

    newcomer = app.test_client()
    path = link.removeprefix("http://localhost")
    assert "Welcome, Kalle Kiina" in newcomer.get(path).get_data(as_text=True)
    response = newcomer.post(path, data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.headers["Location"] == "/login"
    # The link is spent.
    assert newcomer.get(path).status_code == 404
    response = newcomer.post(
        "/login", data={"email": "kalle.kiina@kuopio.example", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert "<h1>Kuopio" in newcomer.get("/").get_data(as_text=True)


def test_a_new_link_replaces_the_old_one_and_links_expire(app, make_user):
    user = make_user(password=None)
    with app.app_context():
        target = db.session.get(User, user.id)
        first = accounts.issue_password_link(None, target)
        second = accounts.issue_password_link(None, target)
        db.session.commit()
        assert accounts.password_link(first) is None
        link = accounts.password_link(second)
        from datetime import timedelta

        link.expires_at = link.created_at - timedelta(seconds=1)
        db.session.commit()
        assert accounts.password_link(second) is None


def test_weak_password_on_the_link_page_is_refused_by_the_field(app, make_user):
    user = make_user(password=None)
    with app.app_context():
        token = accounts.issue_password_link(None, db.session.get(User, user.id))
        db.session.commit()
    client = app.test_client()
    page = client.post(
        f"/set-password/{token}", data={"new_password": "password1234", "confirm": "password1234"}
    ).get_data(as_text=True)
    assert "too common" in page and 'id="new_password-error"' in page
    assert client.get(f"/set-password/{token}").status_code == 200  # still usable


def test_create_form_errors_stand_by_their_fields(app, admin_client, make_user):
    client, _ = admin_client
    taken = make_user("viewer", "oulu")
    page = client.post(
        "/admin/users/new",
        data={"email": taken.email, "name": "", "role": "viewer", "city": "", "locale": ""},
    ).get_data(as_text=True)
    assert "There is a problem" in page
    assert 'href="#name"' in page
    page = client.post(
        "/admin/users/new",
        data={"email": taken.email, "name": "Someone", "role": "viewer", "city": "", "locale": ""},
    ).get_data(as_text=True)
    assert "Officers and viewers belong to a city" in page
    page = client.post(
        "/admin/users/new",
        data={
            "email": taken.email.upper(),
            "name": "Someone",
            "role": "viewer",
            "city": "oulu",
            "locale": "",
        },
    ).get_data(as_text=True)
    assert "Another account already uses this e-mail address." in page
    page = client.post(
        "/admin/users/new",
        data={
            "email": "admin2@c21.example",
            "name": "Someone",
            "role": "admin",
            "city": "oulu",
            "locale": "",
        },
    ).get_data(as_text=True)
    assert "Administrators belong to no city" in page
    with app.app_context():
        assert db.session.query(User).count() == 2  # nothing saved half-way


def edit(client, user_id, **fields):
    page = client.get(f"/admin/users/{user_id}").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    data = {"version": version, "locale": "", **fields}
    return client.post(f"/admin/users/{user_id}", data=data)


def test_admin_changes_role_and_city_and_the_history_shows_it(app, admin_client, make_user):
    client, admin = admin_client
    user = make_user("viewer", "vaasa", name="Vera Vaasa")
    response = edit(
        client, user.id, email=user.email, name="Vera Vaasa", role="officer", city="pori"
    )
    assert response.status_code == 302
    changed = user_by_email(app, user.email)
    with app.app_context():
        from tests.conftest import city_id

        assert (changed.role, changed.city_id) == ("officer", city_id("pori"))
    page = client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert "Role: City reader → City liaison officer" in page
    assert admin.email in page  # who made the change
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "user.update")
        ).one()
        assert event.changes["role"] == ["viewer", "officer"]
        assert event.actor_id == admin.id


def test_a_stale_edit_is_refused_and_shows_the_other_change(app, admin_client, make_user):
    client, _ = admin_client
    user = make_user("viewer", "salo", name="Saara Salo")
    page = client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    stale_version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    # Meanwhile another admin renames the person.
    edit(client, user.id, email=user.email, name="Saara Salo-Mäki", role="viewer", city="salo")
    response = client.post(
        f"/admin/users/{user.id}",
        data={
            "version": stale_version,
            "email": user.email,
            "name": "Saara S.",
            "role": "officer",
            "city": "salo",
            "locale": "",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Someone else saved this" in page
    assert "Saara Salo-Mäki" in page  # the other admin's value is shown
    assert 'value="Saara S."' in page  # and the typed one is not lost
    current = user_by_email(app, user.email)
    assert (current.name, current.role) == ("Saara Salo-Mäki", "viewer")
    # Having seen the other change, the admin saves again on purpose: it goes through.
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    assert version != stale_version
    response = client.post(
        f"/admin/users/{user.id}",
        data={
            "version": version,
            "email": user.email,
            "name": "Saara S.",
            "role": "officer",
            "city": "salo",
            "locale": "",
        },
    )
    assert response.status_code == 302
    assert user_by_email(app, user.email).name == "Saara S."


def test_extra_posted_fields_change_nothing(app, admin_client, make_user):
    client, _ = admin_client
    user = make_user("viewer", "mikkeli")
    before = user_by_email(app, user.email)
    response = edit(
        client,
        user.id,
        email=user.email,
        name=before.name,
        role="viewer",
        city="mikkeli",
        active="0",
        password_hash="$argon2id$forged",
        id="999",
        city_id="1",
        created_at="2000-01-01",
    )
    assert response.status_code == 302
    after = user_by_email(app, user.email)
    assert after.active and after.password_hash == before.password_hash
    assert after.id == before.id and after.city_id == before.city_id


def test_deactivate_and_reactivate(app, admin_client, make_user):
    client, _ = admin_client
    user = make_user("officer", "kotka", name="Kaisa Kotkalainen")
    other = app.test_client()
    other.post("/login", data={"email": user.email, "password": user.password})
    # One click only asks (issue 14): a page of its own, nothing changed yet.
    asked = client.post(f"/admin/users/{user.id}/deactivate")
    assert asked.status_code == 200
    assert "Deactivate Kaisa Kotkalainen?" in asked.get_data(as_text=True)
    assert 'name="confirmed" value="yes"' in asked.get_data(as_text=True)
    assert other.get("/").status_code == 200  # still logged in
    assert user_by_email(app, user.email).active
    confirmed = client.post(f"/admin/users/{user.id}/deactivate", data={"confirmed": "yes"})
    assert confirmed.status_code == 302
    assert other.get("/").status_code == 302  # logged out at once
    assert "Deactivated" in client.get("/admin/users/").get_data(as_text=True)
    client.post(f"/admin/users/{user.id}/reactivate")
    assert (
        other.post("/login", data={"email": user.email, "password": user.password}).status_code
        == 302
    )
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEvent.action)))
        assert {"user.deactivate", "user.reactivate"} <= actions


def test_an_admin_cannot_lock_the_portal_out(app, admin_client):
    client, admin = admin_client
    client.post(f"/admin/users/{admin.id}/deactivate", data={"confirmed": "yes"})
    assert user_by_email(app, admin.email).active
    response = edit(
        client, admin.id, email=admin.email, name="Sanna", role="viewer", city="helsinki"
    )
    assert "You cannot take away your own admin role." in response.get_data(as_text=True)
    assert user_by_email(app, admin.email).role == "admin"


def test_non_admins_cannot_create_accounts_through_the_service(app, make_user):
    from portal.services.errors import Forbidden

    officer = make_user("officer", "helsinki")
    with app.app_context(), pytest.raises(Forbidden):
        accounts.create_user(
            db.session.get(User, officer.id),
            email="x@helsinki.example",
            name="X",
            role="admin",
        )
