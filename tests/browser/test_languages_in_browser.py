"""The portal in Finnish and Swedish in a real browser: the switch on the login page, then
the main pages, a form's errors and search, each page checked by axe in that language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from portal.timeutil import local_today
from tests.conftest import PASSWORD

WORDS = {
    "fi": {
        "switch": "suomi",
        "email": "Sähköpostiosoite",
        "password": "Salasana",
        "log_in": "Kirjaudu sisään",
        "main": "Päävalikko",
        "contacts": "Yhteyshenkilöt",
        "add_contact": "Lisää yhteyshenkilö",
        "save_contact": "Tallenna yhteyshenkilö",
        "problem": "Lomakkeessa on virhe",
        "search_box": "Hae verkoston tiedoista",
        "search": "Hae",
        "one_result": "1 tulos",
        "overview": "Yleiskuva",
        "events": "Tapahtumat",
        "meetings": "Kokoukset",
        "cities": "Kaupungit",
        "turku": "Turku",
        "agenda": "Esityslista suunniteltuine alkamisaikoineen",
    },
    "sv": {
        "switch": "svenska",
        "email": "E-postadress",
        "password": "Lösenord",
        "log_in": "Logga in",
        "main": "Huvudmeny",
        "contacts": "Kontaktpersoner",
        "add_contact": "Lägg till en kontaktperson",
        "save_contact": "Spara kontaktpersonen",
        "problem": "Det finns ett problem",
        "search_box": "Sök i nätverkets uppgifter",
        "search": "Sök",
        "one_result": "1 träff",
        "overview": "Översikt",
        "events": "Evenemang",
        "meetings": "Möten",
        "cities": "Städer",
        "turku": "Åbo",
        "agenda": "Föredragningslista med planerade starttider",
    },
}


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_an_officer_works_in_finnish_or_swedish(
    app, ui, client_as, make_user, make_record, language
):
    from tests.test_meeting_views import CONFIRMED, _meeting_id, _new_meeting

    words = WORDS[language]
    make_record("event", "turku", "network", title="Lumiveistosfestivaali Harbinissa")
    coordinator, _ = client_as("coordinator", None)
    _new_meeting(coordinator, local_today() + timedelta(days=20))
    meeting = _meeting_id(app)
    coordinator.post(f"/meetings/{meeting}/publish", data=CONFIRMED)
    officer = make_user("officer", "helsinki", locale=None)
    page = ui.page

    ui.goto("/login")  # the browser asks for English
    expect(page.locator("html")).to_have_attribute("lang", "en")
    ui.follow(page.get_by_role("button", name=words["switch"]))
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.get_by_label(words["email"]).fill(officer.email)
    page.get_by_label(words["password"], exact=True).fill(PASSWORD)
    ui.follow(page.get_by_role("button", name=words["log_in"]))
    expect(page.locator("html")).to_have_attribute("lang", language)

    menu = page.get_by_role("navigation", name=words["main"])
    ui.follow(menu.get_by_role("link", name=words["contacts"]))
    ui.follow(page.get_by_role("link", name=words["add_contact"]))
    ui.follow(page.get_by_role("button", name=words["save_contact"]))
    expect(page.get_by_role("heading", name=words["problem"])).to_be_visible()
    ui.check()

    page.get_by_role("searchbox", name=words["search_box"]).fill("lumiveistosfestivaali")
    ui.follow(page.get_by_role("button", name=words["search"], exact=True))
    expect(page.get_by_role("status")).to_contain_text(words["one_result"])
    for name in ("overview", "events", "meetings", "cities"):
        ui.follow(menu.get_by_role("link", name=words[name], exact=True))
        if name == "meetings":  # the published agenda, in the reader's language
            ui.goto(f"/meetings/{meeting}")
            expect(page.get_by_role("table", name=words["agenda"])).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(words["turku"])
    ui.goto("/accessibility")
    expect(page.locator("html")).to_have_attribute("lang", language)


def test_an_admin_keeps_a_themes_three_names(ui, make_user):
    admin = make_user("admin", None, locale="sv")
    page = ui.page
    ui.goto("/login")
    page.get_by_label("E-mail address").fill(admin.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    ui.follow(page.get_by_role("button", name="Log in"))
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    ui.follow(page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Teman"))
    ui.follow(page.get_by_role("link", name="Matkailu"))
    page.get_by_label("På svenska").fill("")
    ui.follow(page.get_by_role("button", name="Spara temat"))
    expect(page.get_by_role("heading", name="Det finns ett problem")).to_be_visible()
    page.get_by_label("På svenska").fill("Turism och besöksnäring")
    ui.follow(page.get_by_role("button", name="Spara temat"))
    expect(page.get_by_role("table")).to_contain_text("Turism och besöksnäring")
