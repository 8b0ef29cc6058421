"""Every page reflows on a phone (WCAG 2.1 1.4.10): at 320 CSS pixels wide no page scrolls
sideways (a wide table may scroll inside its own region), and the main menu stays usable.
The pages are those of the permission matrix that answer with a page, as in the crawl of
test_every_page_in_every_language, for an officer, a coordinator and an admin."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_accounts_in_browser import log_in
from tests.browser.test_every_page_in_every_language import ROLES, _pages
from tests.conftest import PASSWORD
from tests.matrix import ROLE_CITY
from tests.test_route_matrix import make, matrix_app, world  # noqa: F401 (fixtures)

# How much wider than the window the page may be, in CSS pixels (rounding of borders).
SLACK = 1


@pytest.mark.parametrize("width", [320, 390, 1280])
def test_no_page_scrolls_sideways(ui, make, world, width):  # noqa: F811
    page = ui.page
    page.set_viewport_size({"width": width, "height": 720})
    pages = _pages(world)
    too_wide: dict[str, int] = {}
    for path in ("/login", "/accessibility", "/privacy"):  # before logging in
        ui.goto(path)
        if page.evaluate("document.documentElement.scrollWidth") > width + SLACK:
            too_wide[path] = page.evaluate("document.documentElement.scrollWidth")
    for role in ROLES:
        user = make.user(role, ROLE_CITY[role])
        log_in(ui, user.email, PASSWORD)
        menu = page.get_by_role("button", name="Menu")
        meetings = page.get_by_role("navigation", name="Main").get_by_role("link", name="Meetings")
        if width < 768:
            # On a phone a button opens and closes the whole list, by keyboard too.
            expect(menu).to_have_attribute("aria-expanded", "false")
            expect(meetings).to_be_hidden()
            menu.focus()
            page.keyboard.press("Enter")
            expect(menu).to_have_attribute("aria-expanded", "true")
            expect(meetings).to_be_visible()
            ui.check()
            page.keyboard.press("Enter")
            expect(meetings).to_be_hidden()
        else:
            expect(menu).to_be_hidden()
            expect(meetings).to_be_visible()
        for path in pages[role]:
            ui.goto(path)
            wide = page.evaluate("document.documentElement.scrollWidth")
            if wide > width + SLACK:
                too_wide[path] = wide
        ui.goto("/")
        ui.follow(page.get_by_role("button", name="Log out", exact=True))
    assert too_wide == {}
