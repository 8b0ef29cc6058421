"""Real-browser tests: Playwright driving Debian's chromium against the app on a loopback
port, with axe-core checking every page visited for WCAG 2.1 A and AA violations.

Without chromium these tests are skipped with a reason; with PORTAL_REQUIRE_BROWSER=1 (as CI
sets) a missing browser is a failure instead.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

CHROMIUM = (
    os.environ.get("PORTAL_CHROMIUM")
    or shutil.which("chromium")
    or shutil.which("chromium-browser")
)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Chromium as root in a container, on a machine without a network: no sandbox, no GPU, and
# no background connections that would only time out.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM:
        reason = "chromium is not installed (apt-get install chromium): browser tests skipped"
        if os.environ.get("PORTAL_REQUIRE_BROWSER") == "1":
            pytest.fail(reason.replace("skipped", "required by PORTAL_REQUIRE_BROWSER=1"))
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app_factory) -> Iterator[str]:
    """The portal served on a free loopback port, with CSRF on as in production. It shares
    the test database, so the `app` fixture's clean-up covers it."""
    server_app = app_factory(WTF_CSRF_ENABLED=True)
    server = make_server("127.0.0.1", 0, server_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


class CheckedPage:
    """A browser tab whose every page gets an axe-core check.

    Use ``goto()`` and ``follow()`` (click something that loads a page), which check the new
    page; ``check()`` checks the current state (after a change in place). At the end of the
    test every URL the tab loaded must have been checked.
    """

    def __init__(self, page, base_url: str):
        from axe_playwright_python.sync_playwright import Axe

        self.page = page
        self.base_url = base_url
        self.axe = Axe()
        self.visited: list[str] = []
        self.checked: set[str] = set()
        page.on("framenavigated", self._navigated)
        self.csp_violations: list[str] = []
        page.on("console", self._console)

    def _navigated(self, frame) -> None:
        if frame == self.page.main_frame and frame.url.startswith("http"):
            self.visited.append(frame.url.split("#")[0])  # a #fragment is the same page

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.csp_violations.append(message.text)

    def check(self) -> None:
        results = self.axe.run(self.page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        assert results.violations_count == 0, (
            f"WCAG 2.1 A/AA violations on {self.page.url}:\n{results.generate_report()}"
        )
        self.checked.add(self.page.url.split("#")[0])

    def goto(self, path: str):
        response = self.page.goto(self.base_url + path)
        self.check()
        return response

    def follow(self, locator) -> None:
        """Click something that loads a new page, wait for it, and check it."""
        with self.page.expect_navigation():
            locator.click()
        self.check()

    def assert_all_checked(self) -> None:
        unchecked = [url for url in self.visited if url not in self.checked]
        assert not unchecked, f"pages visited without an axe check: {unchecked}"
        assert not self.csp_violations, self.csp_violations


@pytest.fixture
def ui(browser, live_server) -> Iterator[CheckedPage]:
    context = browser.new_context(locale="en-GB", timezone_id="Europe/Helsinki")
    page = context.new_page()
    page.set_default_timeout(10_000)
    checked = CheckedPage(page, live_server)
    yield checked
    try:
        checked.assert_all_checked()
    finally:
        context.close()
