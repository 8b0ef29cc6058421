"""What a serving process does once it has loaded the portal, before its first request
(gunicorn.conf.py calls it in each worker; bench/measure.py as a worker would)."""

from __future__ import annotations

import gc
import importlib
import logging

log = logging.getLogger(__name__)

# What the portal imports only when a page first needs it (the agenda's PDF, the calendar
# feeds, spreadsheets in and out): loaded up front, so that it is set aside with the rest.
LOADED_ON_DEMAND = ("weasyprint", "icalendar", "openpyxl", "python_calamine")


def settle() -> None:
    """Set everything the process has loaded so far (the libraries, the app, its reference
    data) aside from the garbage collector's full passes.

    Those last as long as the process, yet a full pass walked them all: 160,000 objects
    after start-up, 260,000 with the PDF and spreadsheet libraries, 100-160 ms a pass on a
    2-core machine, every few requests of a page that makes many objects (a calendar feed of
    2,400 events), and every thread of the process waited meanwhile (issue 18: the network
    feed's p95 was 250-330 ms for a p50 of 110). Frozen, a full pass walks what requests
    made since: a millisecond or two."""
    for name in LOADED_ON_DEMAND:
        importlib.import_module(name)
    gc.collect()
    gc.freeze()


def check_statistics(app) -> list[str]:
    """Bring SQLite's planner statistics up to date where a table has outgrown them
    (portal.database.stale_statistics), in a write transaction of its own; the tables
    analysed. Each worker checks when it starts (a look-up per table, 2 ms), and gunicorn
    starts workers afresh every few thousand requests, so a database that grows through
    the day's work is checked as it grows; the first worker to find them stale analyses,
    and the others, waiting for its write lock, find them fresh."""
    from portal.database import refresh_stale_statistics, write_apart
    from portal.extensions import db

    analysed: list[str] = []
    with app.app_context():
        if db.engine.dialect.name != "sqlite":  # PostgreSQL's autovacuum keeps its own
            return analysed
        # Checked and analysed under the write lock. Should it stay taken past the busy
        # timeout (a long write elsewhere), the worker serves with the statistics there are,
        # and the next one to start checks again.
        if not write_apart(
            db.session,
            [lambda: analysed.extend(refresh_stale_statistics(db.session.connection()))],
            "planner statistics not checked: the database is busy",
        ):
            analysed.clear()  # whatever it had analysed was rolled back
        if analysed:
            log.info("planner statistics brought up to date: %s", ", ".join(analysed))
        db.session.remove()
    return analysed
