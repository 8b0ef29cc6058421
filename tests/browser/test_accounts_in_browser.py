"""Accounts in a real browser: logging in, moving around, passwords, an admin adding a user."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.conftest import PASSWORD


def log_in(ui, email: str, password: str) -> None:
    ui.goto("/login")
    ui.page.get_by_label("E-mail address").fill(email)
    ui.page.get_by_label("Password").fill(password)
    ui.follow(ui.page.get_by_role("button", name="Log in"))


def log_out(ui) -> None:
    ui.follow(ui.page.get_by_role("button", name="Log out"))
    expect(ui.page.get_by_text("You have logged out.")).to_be_visible()


def test_officer_logs_in_looks_around_changes_password_and_logs_out(ui, make_user):
    make_user("officer", "lahti", name="Kaisa Koskinen")
    user = make_user("viewer", "lahti", name="Antti Järvinen")
    log_in(ui, user.email, PASSWORD)
    page = ui.page
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lahti")
    expect(page.get_by_text("Kaisa Koskinen")).to_be_visible()

    ui.follow(page.get_by_role("navigation", name="Main").get_by_role("link", name="Cities"))
    expect(page.get_by_role("row")).to_have_count(22)  # the header and 21 cities
    ui.follow(page.get_by_role("link", name="Helsinki", exact=True))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Helsinki")
    expect(page.locator('[lang="zh"]', has_text="北京")).to_be_visible()

    ui.follow(page.get_by_role("link", name="Your account"))
    page.get_by_label("Every day (what is due that day)").check()
    page.get_by_label("Culture").check()
    ui.follow(page.get_by_role("button", name="Save"))
    expect(page.get_by_text("Your settings are saved.")).to_be_visible()
    expect(page.get_by_label("Every day (what is due that day)")).to_be_checked()
    ui.follow(page.get_by_role("link", name="Change password"))
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill("talvi tulee lahteen pian")
    page.get_by_label("New password again").fill("talvi tulee lahteen pian")
    ui.follow(page.get_by_role("button", name="Change password"))
    expect(page.get_by_text("Your password is changed.")).to_be_visible()

    log_out(ui)
    log_in(ui, user.email, "talvi tulee lahteen pian")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lahti")


def test_failed_login_shows_the_error_and_moves_focus_to_it(ui, make_user):
    user = make_user()
    log_in(ui, user.email, "this is not it")
    summary = ui.page.get_by_role("alert")
    expect(summary).to_contain_text("The e-mail address or the password is wrong.")
    expect(summary).to_be_focused()
    expect(ui.page.get_by_label("E-mail address")).to_have_value(user.email)


def test_empty_login_form_links_each_error_to_its_field(ui):
    ui.goto("/login")
    ui.follow(ui.page.get_by_role("button", name="Log in"))
    ui.page.get_by_role("link", name=re.compile("E-mail address: Enter your")).click()
    expect(ui.page.get_by_label("E-mail address")).to_be_focused()


def test_admin_creates_a_user_who_sets_a_password_with_the_link(ui, make_user):
    admin = make_user("admin", None, name="Sanna Lindqvist")
    log_in(ui, admin.email, PASSWORD)
    page = ui.page
    ui.follow(page.get_by_role("navigation", name="Main").get_by_role("link", name="Accounts"))
    ui.follow(page.get_by_role("link", name="Create an account"))
    page.get_by_label("Name").fill("Riikka Rovaniemi")
    page.get_by_label("E-mail address").fill("riikka@rovaniemi.example")
    page.get_by_label("Role").select_option("officer")
    page.get_by_label("City", exact=True).select_option("rovaniemi")
    ui.follow(page.get_by_role("button", name="Create the account"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Riikka Rovaniemi")
    link = page.get_by_label("Link").input_value()
    assert "/set-password/" in link
    log_out(ui)

    ui.goto(link.removeprefix(ui.base_url))
    expect(page.get_by_text("Welcome, Riikka Rovaniemi")).to_be_visible()
    page.get_by_label("New password", exact=True).fill("revontulet loistavat")
    page.get_by_label("New password again").fill("revontulet loistavat")
    ui.follow(page.get_by_role("button", name="Set password"))
    expect(page.get_by_text("Your password is set.")).to_be_visible()
    log_in(ui, "riikka@rovaniemi.example", "revontulet loistavat")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rovaniemi")


def test_keyboard_user_skips_to_the_content(ui, make_user):
    user = make_user()
    log_in(ui, user.email, PASSWORD)
    ui.page.keyboard.press("Tab")
    skip = ui.page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    ui.page.keyboard.press("Enter")
    expect(ui.page.locator("main")).to_be_focused()


def test_public_notices_pass_axe(ui):
    ui.goto("/accessibility")
    ui.goto("/privacy")
    expect(ui.page.get_by_role("heading", level=1)).to_have_text("Privacy notice")


def test_the_axe_check_fails_on_a_real_violation(ui):
    """The harness itself: a page with an unlabelled field and an image without a text
    alternative must not pass."""
    import pytest

    ui.page.set_content(
        '<html lang="en"><body><main><h1>x</h1><input type="text">'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></body></html>'
    )
    with pytest.raises(AssertionError, match=r"image-alt|label"):
        ui.check()
