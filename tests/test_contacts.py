"""Contacts: validation, names, organisations, archive, conflicts, tenancy."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, Contact, Organisation


def contact_form(**fields) -> dict:
    data = {
        "family_name": "Wang",
        "given_name": "Li",
        "family_name_first": "1",
        "name_zh": "王丽",
        "pinyin": "Wáng Lì",
        "title": "Director",
        "organisation_name": "",
        "email": "",
        "phone": "",
        "wechat": "",
        "languages": "Chinese, English",
        "notes": "",
        "source": "Business card, Helsinki Week 2019",
        "legal_basis": "public_task",
        "last_verified_on": "",
        "visibility": "city",
    }
    data.update(fields)
    return data


def get_contact(app, contact_id) -> Contact:
    with app.app_context():
        contact = db.session.get(Contact, contact_id)
        db.session.expunge(contact)
        return contact


def test_an_officer_adds_a_contact_at_a_registry_organisation(app, client_as, make_organisation):
    org = make_organisation(
        "Beijing Municipal Bureau of Sports", "北京市体育局", "Běijīng Shì Tǐyù Jú"
    )
    client, officer = client_as("officer", "helsinki")
    response = client.post(
        "/contacts/new",
        data=contact_form(
            organisation_name="beijing municipal bureau of sports",
            themes=["2"],
            email="wang.li@example.cn",
            phone="+86 10 6519 2000",
        ),
    )
    assert response.status_code == 302, re.findall(
        r"error-message.*", response.get_data(as_text=True)
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<h1>Wang Li" in page and '<span lang="zh">王丽</span>' in page
    assert "Beijing Municipal Bureau of Sports" in page and "Private to Helsinki" in page
    with app.app_context():
        contact = db.session.scalars(select(Contact)).one()
        assert contact.organisation_id == org and contact.city.slug == "helsinki"
        assert contact.created_by_id == officer.id
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "contact.create"))


def test_names_display_in_their_own_order(app, client_as):
    client, _ = client_as()
    client.post(
        "/contacts/new",
        data=contact_form(
            family_name="Korhonen", given_name="Anna", family_name_first="0", name_zh=""
        ),
    )
    client.post(
        "/contacts/new",
        data=contact_form(family_name="", given_name="", name_zh="张伟", pinyin="Zhāng Wěi"),
    )
    page = client.get("/contacts/").get_data(as_text=True)
    assert ">Anna Korhonen</a>" in page
    assert ">Zhāng Wěi</a>" in page and '<span lang="zh">张伟</span>' in page


@pytest.mark.parametrize(
    "fields,field,message",
    [
        (
            {"family_name": "", "name_zh": ""},
            "family_name",
            "Enter the family name, or the name in Chinese",
        ),
        ({"email": "wang.li(at)example"}, "email", "Enter an e-mail address"),
        ({"phone": "010 6519 2000"}, "phone", "international form"),
        ({"phone": "+86 10"}, "phone", "international form"),
        (
            {"organisation_name": "No Such Bureau"},
            "organisation_name",
            "No organisation in the registry",
        ),
        ({"last_verified_on": "2999-01-01"}, "last_verified_on", "cannot be in the future"),
        ({"legal_basis": "whim"}, "legal_basis", "Not a valid choice"),
    ],
)
def test_bad_input_gets_a_message_by_the_field_and_saves_nothing(
    app, client_as, fields, field, message
):
    client, _ = client_as()
    page = client.post("/contacts/new", data=contact_form(**fields)).get_data(as_text=True)
    assert message in page
    assert f'id="{field}-error"' in page
    assert f'href="#{field}"' in page  # the summary links to the field
    with app.app_context():
        assert db.session.query(Contact).count() == 0
        assert db.session.query(Organisation).count() == 0


def test_an_unknown_organisation_is_created_on_the_spot_when_asked(app, client_as):
    client, _ = client_as()
    response = client.post(
        "/contacts/new",
        data=contact_form(
            organisation_name="Beijing Winter Sports Training Centre", create_organisation="y"
        ),
    )
    assert response.status_code == 302
    with app.app_context():
        org = db.session.scalars(select(Organisation)).one()
        assert org.name_en == "Beijing Winter Sports Training Centre" and org.kind == "other"
        assert db.session.scalars(select(Contact)).one().organisation_id == org.id


def test_organisation_not_created_when_the_rest_of_the_form_is_bad(app, client_as):
    client, _ = client_as()
    client.post(
        "/contacts/new",
        data=contact_form(organisation_name="New Bureau", create_organisation="y", email="bad"),
    )
    with app.app_context():
        assert db.session.query(Organisation).count() == 0


def edit_form(client, contact_id, **fields):
    page = client.get(f"/contacts/{contact_id}/edit").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    return contact_form(version=version, **fields)


def test_edit_with_an_error_then_recover(app, client_as, make_contact):
    client, _ = client_as()
    contact_id = make_contact("helsinki")
    data = edit_form(client, contact_id, phone="12345")
    page = client.post(f"/contacts/{contact_id}/edit", data=data).get_data(as_text=True)
    assert "international form" in page and 'value="12345"' in page  # nothing typed is lost
    data["phone"] = "+86 10 6519 2000"
    assert client.post(f"/contacts/{contact_id}/edit", data=data).status_code == 302
    assert get_contact(app, contact_id).phone == "+86 10 6519 2000"
    history = client.get(f"/contacts/{contact_id}").get_data(as_text=True)
    assert "Phone: – → +86 10 6519 2000" in history


def test_a_stale_save_is_refused_and_shows_the_other_change(app, client_as, make_contact):
    client, _ = client_as()
    contact_id = make_contact("helsinki")
    mine = edit_form(client, contact_id, title="Deputy Director")
    theirs = edit_form(client, contact_id, title="Director-General")
    assert client.post(f"/contacts/{contact_id}/edit", data=theirs).status_code == 302
    response = client.post(f"/contacts/{contact_id}/edit", data=mine)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Someone else saved this" in page
    assert "Director-General" in page and 'value="Deputy Director"' in page
    assert get_contact(app, contact_id).title == "Director-General"
    # Saving again, knowingly, works: the form now carries the current version.
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    mine["version"] = version
    assert client.post(f"/contacts/{contact_id}/edit", data=mine).status_code == 302
    assert get_contact(app, contact_id).title == "Deputy Director"


def test_posted_extra_fields_cannot_move_or_forge_a_contact(app, client_as, make_contact):
    client, _ = client_as("officer", "helsinki")
    contact_id = make_contact("helsinki")
    before = get_contact(app, contact_id)
    data = edit_form(
        client,
        contact_id,
        city_id="2",
        city="espoo",
        created_by_id="1",
        archived_at="2020-01-01",
        id="999",
        search_text="x",
    )
    response = client.post(f"/contacts/{contact_id}/edit", data=data)
    assert response.status_code == 302, re.findall(
        r"<li><a href=.*", response.get_data(as_text=True)
    )
    after = get_contact(app, contact_id)
    assert after.city_id == before.city_id and after.archived_at is None
    assert after.id == contact_id and after.created_by_id == before.created_by_id
    # An invented visibility is refused, not stored.
    data = edit_form(client, contact_id, visibility="everyone")
    assert client.post(f"/contacts/{contact_id}/edit", data=data).status_code == 200
    assert get_contact(app, contact_id).visibility == "city"
    # And a new contact always belongs to the officer's own city.
    client.post("/contacts/new", data=contact_form(city_id="2", city="espoo"))
    with app.app_context():
        assert {c.city.slug for c in db.session.scalars(select(Contact))} == {"helsinki"}


def test_archive_and_restore(app, client_as, make_contact):
    client, _ = client_as()
    contact_id = make_contact("helsinki", family_name="Archivable")
    assert client.post(f"/contacts/{contact_id}/archive").status_code == 302
    assert "Archivable" not in client.get("/contacts/").get_data(as_text=True)
    archive = client.get("/contacts/?archived=1").get_data(as_text=True)
    assert "Archivable" in archive
    page = client.get(f"/contacts/{contact_id}").get_data(as_text=True)
    assert "This contact is archived" in page
    client.post(f"/contacts/{contact_id}/restore")
    assert "Archivable" in client.get("/contacts/").get_data(as_text=True)
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"contact.archive", "contact.restore"} <= actions


def test_another_citys_private_contact_is_nowhere_to_be_found(
    app, client_as, make_contact, make_organisation, make_interaction
):
    org = make_organisation("Zhongguancun Science Park", "中关村科技园区")
    secret = make_contact(
        "helsinki", "city", family_name="Salainen", organisation=org, themes=["education"]
    )
    shared = make_contact(
        "helsinki", "network", family_name="Jaettu", organisation=org, themes=["education"]
    )
    make_interaction(
        "helsinki", "city", title="Secret talks", contacts=[secret], organisations=[org]
    )
    client, _ = client_as("officer", "espoo")
    assert client.get(f"/contacts/{secret}").status_code == 404
    assert client.get(f"/contacts/{secret}/edit").status_code == 404
    assert client.get(f"/contacts/{shared}").status_code == 200
    for query in (
        "",
        "?q=salainen",
        "?theme=education",
        f"?organisation={org}",
        "?place=beijing",
        "?city=helsinki",
        "?visibility=city",
        "?archived=1",
    ):
        page = client.get(f"/contacts/{query}").get_data(as_text=True)
        assert "Salainen" not in page, query
    listing = client.get("/contacts/?city=helsinki").get_data(as_text=True)
    assert "Jaettu" in listing and "1 contact<" in listing  # the count does not betray it
    org_page = client.get(f"/organisations/{org}").get_data(as_text=True)
    assert "Jaettu" in org_page and "Salainen" not in org_page and "Secret talks" not in org_page
    assert "Secret talks" not in client.get("/interactions/?q=secret").get_data(as_text=True)
    # Helsinki itself sees both.
    own, _ = client_as("viewer", "helsinki")
    assert "Salainen" in own.get(f"/organisations/{org}").get_data(as_text=True)
