"""Record lists at scale: a fixed number of statements whatever the size, a bounded count
that says "more than" instead of counting a whole network's rows, and free text found
through the search index."""

from __future__ import annotations

import pytest

from portal.services import records

LISTS = {
    "contact": "/contacts/",
    "interaction": "/interactions/",
    "project": "/projects/",
    "event": "/events/",
    "agreement": "/agreements/",
    "offer": "/expertise/",
}


def make(factories, kind: str, i: int, city: str = "helsinki") -> int:
    if kind == "contact":
        return factories.contact(city, family_name=f"Zhou{i}")
    if kind == "interaction":
        contact = factories.contact(city)
        return factories.interaction(city, contacts=[contact])
    return factories.record(kind, city)


@pytest.mark.parametrize("kind", list(LISTS))
def test_a_list_issues_the_same_statements_for_two_rows_as_for_thirty(
    kind, client_as, count_statements, factories
):
    client, _ = client_as("officer", "helsinki")

    def statements() -> int:
        client.get(LISTS[kind])
        with count_statements() as counter:
            assert client.get(LISTS[kind]).status_code == 200
        return counter.count

    for i in range(2):
        make(factories, kind, i)
    few = statements()
    for i in range(2, 30):
        make(factories, kind, i, ["helsinki", "espoo"][i % 2])
    assert statements() == few


def test_a_long_list_says_more_than_and_still_pages_to_its_end(
    app, client_as, factories, monkeypatch
):
    monkeypatch.setattr(records, "COUNT_LIMIT", 5)
    for i in range(8):
        factories.contact("helsinki", family_name=f"Zhou{i}")
    client, officer = client_as("officer", "helsinki")
    page = client.get("/contacts/").get_data(as_text=True)
    assert "More than 5 contacts, page 1" in page
    assert page.count("Zhou") >= 8

    from portal.extensions import db
    from portal.models import User
    from portal.services.contacts import list_contacts
    from portal.services.listing import RecordFilter

    with app.test_request_context():
        officer = db.session.get(User, officer.id)
        seen = []
        number = 1
        while True:
            shown = list_contacts(officer, RecordFilter(), page=number, per_page=3)
            seen += [c.family_name for c in shown.items]
            assert shown.more and shown.total == 5
            if not shown.has_next:
                break
            number += 1
    assert number == 3
    assert sorted(seen) == [f"Zhou{i}" for i in range(8)]  # each exactly once, none lost


def test_a_short_list_counts_exactly(client_as, factories):
    for i in range(3):
        factories.contact("helsinki", family_name=f"Zhou{i}")
    client, _ = client_as("officer", "helsinki")
    page = client.get("/contacts/").get_data(as_text=True)
    assert "3 contacts" in page and "More than" not in page


def test_a_lists_free_text_finds_characters_and_pinyin_without_tones(client_as, factories):
    factories.contact("helsinki", family_name="Wáng", name_zh="王丽")
    factories.contact("helsinki", family_name="Zhang", name_zh="张伟")
    factories.contact("espoo", family_name="Wáng", name_zh="王伟", visibility="city")
    client, _ = client_as("officer", "helsinki")
    for query in ("王丽", "wang", "WANG"):
        page = client.get("/contacts/", query_string={"q": query}).get_data(as_text=True)
        assert "王丽" in page, query
        assert "张伟" not in page and "王伟" not in page, query  # nor Espoo's private one
    nothing = client.get("/contacts/", query_string={"q": "?!"}).get_data(as_text=True)
    assert "王丽" in nothing and "张伟" in nothing  # only punctuation filters nothing


def test_a_lists_free_text_asks_the_engine_only_for_what_the_reader_may_see(
    client_as, factories, count_statements
):
    """Issue 18: "wang" matched 10,000 contacts in the engine, two thirds of them other
    cities' private ones, each read and looked up before the list's scope dropped it."""
    factories.contact("helsinki", family_name="Wang", given_name="Li")
    factories.contact("espoo", family_name="Wang", given_name="Wei", visibility="city")
    archived = factories.contact("helsinki", family_name="Wang", given_name="Old")
    client, user = client_as("officer", "helsinki")
    client_as("admin", None)[0].post(f"/contacts/{archived}/archive")
    with count_statements() as sent:
        page = client.get("/contacts/?q=wang").get_data(as_text=True)
    assert "Wang Li" in page or "WANG Li" in page
    assert "Wei" not in page and "Old" not in page
    asked = " ".join(str(p) for s, p in sent.executed if "MATCH" in s or "@@" in s)
    assert f"zqxcity{user.city_id}" in asked and "zqxnetwork" in asked
    # The archive's documents have no reader's marks: its search keeps to the list's scope.
    page = client.get("/contacts/?q=wang&archived=1").get_data(as_text=True)
    assert "Old" in page and "Wei" not in page


# Each list's kind, a word in its records' text (made by ``make``), and how the page names
# two of them.
SEARCHED = {
    "contact": ("zhou", "2 contacts"),
    "interaction": ("beijing", "2 interactions"),
    "project": ("winter", "2 projects"),
    "event": ("festival", "2 events"),
    "agreement": ("action", "2 agreements"),
    "offer": ("festival", "2 expertise offers"),
}


@pytest.mark.parametrize("kind", list(LISTS))
def test_a_lists_free_text_finds_its_matches_once_for_the_page_and_its_count(
    kind, client_as, count_statements, factories
):
    """Issue 18: a list narrowed by free text asked the engine twice, to count the matches
    and to order them (a common name: 3,600 documents matched, looked up and read twice)."""
    for i in range(2):
        make(factories, kind, i)
    make(factories, kind, 2, "espoo")  # private to Espoo
    client, _ = client_as("officer", "helsinki")
    word, counted = SEARCHED[kind]
    with count_statements() as sent:
        page = client.get(LISTS[kind], query_string={"q": word}).get_data(as_text=True)
    assert counted in page
    matching = [s for s in sent.statements if "MATCH" in s or "@@" in s]
    assert len(matching) == 1, matching


def test_a_searched_list_pages_to_its_end_past_the_count(app, client_as, factories, monkeypatch):
    """The pages within the count take it from the same statement as their ids; a deeper
    one counts on its own. Either way every match is shown once and a page number past the
    end shows the last page."""
    monkeypatch.setattr(records, "COUNT_LIMIT", 5)
    for i in range(8):
        factories.contact("helsinki", family_name=f"Zhou{i}")
    factories.contact("helsinki", family_name="Li")
    _, officer = client_as("officer", "helsinki")

    from portal.extensions import db
    from portal.models import User
    from portal.services.contacts import list_contacts
    from portal.services.listing import RecordFilter

    with app.test_request_context():
        officer = db.session.get(User, officer.id)
        seen = []
        for number in (1, 2, 3):
            shown = list_contacts(officer, RecordFilter(q="zhou"), page=number, per_page=3)
            assert shown.more and shown.total == 5 and shown.number == number
            seen += [c.family_name for c in shown.items]
        assert not shown.has_next
        assert sorted(seen) == [f"Zhou{i}" for i in range(8)]
        monkeypatch.setattr(records, "COUNT_LIMIT", 1000)
        last = list_contacts(officer, RecordFilter(q="zhou"), page=99, per_page=3)
        assert (last.number, last.total, last.more) == (3, 8, False)
        assert [c.family_name for c in last.items] == ["Zhou6", "Zhou7"]


def test_a_home_page_shows_the_first_ten_and_links_the_rest(client_as, factories):
    from datetime import timedelta

    from portal.timeutil import local_today

    for i in range(12):
        factories.record("project", "helsinki", title=f"Project {i:02d}")
    for i in range(11):
        factories.interaction(
            "helsinki", title=f"Overdue {i:02d}", follow_up_on=local_today() - timedelta(days=i + 1)
        )
    client, _ = client_as("officer", "helsinki")
    page = client.get("/").get_data(as_text=True)
    assert page.count(">Project ") == 10 and "Project 11" not in page
    assert "/projects/?city=helsinki&amp;status=active" in page
    assert page.count(">Overdue ") == 10
    assert "/interactions/?city=helsinki&amp;sort=follow_up" in page
    everything = client.get("/projects/?city=helsinki&status=active").get_data(as_text=True)
    assert "Project 11" in everything


def test_a_city_profile_lists_ten_offers_and_links_the_rest(client_as, factories):
    for i in range(11):
        factories.record("offer", "tampere", "network", title=f"Offer {i:02d}")
    client, _ = client_as("viewer", "helsinki")
    page = client.get("/cities/tampere").get_data(as_text=True)
    assert page.count(">Offer ") == 10
    assert "/expertise/?city=tampere" in page


# Per list, a table (as the statements name it) that holds what the list does not show:
# the people of an interaction, the organisations of an agreement or an event, and the
# place of a contact's organisation. An export loads those itself.
NOT_SHOWN = {
    "interaction": "interaction_contacts",
    "agreement": "agreement_organisations",
    "event": "event_organisations",
    "contact": "chinese_places_1",
}


@pytest.mark.parametrize("kind", list(NOT_SHOWN))
def test_a_list_reads_only_what_it_shows(kind, client_as, count_statements, factories):
    client, _ = client_as("officer", "helsinki")
    make(factories, kind, 1)
    with count_statements() as counter:
        assert client.get(LISTS[kind]).status_code == 200
    assert not [s for s in counter.statements if NOT_SHOWN[kind] in s]
