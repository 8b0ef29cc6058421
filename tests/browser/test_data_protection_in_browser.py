"""A city's data protection officer in a real browser (issue 13): finds the person who
asked, reads what the city holds on them, and erases them; axe checks every page."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.test_accounts_in_browser import log_in
from tests.conftest import PASSWORD
from tests.test_data_protection import NAME, _give_right, _person


def test_a_dpo_answers_a_subject_access_request_and_erases_the_person(ui, app, make_user):
    dpo = make_user("officer", "helsinki")
    _give_right(app, dpo)
    colleague = make_user("officer", "helsinki")
    _person(app, colleague)
    log_in(ui, dpo.email, PASSWORD)
    page = ui.page
    ui.follow(page.get_by_role("link", name="Data protection"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Data protection")
    page.get_by_label("Name (in any script), e-mail address, phone number or WeChat ID").fill(
        "周晓明"
    )
    ui.follow(page.get_by_role("button", name="Find"))
    ui.follow(page.get_by_role("link", name=NAME))
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"holds on {NAME}")
    expect(page.get_by_text(f"Lunch with {NAME}")).to_be_visible()
    expect(page.locator("table").last).to_contain_text(colleague.email)  # who processed it
    ui.follow(page.get_by_role("link", name="suomi"))
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    page.go_back()  # the report in the officer's own language again
    ui.follow(page.get_by_role("link", name="Erase this person"))
    ui.follow(page.get_by_role("button", name="Erase for good"))
    expect(page.locator(".error-summary")).to_contain_text("Say why the person is erased")
    page.get_by_label("Why (for the log, without the person's name)").fill(
        "The person asked on 20.11.2026"
    )
    ui.follow(page.get_by_role("button", name="Erase for good"))
    expect(page.locator(".flash")).to_contain_text(f"{NAME} is erased.")
    page.get_by_label("Name (in any script), e-mail address, phone number or WeChat ID").fill(
        "Zhou"
    )
    ui.follow(page.get_by_role("button", name="Find"))
    expect(page.get_by_text("Your city holds no contact matching")).to_be_visible()
