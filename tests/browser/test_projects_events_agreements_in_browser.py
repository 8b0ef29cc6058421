"""Creating each kind of record of issue 4 in a real browser, with axe on every page."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.test_accounts_in_browser import log_in
from tests.conftest import MINIMAL_PDF, PASSWORD


def test_an_officer_starts_a_project_and_a_partner_city_adds_an_update(ui, make_user):
    officer = make_user("officer", "lahti")
    partner = make_user("officer", "helsinki")
    log_in(ui, officer.email, PASSWORD)
    page = ui.page
    ui.follow(page.get_by_role("navigation", name="Main").get_by_role("link", name="Projects"))
    ui.follow(page.get_by_role("link", name="Start a project"))
    page.get_by_label("Name of the project").fill("Ski-jumping coaching in Chongli")
    page.get_by_label("Status").select_option("active")
    page.get_by_label("Helsinki", exact=True).check()
    page.get_by_label("Winter sports").check()
    page.get_by_label("Budget in euros").fill("-3")
    ui.follow(page.get_by_role("button", name="Save the project"))
    expect(page.get_by_role("alert")).to_contain_text("The budget cannot be negative.")
    page.get_by_label("Budget in euros").fill("60000")
    ui.follow(page.get_by_role("button", name="Save the project"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Ski-jumping coaching in Chongli")
    ui.follow(page.get_by_role("button", name="Log out"))

    log_in(ui, partner.email, PASSWORD)
    ui.follow(page.get_by_role("link", name="Ski-jumping coaching in Chongli"))  # home page
    page.get_by_label("Date").fill("2026-11-20")
    page.get_by_label("What happened").fill("Our coaches join the January camp.")
    ui.follow(page.get_by_role("button", name="Add the update"))
    expect(page.get_by_text("Our coaches join the January camp.")).to_be_visible()


def test_an_officer_adds_an_event_and_finds_it_in_the_calendar(ui, make_user):
    officer = make_user("officer", "helsinki")
    log_in(ui, officer.email, PASSWORD)
    page = ui.page
    ui.follow(page.get_by_role("navigation", name="Main").get_by_role("link", name="Events"))
    ui.follow(page.get_by_role("link", name="Add an event"))
    page.get_by_label("Kind").select_option("festival")
    page.get_by_label("Name of the event").fill("Chinese New Year festival 2027")
    page.get_by_label("First day").fill("2027-02-06")
    page.get_by_label("Last day").fill("2027-02-07")
    page.get_by_label("Place in Finland (a C21 city)").select_option(label="Helsinki")
    page.get_by_label("Expected attendance").fill("30000")
    page.get_by_label("The whole C21 network (shared)").check()
    ui.follow(page.get_by_role("button", name="Save the event"))
    expect(page.get_by_role("link", name="Add to my calendar (.ics)")).to_be_visible()
    ui.goto("/events/calendar?month=2027-02&scope=network")
    expect(page.get_by_role("link", name="Chinese New Year festival 2027")).to_have_count(2)
    # Keyboard: the month can be changed from the keyboard alone.
    page.get_by_role("link", name=re.compile("^Next month")).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    ui.check()
    expect(page.get_by_role("heading", level=1)).to_contain_text("March 2027")
    ui.follow(page.get_by_role("link", name="Subscribe in your calendar"))
    ui.follow(page.get_by_role("button", name="Make new calendar addresses"))
    expect(page.get_by_label("The network's shared events")).to_have_value(
        re.compile(r"/calendar/.+/network\.ics$")
    )


def test_an_officer_records_an_action_plan_with_its_document_and_themes(ui, make_user, tmp_path):
    pdf = tmp_path / "action-plan-2019-2023.pdf"
    pdf.write_bytes(MINIMAL_PDF)
    officer = make_user("officer", "helsinki")
    log_in(ui, officer.email, PASSWORD)
    page = ui.page
    ui.follow(page.get_by_role("navigation", name="Main").get_by_role("link", name="Agreements"))
    ui.follow(page.get_by_role("link", name="Add an agreement"))
    page.get_by_label("Kind").select_option("action_plan")
    page.get_by_label("Title", exact=True).fill(
        "Action Plan 2019-2023 between Helsinki and Beijing"
    )
    page.get_by_label("Counterpart place in China").select_option(label="Beijing")
    page.get_by_label("Signed on").fill("2019-10-11")
    page.get_by_label("Status").select_option("in_force")
    page.get_by_label(re.compile("The signed document")).set_input_files(str(pdf))
    ui.follow(page.get_by_role("button", name="Save the agreement"))
    expect(page.get_by_role("link", name=re.compile("The signed document"))).to_be_visible()
    ui.follow(page.get_by_role("link", name="Edit the themes of the plan"))
    blocks = page.get_by_role("group", name="New theme")
    blocks.nth(0).get_by_label("Number").fill("1")
    blocks.nth(0).get_by_label("Theme", exact=True).fill("Diplomatic exchanges")
    blocks.nth(0).get_by_label("Responsible in China").fill(
        "Foreign Affairs Office of the People's Government of Beijing Municipality"
    )
    blocks.nth(1).get_by_label("Number").fill("8")
    blocks.nth(1).get_by_label("Theme", exact=True).fill("Winter sports")
    blocks.nth(1).get_by_label("Progress", exact=True).select_option("done")
    ui.follow(page.get_by_role("button", name="Save the themes"))
    table = page.get_by_role("table", name=re.compile("numbered themes"))
    expect(table.get_by_role("row")).to_have_count(3)
    expect(table).to_contain_text("Winter sports")


def test_an_officer_offers_expertise(ui, make_user, make_record):
    make_record("event", "helsinki", "network", title="Chinese New Year festival 2019")
    officer = make_user("officer", "helsinki", name="Aino Virtanen")
    log_in(ui, officer.email, PASSWORD)
    page = ui.page
    ui.follow(page.get_by_role("navigation", name="Main").get_by_role("link", name="Expertise"))
    ui.follow(page.get_by_role("link", name="Offer expertise"))
    page.get_by_label("Theme").select_option(label="Culture")
    page.get_by_label("What your city can share").fill(
        "Organising a Chinese New Year festival for 25 000 visitors"
    )
    page.get_by_label("Chinese New Year festival 2019").check()
    expect(page.get_by_label("Whom to ask")).to_have_value(str(officer.id))
    ui.follow(page.get_by_role("button", name="Save the offer"))
    expect(page.get_by_text("Shared with the network", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Chinese New Year festival 2019")).to_be_visible()
