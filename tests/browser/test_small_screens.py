"""Every page reflows on a phone (WCAG 2.1 1.4.10): at 320 CSS pixels wide no page scrolls
sideways (a wide table may scroll inside its own region), and the main menu stays usable.
The pages are those of the permission matrix that answer with a page, as in the crawl of
test_every_page_in_every_language, for an officer, a coordinator and an admin."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.test_accounts_in_browser import log_in
from tests.browser.test_every_page_in_every_language import ROLES, _pages
from tests.conftest import PASSWORD
from tests.matrix import ROLE_CITY
from tests.test_route_matrix import make, matrix_app, world  # noqa: F401 (fixtures)

# How much wider than the window the page may be, in CSS pixels (rounding of borders).
SLACK = 1


def test_no_page_scrolls_sideways_at_320_pixels(ui, make, world):  # noqa: F811
    page = ui.page
    page.set_viewport_size({"width": 320, "height": 720})
    pages = _pages(world)
    too_wide: dict[str, int] = {}
    for path in ("/login", "/accessibility", "/privacy"):  # before logging in
        ui.goto(path)
        if page.evaluate("document.documentElement.scrollWidth") > 320 + SLACK:
            too_wide[path] = page.evaluate("document.documentElement.scrollWidth")
    for role in ROLES:
        user = make.user(role, ROLE_CITY[role])
        log_in(ui, user.email, PASSWORD)
        # The menu: a button on a phone that opens the whole list, by keyboard too.
        menu = page.get_by_role("button", name="Menu")
        expect(menu).to_have_attribute("aria-expanded", "false")
        menu.focus()
        page.keyboard.press("Enter")
        expect(menu).to_have_attribute("aria-expanded", "true")
        expect(
            page.get_by_role("navigation", name="Main").get_by_role("link", name="Meetings")
        ).to_be_visible()
        ui.check()
        for path in pages[role]:
            ui.goto(path)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 320 + SLACK:
                too_wide[path] = width
        ui.goto("/")
        ui.follow(page.get_by_role("button", name="Log out", exact=True))
    assert too_wide == {}
