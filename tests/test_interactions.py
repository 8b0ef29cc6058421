"""The interaction log: linking, timelines, follow-ups, lists."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Interaction
from portal.timeutil import local_today


def interaction_form(**fields) -> dict:
    data = {
        "occurred_on": "2019-10-11",
        "kind": "visit",
        "title": "Mayor Chen Jining visits Helsinki",
        "summary": "Signing of the 2019-2023 action plan.",
        "follow_up_on": "",
        "visibility": "network",
        "organisation_name": "",
    }
    data.update(fields)
    return data


def test_logging_an_interaction_links_the_contacts_organisations(
    app, client_as, make_contact, make_organisation
):
    fao = make_organisation("Foreign Affairs Office of Beijing Municipality")
    person = make_contact("helsinki", family_name="Liu", organisation=fao)
    client, _ = client_as()
    page = client.get(f"/interactions/new?contact={person}").get_data(as_text=True)
    assert (
        f'value="{person}" checked' in page
        or f'checked id="contacts-0" name="contacts" type="checkbox" value="{person}"' in page
    )
    response = client.post("/interactions/new", data=interaction_form(contacts=[str(person)]))
    assert response.status_code == 302
    with app.app_context():
        interaction = db.session.scalars(select(Interaction)).one()
        assert [o.id for o in interaction.organisations] == [fao]
        assert interaction.city.slug == "helsinki"


def test_only_visible_contacts_can_be_linked(app, client_as, make_contact):
    make_contact("helsinki", "city")
    secret = make_contact("espoo", "city")
    client, _ = client_as()
    page = client.post("/interactions/new", data=interaction_form(contacts=[str(secret)])).get_data(
        as_text=True
    )
    assert 'href="#contacts"' in page and "not a valid choice" in page.lower()
    with app.app_context():
        assert db.session.query(Interaction).count() == 0


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"title": ""}, "Give the interaction a short title."),
        ({"occurred_on": ""}, "Enter the date."),
        ({"occurred_on": "2019-10-11", "follow_up_on": "2019-10-01"}, "cannot be before"),
    ],
)
def test_interaction_validation(client_as, fields, message):
    client, _ = client_as()
    assert message in client.post("/interactions/new", data=interaction_form(**fields)).get_data(
        as_text=True
    )


def test_timelines_are_newest_first(client_as, make_contact, make_interaction, make_organisation):
    org = make_organisation("Beijing Municipal Commission of Education")
    person = make_contact("helsinki", organisation=org)
    for day, title in (
        (date(2017, 8, 29), "Action plan signed"),
        (date(2019, 10, 11), "Mayor visit"),
        (date(2018, 5, 3), "School exchange"),
    ):
        make_interaction(
            "helsinki", title=title, occurred_on=day, contacts=[person], organisations=[org]
        )
    client, _ = client_as()
    for path in (f"/contacts/{person}", f"/organisations/{org}"):
        page = client.get(path).get_data(as_text=True)
        positions = [
            page.index(t) for t in ("Mayor visit", "School exchange", "Action plan signed")
        ]
        assert positions == sorted(positions), path


def test_a_shared_interaction_does_not_show_a_private_participant(
    client_as, make_contact, make_interaction
):
    private = make_contact("helsinki", "city", family_name="Yksityinen")
    shared = make_interaction("helsinki", "network", title="Public event", contacts=[private])
    client, _ = client_as("officer", "espoo")
    page = client.get(f"/interactions/{shared}").get_data(as_text=True)
    assert "Public event" in page and "Yksityinen" not in page


def test_home_lists_overdue_and_coming_follow_ups(client_as, make_interaction):
    today = local_today()
    make_interaction(
        "helsinki", title="Send the invitation", follow_up_on=today - timedelta(days=3)
    )
    make_interaction("helsinki", title="Book the venue", follow_up_on=today + timedelta(days=10))
    make_interaction("helsinki", title="Far ahead", follow_up_on=today + timedelta(days=30))
    make_interaction("espoo", "network", title="Espoo's own", follow_up_on=today)
    client, _ = client_as("viewer", "helsinki")
    page = client.get("/").get_data(as_text=True)
    overdue, upcoming = page.index("Overdue"), page.index("Due in the next 14 days")
    assert overdue < page.index("Send the invitation") < upcoming < page.index("Book the venue")
    assert "Far ahead" not in page and "Espoo&#39;s own" not in page and "Espoo's own" not in page


def test_done_follow_ups_leave_the_home_page(app, client_as, make_interaction):
    interaction_id = make_interaction("helsinki", title="Call back", follow_up_on=local_today())
    make_interaction("helsinki", title="Write back", follow_up_on=local_today())
    with app.app_context():
        db.session.get(Interaction, interaction_id).follow_up_done = True
        db.session.commit()
    client, _ = client_as()
    page = client.get("/").get_data(as_text=True)
    assert "Write back" in page  # the follow-ups are on the page ...
    assert "Call back" not in page  # ... but not the one that is done


@pytest.mark.parametrize("kind", ["contacts", "interactions", "organisations"])
def test_list_pages_issue_a_fixed_number_of_statements(
    app, client_as, count_statements, make_contact, make_interaction, make_organisation, kind
):
    client, _ = client_as("officer", "helsinki")

    def fill(n):
        for i in range(n):
            org = make_organisation(f"Organisation {kind} {i} {n}")
            person = make_contact(
                ["helsinki", "espoo"][i % 2],
                ["city", "network"][i % 2],
                organisation=org,
                themes=["education", "culture"],
            )
            make_interaction(
                ["helsinki", "espoo"][i % 2],
                ["city", "network"][i % 2],
                contacts=[person],
                organisations=[org],
                themes=["culture"],
            )

    def statements():
        client.get(f"/{kind}/")  # the session touch and other one-off writes happen here
        with count_statements() as counter:
            assert client.get(f"/{kind}/").status_code == 200
        return counter.count

    fill(5)
    few = statements()
    fill(60)  # past a page of fifty: a statement per row shown would add forty-five
    assert statements() == few


def test_the_history_of_a_shared_interaction_does_not_name_a_private_participant(
    client_as, make_contact
):
    private = make_contact("helsinki", "city", family_name="Yksityinen")
    own, _ = client_as("officer", "helsinki")
    response = own.post("/interactions/new", data=interaction_form(contacts=[str(private)]))
    interaction_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert "Yksityinen" in own.get(f"/interactions/{interaction_id}").get_data(as_text=True)
    other, _ = client_as("officer", "espoo")
    page = other.get(f"/interactions/{interaction_id}").get_data(as_text=True)
    assert "Mayor Chen Jining visits Helsinki" in page  # the shared interaction itself
    assert "Created" in page  # who and when are shown ...
    assert "Yksityinen" not in page  # ... but not the changes that name private records


def test_the_interaction_form_does_not_grow_with_the_citys_contacts(
    app, client_as, make_contact, count_statements
):
    """The people picker searches: a city with hundreds of contacts gets the same form as a
    city with a few, in the same number of statements."""
    client, _ = client_as("officer", "helsinki")
    for n in range(5):
        make_contact("helsinki", family_name=f"Few{n}")
    with count_statements() as few_statements:
        small = client.get("/interactions/new").get_data(as_text=True)
    for n in range(300):
        make_contact("helsinki", family_name=f"Many{n}")
    with count_statements() as many_statements:
        large = client.get("/interactions/new").get_data(as_text=True)
    assert abs(len(large) - len(small)) < 200
    assert "Many299" not in large and 'name="contact_query"' in large
    assert many_statements.count == few_statements.count


def test_find_adds_matching_people_without_saving_or_losing_what_was_typed(
    app, client_as, make_contact
):
    chosen = make_contact("helsinki", family_name="Zhang", given_name="Wei")
    make_contact("helsinki", family_name="Wangming", given_name="Li")
    make_contact("espoo", "network", family_name="Wangjun", given_name="Shared")  # not Helsinki's
    client, _ = client_as("officer", "helsinki")
    data = interaction_form(
        title="Typed before searching",
        contacts=[str(chosen)],
        contact_query="wang",
        refine="people",
    )
    page = client.post("/interactions/new", data=data).get_data(as_text=True)
    assert 'value="Typed before searching"' in page
    assert "Wangming Li" in page and "Wangjun" not in page  # only the city's own people
    assert re.search(rf'checked[^>]*value="{chosen}"|value="{chosen}"[^>]*checked', page)
    assert "1 person found" in page
    assert "There is a problem" not in page  # a search is not a failed save
    with app.app_context():
        assert db.session.query(Interaction).count() == 0


def test_the_people_lookup_finds_only_the_users_own_city(client_as, make_contact):
    make_contact("helsinki", "city", family_name="Wangming")
    make_contact("espoo", "network", family_name="Wangjun")
    client, _ = client_as("officer", "helsinki")
    found = client.get("/contacts/lookup?q=wang").get_json()
    assert [p["label"].split()[0] for p in found] == ["Wangming"]
    espoo, _ = client_as("officer", "espoo")
    found = espoo.get("/contacts/lookup?q=wang&city=1").get_json()  # a city's id is ignored
    assert [p["label"].split()[0] for p in found] == ["Wangjun"]
