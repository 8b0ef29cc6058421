"""Screenshots of the portal for docs/screenshots/ (`make screenshots`): the demo data in a
throwaway SQLite database, served on a free loopback port, photographed by Playwright with
Debian's chromium as a Helsinki officer and as the network's coordinator, on a laptop
(1280 px) and a phone (390 px), in Finnish.

    python scripts/screenshots.py [OUTPUT_DIR]
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from werkzeug.serving import make_server

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
CHROMIUM = os.environ.get("PORTAL_CHROMIUM") or shutil.which("chromium") or "chromium"
LAPTOP, PHONE = 1280, 390


def _serve(db_path: Path):
    from flask_migrate import upgrade

    from portal import create_app, demo
    from portal.extensions import db
    from portal.services import reference

    app = create_app(
        {
            "PORTAL_ENV": "testing",
            "SECRET_KEY": "screenshots",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
            "WTF_CSRF_ENABLED": True,
            "UPLOAD_FOLDER": str(db_path.parent / "uploads"),
        }
    )
    with app.app_context():
        upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
        reference.load_reference_data()
        demo.load_demo_data()
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def _log_in(page, base: str, email: str) -> None:
    from portal.demo.loader import DEMO_PASSWORD

    page.goto(base + "/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("form button[type=submit]").last.click()


def main() -> None:
    from playwright.sync_api import sync_playwright

    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        server, base = _serve(Path(tmp) / "portal.db")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
            officer, coordinator = "officer@helsinki.example", "coordinator@c21.example"
            pages = [
                ("home", officer, "/", None),
                ("contacts", officer, "/contacts/", None),
                ("form-with-errors", officer, "/contacts/new", "submit"),
                ("overview-map", officer, "/overview", None),
                ("agenda", coordinator, "/meetings/", "meeting"),
                ("search", officer, "/search?q=Beijing", None),
                ("import", officer, "/import/", None),
                ("menu", officer, "/", "menu"),
            ]
            shots = [
                (email, width, f"{label}-{page_name}.png", path, step)
                for label, width in (("laptop", LAPTOP), ("phone", PHONE))
                for page_name, email, path, step in pages
                if step != "menu" or width == PHONE
            ]
            for email, width, name, path, step in shots:
                context = browser.new_context(
                    viewport={"width": width, "height": 844 if width == PHONE else 800},
                    locale="fi-FI",
                    timezone_id="Europe/Helsinki",
                )
                page = context.new_page()
                _log_in(page, base, email)
                page.goto(base + path)
                if step == "meeting":  # the first meeting's agenda
                    with page.expect_navigation():
                        page.locator("main table a").first.click()
                elif step == "submit":  # an empty form: the errors by their fields
                    with page.expect_navigation():
                        page.locator("main form button[type=submit]").last.click()
                elif step == "menu":
                    page.locator("button[aria-controls=main-menu]").click()
                page.screenshot(path=str(out / name), full_page=True)
                context.close()
                print(f"{out / name}")
            browser.close()
        server.shutdown()


if __name__ == "__main__":
    main()
