"""SQLite's planner statistics are kept up to date by the portal itself (issue 18): nothing
ran ANALYZE but a search rebuild, so a database that grew through imports and the day's work
had none, and the contacts and interactions lists sorted all of a city's records for each
page (162 and 137 ms at the network's scale instead of 13 and 15). A worker checks when it
starts, and an import when it has written."""

from __future__ import annotations

import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import insert, select, text

from portal import database
from portal.extensions import db
from portal.models import City, Contact, User
from portal.services import imports
from tests.bulk import contact_row
from tests.import_files import xlsx

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def sqlite_only(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite's statistics; PostgreSQL's autovacuum analyses as tables change")


def _add_contacts(n: int, city: str = "helsinki") -> None:
    city_id = db.session.scalar(select(City.id).where(City.slug == city))
    rows = [contact_row(city_id, "city", f"Name{i % 50:02d}") for i in range(n)]
    db.session.execute(insert(Contact), rows)
    db.session.commit()


def _counted(table: str) -> set[int]:
    """The rows the statistics of ``table``'s indexes counted (none: no statistics)."""
    if not db.session.execute(
        text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
    ).first():
        return set()  # no ANALYZE has run on this database yet
    stats = db.session.execute(
        text("SELECT stat FROM sqlite_stat1 WHERE tbl = :table"), {"table": table}
    ).scalars()
    return {int(stat.split()[0]) for stat in stats}


def test_a_table_that_outgrew_its_statistics_is_analysed_again(app, sqlite_only):
    with app.app_context():
        _add_contacts(1_200)
        assert database.stale_statistics(db.session.connection()) == ["contacts"]
        assert database.refresh_stale_statistics(db.session.connection()) == ["contacts"]
        db.session.commit()
        assert _counted("contacts") == {1_200}
        assert database.stale_statistics(db.session.connection()) == []
        _add_contacts(1_000)  # 2,200: not yet twice what was counted
        assert database.stale_statistics(db.session.connection()) == []
        _add_contacts(300)
        assert database.refresh_stale_statistics(db.session.connection()) == ["contacts"]
        db.session.commit()
        assert _counted("contacts") == {2_500}


def test_a_small_table_is_left_to_the_planners_defaults(app, sqlite_only):
    with app.app_context():
        _add_contacts(database.STATISTICS_FROM_ROWS - 1)
        assert database.refresh_stale_statistics(db.session.connection()) == []
        assert _counted("contacts") == set()


def test_a_worker_brings_the_statistics_up_to_date_when_it_starts(
    app, sqlite_only, monkeypatch, caplog
):
    """What gunicorn calls in each worker once it has loaded the portal (the garbage
    collector's part is tests/test_worker.py's); the log says which tables it analysed."""
    monkeypatch.setattr("portal.worker.settle", lambda: None)
    caplog.set_level("INFO", logger="portal.worker")
    with app.app_context():
        _add_contacts(1_500)
    hooks = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    hooks["post_worker_init"](SimpleNamespace(wsgi=app))
    with app.app_context():
        assert _counted("contacts") == {1_500}
    assert "planner statistics brought up to date: contacts" in caplog.text
    caplog.clear()
    hooks["post_worker_init"](SimpleNamespace(wsgi=app))  # the next worker: nothing to do
    assert "planner statistics" not in caplog.text


@pytest.mark.parametrize("in_request", [True, False], ids=["page", "command line"])
def test_an_import_brings_the_statistics_up_to_date(
    app, sqlite_only, make_user, client_as, monkeypatch, in_request
):
    """Through the page (after the response, as the request's side write) and the command
    line (in the import's own transaction). The threshold lowered, so that ten rows do."""
    monkeypatch.setattr(database, "STATISTICS_FROM_ROWS", 10)
    header = ["Family name", "Given name", "Legal basis for keeping the data"]
    content = xlsx([header, *([f"Wang{i}", "Lei", "public_task"] for i in range(12))])
    if in_request:
        client, officer = client_as("officer", "helsinki")
        with app.app_context():
            city = db.session.scalar(select(City).where(City.slug == "helsinki"))
            batch = imports.start(
                db.session.get(User, officer.id), city, "contacts", "a.xlsx", content
            )
            db.session.commit()
            batch_id = batch.id
        answer = client.post(f"/import/{batch_id}/confirm")
        assert answer.status_code == 302 and answer.location.endswith("/import/")
    else:  # as `flask import` does it
        officer = make_user("officer", "helsinki")
        with app.app_context():
            actor = db.session.get(User, officer.id)
            city = db.session.scalar(select(City).where(City.slug == "helsinki"))
            batch = imports.start(actor, city, "contacts", "a.xlsx", content)
            db.session.commit()
            imports.confirm(actor, batch)
            db.session.commit()
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Contact)) == 12
        assert _counted("contacts") == {12}


def test_postgresql_is_left_to_its_autovacuum(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL's part")
        _add_contacts(1_200)
        assert database.refresh_stale_statistics(db.session.connection()) == []


def test_a_worker_starts_with_the_statistics_there_are_when_the_database_is_busy(
    app, sqlite_only, app_factory, monkeypatch, caplog
):
    """Another connection holds the write lock past the busy timeout (a long write): the
    worker does not fail to start; it serves, and says why the statistics were not checked."""
    import sqlite3

    from portal.worker import check_statistics

    with app.app_context():
        _add_contacts(1_200)
        path = db.engine.url.database
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 50)
    worker_app = app_factory()
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        assert check_statistics(worker_app) == []
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert "planner statistics not checked: the database is busy" in caplog.text
    assert check_statistics(worker_app) == ["contacts"]  # the next worker to start
