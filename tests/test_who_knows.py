"""Who in the network knows an organisation or a place: visible records, and for the rest a
count with the liaison officer to ask, never names."""

from __future__ import annotations

from sqlalchemy import select


def test_an_organisation_page_counts_what_it_may_not_show(
    client_as, make_user, make_organisation, make_contact, make_interaction, make_record
):
    org = make_organisation("Beijing Municipal Bureau of Sports", "北京市体育局")
    make_user("officer", "espoo", name="Liisa Mäkinen", email="liisa@espoo.example")
    make_contact("espoo", "city", family_name="Piilotettu", organisation=org)
    make_contact("espoo", "city", family_name="Toinen", organisation=org)
    make_contact("espoo", "network", family_name="Näkyvä", organisation=org)
    make_interaction("espoo", "city", title="Secret meeting", organisations=[org])
    client, _ = client_as("officer", "helsinki")
    page = client.get(f"/organisations/{org}").get_data(as_text=True)
    assert "Näkyvä" in page
    assert "Piilotettu" not in page and "Toinen" not in page and "Secret meeting" not in page
    assert "Espoo:" in page and "2 contacts" in page and "1 interaction" in page
    assert "not shared." in page
    assert "Liisa Mäkinen" in page and "mailto:liisa@espoo.example" in page
    # The contact page tells the same about the person's organisation.
    own = make_contact("helsinki", "city", family_name="Oma", organisation=org)
    page = client.get(f"/contacts/{own}").get_data(as_text=True)
    assert "Who in the network knows Beijing Municipal Bureau of Sports" in page
    assert "2 contacts" in page and "Piilotettu" not in page
    # Espoo itself sees its records, and no count of its own.
    espoo, _ = client_as("viewer", "espoo")
    page = espoo.get(f"/organisations/{org}").get_data(as_text=True)
    assert "Piilotettu" in page and "Espoo:" not in page  # no count of its own records
    assert "Helsinki:" in page and "1 contact" in page  # but of Helsinki's private one


def test_who_knows_is_written_once_for_what_it_shows_in_each_readers_language(
    app, client_as, make_user, make_organisation, make_contact
):
    """What is written of the cities' records is kept by what it shows (issue 18: ten
    milliseconds of a busy place's page): a second reader who may see the same, in the same
    language, gets it without writing it again; a reader of another language gets it in
    theirs; a renamed liaison officer is named anew."""
    from flask import template_rendered

    from portal.extensions import db
    from portal.models import User

    org = make_organisation("Beijing Tourism Bureau")
    officer = make_user("officer", "espoo", name="Liisa Mäkinen", email="liisa@espoo.example")
    make_contact("espoo", "city", family_name="Piilo", organisation=org)
    written: list[str] = []

    def note(_app, template, context, **_extra):
        written.append(template.name)

    url = f"/organisations/{org}"
    english, _ = client_as("officer", "helsinki")
    swedish, _ = client_as("officer", "helsinki", locale="sv")
    another, _ = client_as("viewer", "helsinki")
    with template_rendered.connected_to(note, app):
        page = english.get(url).get_data(as_text=True)
        assert "1 contact" in page and "not shared." in page and "Piilo" not in page
        assert written.count("_who_knows.html") == 1
        page = another.get(url).get_data(as_text=True)
        assert "not shared." in page and "Liisa Mäkinen" in page
        assert written.count("_who_knows.html") == 1  # the same, not written again
        page = swedish.get(url).get_data(as_text=True)
        assert "inte delade." in page and "not shared." not in page
        with app.app_context():
            db.session.get(User, officer.id).name = "Liisa Virtanen"
            db.session.commit()
        page = english.get(url).get_data(as_text=True)
        assert "Liisa Virtanen" in page and "Liisa Mäkinen" not in page


def test_a_place_page_shows_agreements_and_who_knows_it(
    client_as, make_organisation, make_contact, make_record
):
    org = make_organisation("Zhangjiakou Municipal Sports Bureau", place="zhangjiakou")
    make_contact("lahti", "network", family_name="Zhao", organisation=org)
    make_contact("lahti", "city", family_name="Sun", organisation=org)
    client, _ = client_as("viewer", "oulu")
    page = client.get("/places/zhangjiakou").get_data(as_text=True)
    assert "Lahti: sister city, since 2018" in page  # the public partnership
    assert "Zhao" in page and "Sun" not in page and "1 contact" in page
    page = client.get("/places/hebei").get_data(as_text=True)  # the province above it
    assert "Zhao" in page
    assert client.get("/places/atlantis").status_code == 404


def test_a_city_profile_shows_its_records_as_far_as_the_user_may_see(client_as, make_record):
    make_record("agreement", "lahti", "network", title="Twin-city agreement")
    make_record("agreement", "lahti", "city", title="Draft memorandum")
    make_record("offer", "lahti", "network", title="Winter-sports know-how")
    make_record("project", "lahti", "network", title="Coaching exchange")
    client, _ = client_as("viewer", "oulu")
    page = client.get("/cities/lahti").get_data(as_text=True)
    assert "Twin-city agreement" in page and "Draft memorandum" not in page
    assert "Winter-sports know-how" in page and "Coaching exchange" in page
    assert "Zhangjiakou" in page  # the public partnership


def test_a_busy_organisation_shows_the_first_few_of_each_city_and_links_the_rest(
    app, client_as, make_organisation, make_contact, make_interaction
):
    from portal.services.who_knows import SHOWN

    org = make_organisation("Beijing Municipal Bureau of Commerce")
    for n in range(SHOWN + 3):
        make_interaction("espoo", "network", title=f"Trade talk {n:02d}", organisations=[org])
    make_interaction("espoo", "city", title="Private trade talk", organisations=[org])
    client, _ = client_as("officer", "helsinki")
    page = client.get(f"/organisations/{org}").get_data(as_text=True)
    assert page.count("Trade talk ") == SHOWN  # the first few, not all of them
    assert "and 3 more" in page
    more = f"/interactions/?city=espoo&amp;organisation={org}"
    assert more in page
    listed = client.get(more.replace("&amp;", "&")).get_data(as_text=True)
    assert listed.count("Trade talk ") == SHOWN + 3 and "Private trade talk" not in listed
    assert "1 interaction" in page and "not shared." in page


def test_a_place_with_more_than_the_page_counts_says_so_and_links_every_list(
    client_as, monkeypatch, make_organisation, make_contact, make_interaction
):
    """A busy place is counted up to a bound, not record by record (issue 18: Beijing's
    35,000 interactions made its page take seconds): the page says it stopped counting and
    links the lists, which have every record; a small kind is still counted exactly."""
    from portal.services import who_knows

    monkeypatch.setattr(who_knows, "COUNTED", 5)
    org = make_organisation("Beijing Tourism Bureau", place="beijing")
    for n in range(8):
        make_interaction("espoo", "network", title=f"Tourism talk {n}", organisations=[org])
    make_contact("espoo", "city", family_name="Piilo", organisation=org)
    client, _ = client_as("officer", "helsinki")
    page = client.get("/places/beijing").get_data(as_text=True)
    assert "counted the first 5 records of each kind" in page
    assert 'href="/interactions/?place=beijing"' in page
    assert page.count("Tourism talk ") == who_knows.SHOWN_AT_PLACE
    assert "and at least 2 more" in page  # of the five counted
    assert "1 contact" in page and "Piilo" not in page  # the small kind, exact
    listed = client.get("/interactions/?place=beijing").get_data(as_text=True)
    assert listed.count("Tourism talk ") == 8
    monkeypatch.setattr(who_knows, "COUNTED", 100)
    page = client.get("/places/beijing").get_data(as_text=True)
    assert "counted the first" not in page and "and 5 more" in page


def test_a_record_at_a_place_and_at_an_organisation_there_counts_once(
    app, client_as, make_organisation, make_record
):
    """An event held in Beijing and organised with a Beijing bureau is found twice by the
    place page (at the place, and at an organisation there): it is one event, listed once
    and counted once, shared or not."""
    from portal.extensions import db
    from portal.models import Event, Organisation
    from portal.models.reference import ChinesePlace

    org = make_organisation("Beijing Tourism Bureau", place="beijing")
    shared = make_record("event", "espoo", "network", title="Lantern festival")
    private = make_record("event", "espoo", "city", title="Closed tasting")
    with app.app_context():
        beijing = db.session.scalar(select(ChinesePlace).where(ChinesePlace.slug == "beijing"))
        for event_id in (shared, private):
            event = db.session.get(Event, event_id)
            event.place_china_id = beijing.id
            event.organisations.append(db.session.get(Organisation, org))
        db.session.commit()
    client, _ = client_as("officer", "helsinki")
    page = client.get("/places/beijing").get_data(as_text=True)
    assert page.count("Lantern festival") == 1
    assert "1 event" in page and "2 events" not in page and "Closed tasting" not in page
    assert "and 1 more" not in page


def test_records_without_a_date_come_after_the_dated_ones_newest_first(
    app, client_as, make_organisation, make_record
):
    """A city's agreements at an organisation are listed newest first; one not signed yet
    (no date) comes last, as in the agreements list, and the page does not fail on it."""
    from datetime import date

    from portal.extensions import db
    from portal.models import Agreement, Organisation

    org = make_organisation("Beijing Municipal Commission of Commerce")
    signed = {
        "Older plan": date(2019, 10, 11),
        "Unsigned draft": None,
        "Newer plan": date(2024, 5, 2),
    }
    made = {title: make_record("agreement", "espoo", "network", title=title) for title in signed}
    with app.app_context():
        for title, day in signed.items():
            agreement = db.session.get(Agreement, made[title])
            agreement.signed_on = day
            agreement.organisations.append(db.session.get(Organisation, org))
        db.session.commit()
    client, _ = client_as("officer", "helsinki")
    page = client.get(f"/organisations/{org}").get_data(as_text=True)
    places = [page.index(title) for title in ("Newer plan", "Older plan", "Unsigned draft")]
    assert places == sorted(places)
