"""City records in a real browser: an officer's day with organisations, contacts and
interactions, and what another city can and cannot see."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.test_accounts_in_browser import log_in, log_out
from tests.conftest import PASSWORD


def test_officer_records_an_organisation_a_contact_and_an_interaction(
    ui, make_user, make_organisation
):
    make_organisation("Beijing Municipal Bureau of Sports", "北京市体育局", "Běijīng Shì Tǐyù Jú")
    officer = make_user("officer", "helsinki")
    log_in(ui, officer.email, PASSWORD)
    page = ui.page

    # A new organisation: the registry warns while typing, and again on saving.
    ui.follow(page.get_by_role("navigation", name="Main").get_by_role("link", name="Organisations"))
    ui.follow(page.get_by_role("link", name="Add an organisation"))
    page.get_by_label("Name in English").fill("Beijing Sports Bureau")
    live = page.locator("[data-duplicate-output]")
    expect(live).to_contain_text("Beijing Municipal Bureau of Sports")
    ui.check()
    page.get_by_label("Name in Chinese characters").fill("北京市体育总局")
    ui.follow(page.get_by_role("button", name="Save the organisation"))
    expect(page.get_by_role("heading", name="Is it one of these?")).to_be_visible()
    # It is a different body after all (the national one): add it.
    page.get_by_label("Name in English").fill("General Administration of Sport of China")
    page.get_by_label("None of these: it is a different organisation").check()
    ui.follow(page.get_by_role("button", name="Save the organisation"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "General Administration of Sport of China"
    )

    # A contact with a Chinese name at a registry organisation.
    ui.follow(page.get_by_role("navigation", name="Main").get_by_role("link", name="Contacts"))
    ui.follow(page.get_by_role("link", name="Add a contact"))
    page.get_by_label("Family name", exact=True).fill("Zhang")
    page.get_by_label("Given name", exact=True).fill("Wei")
    page.get_by_label("Name in Chinese characters").fill("张伟")
    page.get_by_label("Name in pinyin").fill("Zhāng Wěi")
    page.get_by_label("Title", exact=True).fill("Director, International Exchanges")
    page.get_by_label("Organisation", exact=True).fill("Beijing Municipal Bureau of Sports")
    page.get_by_label("Winter sports").check()
    page.get_by_label("Where the data came from").fill("Met at the Helsinki Week in Beijing")
    ui.follow(page.get_by_role("button", name="Save the contact"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Zhang Wei")
    expect(page.locator('h1 [lang="zh"]')).to_have_text("张伟")

    # An interaction from the contact's page: the contact is ticked already.
    ui.follow(page.get_by_role("link", name="Log an interaction"))
    expect(page.get_by_label(re.compile("^Zhang Wei"))).to_be_checked()
    page.get_by_label("Date").fill("2026-11-20")
    page.get_by_label("Title", exact=True).fill("Coaching exchange for youth ice hockey")
    page.get_by_label("Follow up by").fill("2026-11-30")
    ui.follow(page.get_by_role("button", name="Save the interaction"))
    expect(page.get_by_role("link", name="Beijing Municipal Bureau of Sports")).to_be_visible()


def test_edit_with_a_validation_error_recover_archive_and_restore(ui, make_user, make_contact):
    contact_id = make_contact("helsinki", family_name="Chen", given_name="Jing")
    officer = make_user("officer", "helsinki")
    log_in(ui, officer.email, PASSWORD)
    page = ui.page
    ui.goto(f"/contacts/{contact_id}")
    ui.follow(page.get_by_role("link", name="Edit"))
    page.get_by_label("Phone").fill("010 1234 5678")
    ui.follow(page.get_by_role("button", name="Save the contact"))
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name=re.compile("Phone")).click()
    expect(page.get_by_label("Phone")).to_be_focused()
    page.get_by_label("Phone").fill("+86 10 1234 5678")
    ui.follow(page.get_by_role("button", name="Save the contact"))
    expect(page.get_by_text("+86 10 1234 5678", exact=True)).to_be_visible()

    ui.follow(page.get_by_role("button", name="Archive"))
    expect(page.get_by_text("This contact is archived")).to_be_visible()
    ui.goto("/contacts/")
    expect(page.get_by_role("link", name="Chen Jing")).to_have_count(0)
    page.get_by_label("Show the archive instead").check()
    ui.follow(page.get_by_role("button", name="Filter"))
    ui.follow(page.get_by_role("link", name="Chen Jing"))
    ui.follow(page.get_by_role("button", name="Restore"))
    ui.goto("/contacts/")
    expect(page.get_by_role("link", name="Chen Jing")).to_be_visible()


def test_another_city_sees_the_shared_contact_but_never_the_private_one(
    ui, make_user, make_contact, make_organisation
):
    org = make_organisation("Beijing Municipal Commission of Education", "北京市教育委员会")
    private = make_contact("helsinki", "city", family_name="Salainen", organisation=org)
    make_contact("helsinki", "network", family_name="Jaettu", organisation=org)
    espoo = make_user("officer", "espoo")
    log_in(ui, espoo.email, PASSWORD)
    page = ui.page
    response = ui.goto(f"/contacts/{private}")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    ui.goto("/contacts/")
    page.get_by_label("Search names, titles, organisations").fill("salainen")
    ui.follow(page.get_by_role("button", name="Filter"))
    expect(page.get_by_text("No contact matches these filters.")).to_be_visible()
    ui.goto("/contacts/?city=helsinki")
    expect(page.get_by_role("link", name=re.compile("Jaettu"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Salainen"))).to_have_count(0)
    ui.goto(f"/organisations/{org}")
    expect(page.get_by_text("Jaettu")).to_be_visible()
    expect(page.get_by_text("Salainen")).to_have_count(0)
    log_out(ui)


def test_the_people_picker_finds_people_while_typing_and_without_script(
    ui, browser, live_server, make_user, make_contact
):
    """With script the matches come while typing; without it "Find" brings them, keeping
    what was typed. Either way only the city's own people, and the one ticked is linked."""
    officer = make_user("officer", "helsinki")
    make_contact("helsinki", family_name="Liu", given_name="Yang")
    make_contact("helsinki", family_name="Chen", given_name="Jing")
    page = ui.page
    log_in(ui, officer.email, PASSWORD)
    ui.goto("/interactions/new")
    page.get_by_label("Title", exact=True).fill("Startup exchange call")
    page.get_by_label("Find people to add").fill("liu")
    expect(page.get_by_label(re.compile("^Liu Yang"))).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="1 person found")).to_be_attached()
    expect(page.get_by_label(re.compile("^Chen Jing"))).to_have_count(0)
    ui.check()
    page.get_by_label(re.compile("^Liu Yang")).check()
    page.get_by_label("Date").fill("2026-11-20")
    ui.follow(page.get_by_role("button", name="Save the interaction"))
    expect(page.get_by_role("link", name="Liu Yang")).to_be_visible()

    # Without script (the button sends the form back): the page that comes back passes
    # axe too, checked here by letting the button submit.
    ui.goto("/interactions/new")
    page.get_by_label("Title", exact=True).fill("Typed before finding")
    page.get_by_label("Find people to add").fill("chen")
    page.eval_on_selector("[data-people-find]", "button => { button.type = 'submit'; }")
    ui.follow(page.get_by_role("button", name="Find"))
    expect(page.get_by_label(re.compile("^Chen Jing"))).to_be_visible()
    expect(page.get_by_label("Title", exact=True)).to_have_value("Typed before finding")

    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    try:
        plain = context.new_page()
        plain.goto(live_server + "/login")
        plain.get_by_label("E-mail address").fill(officer.email)
        plain.get_by_label("Password").fill(PASSWORD)
        plain.get_by_role("button", name="Log in").click()
        plain.goto(live_server + "/interactions/new")
        plain.get_by_label("Title", exact=True).fill("Typed before finding")
        plain.get_by_label("Find people to add").fill("chen")
        plain.get_by_role("button", name="Find").click()
        expect(plain.get_by_label(re.compile("^Chen Jing"))).to_be_visible()
        expect(plain.get_by_label("Title", exact=True)).to_have_value("Typed before finding")
    finally:
        context.close()
