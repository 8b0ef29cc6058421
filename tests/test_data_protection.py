"""Data protection (issue 13): the per-city data protection right, the personal data access
log (views, exports and changes; append-only), the subject access report (the city's own
data only), and erasure that leaves no trace of the person in any text column of any table
nor in the search index."""

from __future__ import annotations

import html
import json
import re

import pytest
from sqlalchemy import JSON, String, Text, cast, select, text
from sqlalchemy.exc import DatabaseError

from portal.extensions import db
from portal.models import AuditEvent, City, Contact, Interaction, PersonalDataAccess, User
from portal.services import accounts, contacts, subjects
from portal.services.errors import Forbidden, NotFound, ValidationError

NAME, EMAIL, PHONE = "Zhou Xiaoming", "zhou.xiaoming@example.cn", "+86 10 6512 3456"


def _give_right(app, ref) -> None:
    with app.app_context():
        user = db.session.get(User, ref.id)
        user.data_protection = True
        db.session.commit()


def _person(app, officer_ref, city="helsinki", **extra) -> int:
    """A contact with a full set of personal data, named in an interaction, changed once."""
    with app.test_request_context():
        actor = db.session.get(User, officer_ref.id)
        town = db.session.scalar(select(City).where(City.slug == city))
        contact = contacts.create_contact(
            actor,
            town,
            {
                **CONTACT_VALUES,
                "title": "Deputy Director",
                "visibility": extra.get("visibility", "city"),
            },
        )
        from portal.services import interactions

        interactions.create_interaction(
            actor,
            town,
            {
                "occurred_on": __import__("datetime").date(2026, 10, 1),
                "kind": "meeting",
                "title": f"Lunch with {NAME}",
                "summary": f"{NAME} ({EMAIL}) proposed a visit.",
                "contacts": [contact],
                "organisations": [],
                "organisation_name": "",
                "themes": [],
                "follow_up_on": None,
                "follow_up_done": False,
                "visibility": "city",
            },
        )
        contacts.update_contact(
            actor,
            contact,
            expected_version=contact.version,
            values={
                **CONTACT_VALUES,
                "title": "Director",
                "visibility": extra.get("visibility", "city"),
            },
        )
        db.session.commit()
        return contact.id


CONTACT_VALUES = {
    "family_name": "Zhou",
    "given_name": "Xiaoming",
    "family_name_first": True,
    "name_zh": "周晓明",
    "pinyin": "Zhōu Xiǎomíng",
    "organisation_name": "",
    "email": EMAIL,
    "phone": PHONE,
    "wechat": "zhouxm88",
    "languages": "Chinese",
    "notes": f"Met {NAME} at the Helsinki Week; call {PHONE}.",
    "source": "Business card",
    "legal_basis": "public_task",
    "last_verified_on": None,
    "visibility": "city",
    "themes": [],
}


# --- The right --------------------------------------------------------------------------


def test_the_right_is_a_flag_of_a_citys_officer_for_that_city_only(app, make_user):
    from portal.security.permissions import can

    officer = make_user("officer", "helsinki")
    viewer = make_user("viewer", "helsinki")
    admin = make_user("admin", None)
    _give_right(app, officer)
    with app.app_context():
        helsinki = db.session.scalar(select(City).where(City.slug == "helsinki"))
        espoo = db.session.scalar(select(City).where(City.slug == "espoo"))
        dpo = db.session.get(User, officer.id)
        assert can(dpo, "city.data_protection", helsinki)
        assert not can(dpo, "city.data_protection", espoo)
        # Admins do not get it by their role; a reader cannot be given it.
        assert not can(db.session.get(User, admin.id), "city.data_protection", helsinki)
        with pytest.raises(ValidationError) as refused:
            accounts.update_user(
                db.session.get(User, admin.id),
                db.session.get(User, viewer.id),
                expected_version=1,
                email=viewer.email,
                name="Reader",
                role="viewer",
                city=helsinki,
                locale="fi",
                data_protection=True,
            )
        assert "data_protection" in refused.value.errors


def test_an_admin_gives_the_right_on_the_account_form(app, client_as, make_user):
    officer = make_user("officer", "helsinki")
    admin, _ = client_as("admin", None)
    page = admin.get(f"/admin/users/{officer.id}").get_data(as_text=True)
    version = re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)
    response = admin.post(
        f"/admin/users/{officer.id}",
        data={
            "version": version,
            "email": officer.email,
            "name": "Officer",
            "role": "officer",
            "city": "helsinki",
            "locale": "fi",
            "data_protection": "y",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, officer.id).data_protection is True


# --- The access log ---------------------------------------------------------------------


def _log(app, contact_id) -> list[tuple[str, str]]:
    with app.app_context():
        return [
            (e.action, e.user_email)
            for e in db.session.scalars(
                select(PersonalDataAccess)
                .where(PersonalDataAccess.contact_id == contact_id)
                .order_by(PersonalDataAccess.id)
            )
        ]


def test_views_exports_and_changes_of_a_contact_are_logged(app, client_as, make_user):
    client, officer = client_as("officer", "helsinki")
    person = _person(app, officer)
    assert [a for a, _ in _log(app, person)] == ["create", "update", "update"]
    client.get(f"/contacts/{person}")
    client.get("/contacts/export.csv")
    interaction = _interaction_of(app, person)
    client.get(f"/interactions/{interaction}")
    actions = [a for a, who in _log(app, person) if who == officer.email]
    assert actions[-3:] == ["view", "export", "view"]
    with app.app_context():
        entry = db.session.scalars(
            select(PersonalDataAccess)
            .where(PersonalDataAccess.action == "view")
            .order_by(PersonalDataAccess.id)
        ).first()
        assert entry.page == f"/contacts/{person}"


def _interaction_of(app, person) -> int:
    with app.app_context():
        return db.session.scalar(
            select(Interaction.id).where(Interaction.contacts.any(Contact.id == person))
        )


def test_the_log_cannot_be_changed(app, client_as):
    _client, officer = client_as("officer", "helsinki")
    person = _person(app, officer)
    with app.app_context():
        with pytest.raises(DatabaseError):
            db.session.execute(
                text(
                    "UPDATE personal_data_log SET user_email = 'someone@else' WHERE contact_id = :c"
                ),
                {"c": person},
            )
            db.session.flush()
        db.session.rollback()
    assert all(who == officer.email for _a, who in _log(app, person))


def test_only_the_citys_data_protection_officer_reads_its_log(app, client_as, make_user):
    client, officer = client_as("officer", "helsinki")
    person = _person(app, officer)
    assert client.get("/data-protection/").status_code == 403  # no right yet
    _give_right(app, officer)
    page = client.get(f"/data-protection/?person={person}").get_data(as_text=True)
    assert officer.email in page and "Recorded" in page
    csv = client.get(f"/data-protection/log.csv?person={person}").get_data(as_text=True)
    assert officer.email in csv
    espoo, espoo_ref = client_as("officer", "espoo")
    _give_right(app, espoo_ref)
    assert officer.email not in espoo.get("/data-protection/").get_data(as_text=True)
    assert espoo.get(f"/data-protection/people/{person}").status_code == 404


# --- The subject access report ------------------------------------------------------------


def test_the_report_holds_exactly_the_citys_own_data(app, client_as, make_user, make_contact):
    client, officer = client_as("officer", "helsinki")
    _give_right(app, officer)
    person = _person(app, officer)
    # Espoo has its own Zhou Xiaoming, with an interaction of its own.
    _espoo_client, espoo_officer = client_as("officer", "espoo")
    _person(app, espoo_officer, city="espoo")
    found = client.get("/data-protection/?q=zhou").get_data(as_text=True)
    assert (
        f"/data-protection/people/{person}" in found
        and found.count("/data-protection/people/") == 1
    )
    by_phone = client.get("/data-protection/?q=%2B86106512%203456").get_data(as_text=True)
    assert f"/data-protection/people/{person}" in by_phone
    page = client.get(f"/data-protection/people/{person}").get_data(as_text=True)
    assert "Lunch with Zhou Xiaoming" in page and EMAIL in page and "周晓明" in page
    data = json.loads(client.get(f"/data-protection/people/{person}.json").get_data(as_text=True))
    assert data["controller"] == "Helsinki"
    assert len(data["interactions"]) == 1  # Espoo's lunch is not Helsinki's to report
    assert data["person"]["E-mail address"] == EMAIL
    assert any(e["action"] == "create" for e in data["access_log"])
    finnish = client.get(f"/data-protection/people/{person}?lang=fi").get_data(as_text=True)
    assert 'lang="fi"' in finnish
    pdf = client.get(f"/data-protection/people/{person}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert [a for a, _ in _log(app, person)].count("report") == 4


# --- Erasure --------------------------------------------------------------------------------


def _text_columns():
    for table in db.metadata.sorted_tables:
        for column in table.c:
            if isinstance(column.type, String | Text | JSON):
                yield table, column


def _traces(values) -> list[str]:
    found = []
    for table, column in _text_columns():
        for value in values:
            hit = db.session.execute(
                select(table.c[column.name]).where(cast(column, Text).contains(value)).limit(1)
            ).first()
            if hit is not None:
                found.append(f"{table.name}.{column.name}: {value}")
    return found


def test_erasure_leaves_no_trace_of_the_person_anywhere(app, client_as):
    from portal.search.query import Filters, search

    client, officer = client_as("officer", "helsinki")
    _give_right(app, officer)
    person = _person(app, officer)
    client.get(f"/contacts/{person}")
    client.get("/contacts/export.xlsx")
    client.get("/search?q=Zhou+Xiaoming")
    identifying = [NAME, "Xiaoming Zhou", EMAIL, PHONE, "周晓明", "zhouxm88"]
    with app.app_context():
        assert _traces(identifying)  # the scan finds them before
    confirm = client.get(f"/data-protection/people/{person}/erase").get_data(as_text=True)
    assert "Erase Zhou Xiaoming?" in confirm
    refused = client.post(f"/data-protection/people/{person}/erase", data={"reason": ""})
    assert "Say why the person is erased" in refused.get_data(as_text=True)
    done = client.post(
        f"/data-protection/people/{person}/erase", data={"reason": "The person asked, 20.11.2026"}
    )
    assert done.status_code == 302
    with app.app_context():
        assert _traces(identifying) == []
        assert db.session.get(Contact, person) is None
        interaction = db.session.scalar(select(Interaction))
        assert interaction.contacts == [] and "[erased]" in interaction.title
        erasure = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "contact.erase"))
        assert erasure.detail == "The person asked, 20.11.2026"
        assert (erasure.object_type, erasure.object_id) == ("contacts", person)
        assert erasure.actor_email == officer.email
        actor = db.session.get(User, officer.id)
        for query in ("Zhou Xiaoming", "zhouxm88", "周晓明", "xiaoming"):
            assert search(actor, query, Filters()).total == 0, query
    assert [a for a, _ in _log(app, person)][-1] == "erase"
    assert client.get(f"/contacts/{person}").status_code == 404


def test_erasure_is_the_citys_own_right_only(app, client_as, make_user):
    _client, officer = client_as("officer", "helsinki")
    person = _person(app, officer)
    espoo = make_user("officer", "espoo")
    _give_right(app, espoo)
    with app.test_request_context():
        with pytest.raises(NotFound):
            subjects.erase(db.session.get(User, espoo.id), person + 999, "x")
        with pytest.raises(NotFound):  # another city's person does not exist for Espoo
            subjects.erase(db.session.get(User, espoo.id), person, "x")
        with pytest.raises(Forbidden):
            subjects.erase(db.session.get(User, officer.id), person, "no right")
    with app.app_context():
        assert db.session.get(Contact, person) is not None


def test_another_city_keeps_its_own_record_of_a_namesake(app, client_as):
    client, officer = client_as("officer", "helsinki")
    _give_right(app, officer)
    person = _person(app, officer)
    _e, espoo_officer = client_as("officer", "espoo")
    espoo_person = _person(app, espoo_officer, city="espoo")
    client.post(f"/data-protection/people/{person}/erase", data={"reason": "Asked"})
    with app.app_context():
        kept = db.session.get(Contact, espoo_person)
        assert kept is not None and kept.email == EMAIL and NAME in kept.notes


# --- Restriction ----------------------------------------------------------------------------


def test_a_restricted_contact_is_hidden_from_everyone_but_the_data_protection_officer(
    app, client_as
):
    dpo, dpo_ref = client_as("officer", "helsinki")
    _give_right(app, dpo_ref)
    colleague, colleague_ref = client_as("officer", "helsinki")
    person = _person(app, colleague_ref, visibility="network")
    interaction = _interaction_of(app, person)
    admin, _ = client_as("admin", None)
    other_city, _ = client_as("officer", "espoo")
    refused = dpo.post(f"/data-protection/people/{person}/restrict", data={"reason": ""})
    assert refused.status_code == 302
    with app.app_context():
        assert db.session.get(Contact, person).restricted_at is None
    dpo.post(
        f"/data-protection/people/{person}/restrict",
        data={"reason": "The person contests the accuracy of the title"},
    )
    for client in (colleague, admin, other_city):
        assert client.get(f"/contacts/{person}").status_code == 404
        assert NAME not in client.get("/contacts/").get_data(as_text=True)
        assert NAME not in client.get("/contacts/export.csv").get_data(as_text=True)
        assert f"/contacts/{person}" not in client.get("/search?q=Zhou").get_data(as_text=True)
    assert colleague.get("/contacts/lookup?q=Zhou").get_json() == []
    page = colleague.get(f"/interactions/{interaction}").get_data(as_text=True)
    assert f"/contacts/{person}" not in page
    # No one changes it, the data protection officer included; they still see it.
    with app.test_request_context(), pytest.raises(Forbidden):
        contacts.update_contact(
            db.session.get(User, dpo_ref.id),
            db.session.get(Contact, person),
            expected_version=db.session.get(Contact, person).version,
            values={**CONTACT_VALUES, "title": "Mayor"},
        )
    report = dpo.get(f"/data-protection/people/{person}").get_data(as_text=True)
    assert "The person contests the accuracy of the title" in report
    assert dpo.get(f"/contacts/{person}").status_code == 200
    # Lifted: back for those who may see it.
    dpo.post(f"/data-protection/people/{person}/restrict", data={"lift": "yes"})
    assert colleague.get(f"/contacts/{person}").status_code == 200
    assert f"/contacts/{person}" in other_city.get("/search?q=Zhou").get_data(as_text=True)
    actions = [a for a, _ in _log(app, person)]
    assert actions.index("restrict") < actions.index("lift")


# --- Retention review -------------------------------------------------------------------------


def _aged(app, contact_id, *, created_days, verified_days=None):
    from datetime import timedelta

    from portal.timeutil import local_today, utcnow

    with app.app_context():
        contact = db.session.get(Contact, contact_id)
        contact.created_at = utcnow() - timedelta(days=created_days)
        contact.last_verified_on = (
            local_today() - timedelta(days=verified_days) if verified_days is not None else None
        )
        db.session.commit()


def test_contacts_past_their_review_are_shown_and_handled_in_bulk(
    app, client_as, make_contact, make_interaction
):
    from portal.services import reminders
    from portal.timeutil import local_today

    dpo, dpo_ref = client_as("officer", "helsinki")
    _give_right(app, dpo_ref)
    colleague, _ = client_as("officer", "helsinki")
    red = make_contact("helsinki", family_name="Vanha", given_name="Unohdettu")
    due = make_contact("helsinki", family_name="Tarkistettava", given_name="Kerran")
    verified = make_contact("helsinki", family_name="Tuore", given_name="Tarkistettu")
    used = make_contact("helsinki", family_name="Käytetty", given_name="Tapaaminen")
    _aged(app, red, created_days=40 * 30)
    _aged(app, due, created_days=30 * 30, verified_days=26 * 30)
    _aged(app, verified, created_days=40 * 30, verified_days=100)
    _aged(app, used, created_days=40 * 30)
    make_interaction("helsinki", contacts=[used], occurred_on=local_today())
    page = dpo.get("/data-protection/review").get_data(as_text=True)
    assert "Unohdettu" in page and "Tarkistettava" in page
    assert "Tuore" not in page and "Käytetty" not in page
    row = re.search(r'<tr class="row-error">.*?</tr>', page, re.S).group(0)
    assert "Vanha" in row and "Never verified, unused for three years" in row
    assert "Tarkistettava" not in row
    # The home page says so to the data protection officer only.
    assert "2 contacts of your city are past their retention review" in dpo.get("/").get_data(
        as_text=True
    )
    assert "retention review" not in colleague.get("/").get_data(as_text=True)
    # Erasing needs a reason; keeping verifies again today.
    refused = dpo.post("/data-protection/review", data={"contact": [str(red)], "action": "erase"})
    assert "Say why the person is erased" in refused.get_data(as_text=True)
    dpo.post("/data-protection/review", data={"contact": [str(due)], "action": "confirm"})
    dpo.post(
        "/data-protection/review",
        data={"contact": [str(red)], "action": "erase", "reason": "Not needed any more"},
    )
    with app.app_context():
        assert db.session.get(Contact, due).last_verified_on == local_today()
        assert db.session.get(Contact, red) is None
    assert "No contact is past its review." in dpo.get("/data-protection/review").get_data(
        as_text=True
    )
    # The monthly mail: once a month to each holder whose city has contacts due.
    _aged(app, due, created_days=30 * 30, verified_days=26 * 30)
    with app.test_request_context():
        reminders.send_reminders(local_today())
        reminders.send_reminders(local_today())
        from portal.models import OutboxMail

        mails = db.session.scalars(
            select(OutboxMail).where(OutboxMail.subject.contains("retention review"))
        ).all()
        assert [m.recipient for m in mails] == [dpo_ref.email]
        assert "/data-protection/review" in mails[0].body


# --- Record of processing ----------------------------------------------------------------------


def test_the_record_of_processing_is_generated_with_the_admins_texts(app, client_as):
    dpo, dpo_ref = client_as("officer", "helsinki")
    _give_right(app, dpo_ref)
    _person(app, dpo_ref, visibility="network")
    page = dpo.get("/data-protection/processing").get_data(as_text=True)
    assert "Record of processing: Helsinki" in page
    text = html.unescape(page)
    assert "Public task (the city's international co-operation)</th><td>1<" in text
    assert "1 of the city's 1 contacts are shared" in text
    assert "E-mail address" in page and "WeChat ID" in page  # the personal fields, by kind
    assert "Representatives of Chinese public bodies" in page  # the default text
    admin, _ = client_as("admin", None)
    form = admin.get("/admin/processing").get_data(as_text=True)
    version = re.search(r'name="version"[^>]*value="(\d*)"', form).group(1)
    saved = admin.post(
        "/admin/processing",
        data={
            "version": version,
            "purposes": "Yhteistyö Kiinan kanssa.",
            "data_subjects": "Kiinalaiset yhteistyökumppanit.",
            "security_measures": "Salasanat ja lokit.",
            "transfers": "Ei siirtoja.",
        },
    )
    assert saved.status_code == 302
    page = dpo.get("/data-protection/processing").get_data(as_text=True)
    assert "Kiinalaiset yhteistyökumppanit." in page
    assert "Representatives of Chinese public bodies" not in page
    pdf = dpo.get("/data-protection/processing.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    # A stale save is refused, not silently merged.
    stale = admin.post("/admin/processing", data={"version": version, "purposes": "Vanha"})
    assert "Someone saved these texts" in stale.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(
            select(AuditEvent.id).where(AuditEvent.action == "processing.update")
        )
