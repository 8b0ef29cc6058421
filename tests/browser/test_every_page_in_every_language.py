"""axe-core on every page of the portal in Finnish and in Swedish.

The other browser tests walk the users' tasks in English; this one opens every GET route of
the permission matrix (tests/matrix.py) that answers with a page, as the first of an
officer, a coordinator and an admin who may see it, with the world of the matrix tests, once
in each language, and checks that the page says which language it is in and that axe finds
no WCAG 2.1 A/AA violation there.
"""

from __future__ import annotations

from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.matrix import ROLE_CITY, ROUTES
from tests.test_route_matrix import make, matrix_app, world  # noqa: F401 (fixtures)

ROLES = ("officer", "coordinator", "admin")
# Not pages: files, feeds and answers for scripts.
NOT_PAGES = {
    "static",
    "health.healthz",
    "events.feed",
    "events.ical",
    "meetings.ical",
    "meetings.pdf",
    "cities.package",
    "cities.report_pdf",
    "meetings.actions_file",
    "search.export",
    "imports.template",
    "meetings.attachment",
    "agreements.document",
    "organisations.lookup",
    "organisations.suggest",
    "contacts.lookup",
}
LOG_IN = {
    "fi": ("suomi", "Sähköpostiosoite", "Salasana", "Kirjaudu sisään", "Kirjaudu ulos"),
    "sv": ("svenska", "E-postadress", "Lösenord", "Logga in", "Logga ut"),
}


def _pages(world) -> dict[str, list[str]]:  # noqa: F811
    """Per role, the paths of the pages it is the first of ROLES to be allowed to open."""
    pages: dict[str, list[str]] = {role: [] for role in ROLES}
    for route in ROUTES:
        if route.method != "GET" or route.endpoint in NOT_PAGES:
            continue
        if route.endpoint.endswith(".export"):  # every list's file: a download, not a page
            continue
        if route.api or route.endpoint == "api-docs.openapi_json":  # JSON for programs
            continue
        for role in ROLES:
            opened = [
                (scope, visibility)
                for scope in route.scopes
                for visibility in route.visibilities
                if route.expected(role, scope, visibility) == 200
            ]
            if opened:
                scope, visibility = opened[0]
                path = (
                    route.path(world, scope, visibility)
                    if visibility != "-"
                    else route.path(world, scope)
                )
                pages[role].append(path)
                break
    return pages


def test_every_page_in_finnish_and_swedish_passes_axe(ui, make, world):  # noqa: F811
    pages = _pages(world)
    assert sum(len(p) for p in pages.values()) > 50  # the crawl really covers the portal
    page = ui.page
    for language in ("fi", "sv"):
        switch, email_label, password_label, log_in, log_out = LOG_IN[language]
        for role in ROLES:
            user = make.user(role, ROLE_CITY[role], locale=language)
            ui.goto("/login")  # in the browser's English, until the switch
            ui.follow(page.get_by_role("button", name=switch))
            page.get_by_label(email_label).fill(user.email)
            page.get_by_label(password_label, exact=True).fill(PASSWORD)
            ui.follow(page.get_by_role("button", name=log_in))
            for path in pages[role]:
                response = ui.goto(path)
                assert response.status == 200, path
                expect(page.locator("html")).to_have_attribute("lang", language)
            ui.follow(page.get_by_role("button", name=log_out, exact=True))
