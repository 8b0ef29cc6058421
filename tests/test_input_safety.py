"""Input that cannot hurt the server: a NUL byte or another control character, or a number
beyond what the database stores, gets a message by its field (or a 400 for a crafted link),
never a 500, on SQLite and PostgreSQL, and nothing is saved."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import func, select

import portal
from portal.extensions import db
from portal.forms import PortalForm
from portal.models import Contact, Event, Organisation, User, UserSession
from portal.services import organisations
from portal.services.errors import ValidationError
from tests.conftest import PASSWORD
from tests.test_contacts import contact_form
from tests.test_projects_events import event_form

CONTROL_MESSAGE = "control character"


def test_a_nul_in_the_login_form_is_a_message_by_the_field(client, make_user):
    user = make_user()
    for data in (
        {"email": user.email + "\x00", "password": PASSWORD},
        {"email": "\x00", "password": "\x00"},
        {"email": user.email, "password": PASSWORD + "\x00"},
    ):
        response = client.post("/login", data=data)
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert CONTROL_MESSAGE in page
        assert 'aria-invalid="true"' in page or "error-message" in page


@pytest.mark.parametrize("field", ["family_name", "notes", "title", "email", "source"])
def test_a_nul_in_a_record_form_is_a_message_by_the_field_and_nothing_is_saved(
    app, client_as, field
):
    client, _officer = client_as("officer", "helsinki")
    response = client.post("/contacts/new", data=contact_form(**{field: "Wang\x00Li"}))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert CONTROL_MESSAGE in page
    assert f'href="#{field}"' in page  # the error summary links to the field
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Contact)) == 0


def test_other_control_characters_are_refused_but_line_breaks_and_tabs_are_kept(app, client_as):
    client, _officer = client_as("officer", "helsinki")
    response = client.post("/contacts/new", data=contact_form(notes="bell \x07 here"))
    assert response.status_code == 200 and CONTROL_MESSAGE in response.get_data(as_text=True)
    response = client.post("/contacts/new", data=contact_form(notes="line one\r\n\tline two"))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Contact.notes)) == "line one\r\n\tline two"


def test_a_huge_number_is_a_message_by_the_field(app, client_as):
    client, _officer = client_as("officer", "helsinki")
    for value in ("99999999999999999999", "2147483648", "-99999999999999999999"):
        response = client.post("/events/new", data=event_form(expected_attendance=value))
        page = response.get_data(as_text=True)
        assert response.status_code == 200, value
        assert "Enter a smaller number" in page or "zero or more" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Event)) == 0


def test_a_nul_or_a_huge_id_in_a_link_is_refused_not_a_crash(client_as, make_contact):
    client, _officer = client_as("officer", "helsinki")
    for path in (
        "/search?q=wang%00li",
        "/contacts/?q=%00",
        "/organisations/suggest?q=bei%00jing",
        "/places/bei%00jing",
        "/contacts/?organisation=99999999999999999999",
    ):
        status = client.get(path).status_code
        assert status in (400, 200), (path, status)
    for path in ("/contacts/99999999999999999999", "/contacts/2147483648", "/meetings/9" * 3):
        assert client.get(path).status_code == 404, path


def test_nothing_writes_a_control_character_whatever_the_route(app, make_user):
    """The flush guard: a service called from anywhere (an import, the command line) is
    refused with the field named."""
    actor = make_user("officer", "helsinki")
    with app.test_request_context():
        user = db.session.get(User, actor.id)
        with pytest.raises(ValidationError) as refused:
            organisations.create_organisation(
                user, {"name_en": "Beijing\x00 Bureau", "kind": "government"}
            )
        assert "name_en" in refused.value.errors
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(Organisation)) == 0


def test_a_browser_sending_control_characters_in_its_headers_can_still_log_in(
    app, client, make_user
):
    user = make_user()
    response = client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD},
        headers={"User-Agent": "Mozilla\x01/5.0"},
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(UserSession.user_agent)) == "Mozilla/5.0"


def _form_classes():
    for module in pkgutil.walk_packages(portal.__path__, "portal."):
        if module.name.endswith("forms"):
            loaded = importlib.import_module(module.name)
            for _name, cls in inspect.getmembers(loaded, inspect.isclass):
                if issubclass(cls, FlaskForm) and cls.__module__ == loaded.__name__:
                    yield cls


def test_every_form_of_the_portal_is_a_portal_form():
    classes = list(_form_classes())
    assert len(classes) > 20
    strays = [c.__qualname__ for c in classes if not issubclass(c, PortalForm)]
    assert not strays, strays
