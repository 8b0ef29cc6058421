"""The shared directory in a real browser: the search box, facets, who knows whom."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.test_accounts_in_browser import log_in
from tests.conftest import PASSWORD


def test_search_facets_and_who_knows_whom(
    ui, make_user, make_organisation, make_contact, make_record
):
    org = make_organisation(
        "Zhangjiakou Municipal Sports Bureau",
        "张家口市体育局",
        "Zhāngjiākǒu Shì Tǐyù Jú",
        place="zhangjiakou",
    )
    make_user("officer", "lahti", name="Kaisa Koskinen")
    make_contact("lahti", "network", family_name="Zhao", given_name="Lei", organisation=org)
    make_contact("lahti", "city", family_name="Sun", given_name="Min", organisation=org)
    make_record("project", "lahti", "network", title="Winter-sports coaching with Zhangjiakou")
    make_record("event", "lahti", "network", title="Winter-sports training camp")
    officer = make_user("officer", "helsinki")
    log_in(ui, officer.email, PASSWORD)
    page = ui.page
    page.get_by_role("searchbox", name="Search the network's records").fill("zhang jia kou")
    ui.follow(page.get_by_role("button", name="Search", exact=True))
    expect(page.get_by_role("heading", name="Organisations")).to_be_visible()
    expect(page.locator("mark").first).to_be_visible()
    page.get_by_role("searchbox", name="Search the network's records").first.fill("winter")
    ui.follow(page.get_by_role("button", name="Search", exact=True).first)
    expect(page.get_by_role("status")).to_contain_text("2 results")
    ui.follow(page.get_by_role("complementary").get_by_role("link", name="Projects"))
    expect(page.get_by_role("status")).to_contain_text("1 result")
    assert "kind=project" in page.url

    ui.goto(f"/organisations/{org}")
    expect(page.get_by_role("link", name="Zhao Lei")).to_be_visible()
    expect(page.get_by_text("Sun Min")).to_have_count(0)
    expect(page.locator(".not-shared")).to_contain_text(
        re.compile(r"Lahti:\s+1 contact\s+not shared")
    )
    expect(page.locator(".not-shared")).to_contain_text("Kaisa Koskinen")
    ui.follow(page.get_by_role("link", name="Zhangjiakou", exact=True))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Zhangjiakou")


def test_the_network_overview_is_accessible(ui, make_user, make_record):
    make_record("project", "lahti", "network", title="Winter-sports coaching")
    make_record("event", "helsinki", "network", title="Chinese New Year festival")
    user = make_user("viewer", "oulu")
    log_in(ui, user.email, PASSWORD)
    ui.follow(ui.page.get_by_role("navigation", name="Main").get_by_role("link", name="Overview"))
    expect(ui.page.get_by_role("img", name="Shared records per city")).to_be_visible()
    expect(ui.page.get_by_role("table", name="Shared records per city and kind")).to_be_visible()
