"""Who in the network knows an organisation or a place: visible records, and for the rest a
count with the liaison officer to ask, never names."""

from __future__ import annotations


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
