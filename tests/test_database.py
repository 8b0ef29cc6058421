"""The database: SQLite settings, concurrent writers, and migrations that match the models."""

from __future__ import annotations

import threading

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select, text

from portal.config import ConfigError
from portal.extensions import db
from portal.models import AuditEvent, City
from portal.search.backends import is_backend_object
from portal.services import audit
from tests.conftest import PASSWORD, is_postgres, make_app


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout(app, database_url):
    if is_postgres(database_url):
        pytest.skip("SQLite settings; this run is on PostgreSQL")
    with app.app_context(), db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_postgresql_plans_every_search_for_its_own_words(app, database_url):
    """Issue 18: after a few searches on one connection, psycopg had PostgreSQL plan the
    search once for any words, and a common word walked the whole index (300 ms, not 60)."""
    if not is_postgres(database_url):
        pytest.skip("PostgreSQL's plan cache; this run is on SQLite")
    with app.app_context(), db.engine.connect() as conn:
        for word in ["beijing", "meeting", "seminar", "sport", "culture", "tech"] * 2:
            conn.execute(
                text("SELECT count(*) FROM search_words WHERE words @@ to_tsquery(:q)"),
                {"q": word},
            )
        prepared = conn.exec_driver_sql("SELECT count(*) FROM pg_prepared_statements")
        assert prepared.scalar() == 0


def test_postgresql_prices_an_index_look_up_as_memory_does(app, app_factory, database_url):
    """Issue 18: with PostgreSQL's default random_page_cost (a disk's seek), a busy
    organisation's 1,500 interactions were joined by reading all 300,000 of them."""
    if not is_postgres(database_url):
        pytest.skip("PostgreSQL's planner; this run is on SQLite")

    def setting(some_app) -> str:
        with some_app.app_context(), db.engine.connect() as conn:
            return conn.exec_driver_sql("SHOW random_page_cost").scalar()

    assert setting(app) == "1.1"
    assert setting(app_factory(PG_RANDOM_PAGE_COST="")) == "4"  # the server's own
    assert setting(app_factory(PG_RANDOM_PAGE_COST="2")) == "2"
    with pytest.raises(ConfigError):
        make_app(database_url, PG_RANDOM_PAGE_COST="fast")


def test_foreign_keys_are_enforced(app):
    from sqlalchemy.exc import IntegrityError

    with app.app_context(), pytest.raises(IntegrityError), db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO city_partnerships (city_id, place_id, kind, note) "
                "VALUES (99999, 99999, 'sister_city', '')"
            )
        )


def test_concurrent_read_then_write_requests_do_not_fail(app, client_as):
    """Eight threads, each a request that reads, then writes (a login attempt and an audit
    event): with deferred transactions SQLite would answer "database is locked" to some."""
    clients = [app.test_client() for _ in range(8)]
    results: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(clients))

    def worker(c, n):
        try:
            barrier.wait()
            for i in range(5):
                r = c.post(
                    "/login",
                    data={"email": f"user{n}-{i}@oulu.example", "password": "x" * 12},
                    environ_base={"REMOTE_ADDR": f"10.2.{n}.{i}"},
                )
                results.append(r.status_code)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(c, n)) for n, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert results == [200] * 40
    with app.app_context():
        count = db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "login.failure")
        )
        assert count == 40


def test_concurrent_service_writes_in_threads(app):
    """Writers outside requests (commands, jobs) read and write in one transaction too."""
    errors: list[BaseException] = []

    def worker(n):
        try:
            with app.app_context():
                from portal.database import write_intent

                write_intent.set(True)
                for i in range(10):
                    db.session.scalar(select(func.count()).select_from(AuditEvent))
                    audit.record(None, "test.write", detail=f"{n}-{i}")
                    db.session.commit()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with app.app_context():
        assert db.session.query(AuditEvent).filter_by(action="test.write").count() == 60


def _schema_differences(app):
    with app.app_context(), db.engine.connect() as conn:
        from portal.database import is_undeclared

        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "include_object": lambda obj, name, *a: not is_undeclared(name),
            },
        )
        return compare_metadata(context, db.metadata) + _include_differences(conn)


def _include_differences(conn) -> list[tuple]:
    """What Alembic's comparison leaves out: the columns a PostgreSQL index carries
    (``postgresql_include``), which decide whether a query reads the index alone."""
    if conn.dialect.name != "postgresql":
        return []
    inspector = inspect(conn)
    differences = []
    for table in db.metadata.sorted_tables:
        found = {
            i["name"]: list(i.get("dialect_options", {}).get("postgresql_include") or [])
            for i in inspector.get_indexes(table.name)
        }
        for index in table.indexes:
            wanted = list(index.dialect_options["postgresql"]["include"] or [])
            if found.get(index.name, []) != wanted:
                differences.append(("include", index.name, found.get(index.name), wanted))
    return differences


def test_migrations_build_the_schema_of_the_models_and_go_down_and_up(scratch_url):
    app = make_app(scratch_url)
    with app.app_context():
        upgrade()
        assert _schema_differences(app) == [], "a model change lacks its migration"
        with db.engine.connect() as conn:
            has_fulltext = any(is_backend_object(n) for n in inspect(conn).get_table_names())
        assert has_fulltext, "the migration creates the full-text structure of this database"
        downgrade(revision="base")
        tables = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert tables == set()
        upgrade()
        assert _schema_differences(app) == []
        db.session.add(
            City(slug="x", name_fi="X", name_sv="X", name_en="X", region_fi="X", population=1)
        )
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def test_postgresql_words_move_to_their_own_table_and_back(scratch_url, database_url):
    """Migration 0025 (issue 18): PostgreSQL's words of the documents already indexed move
    from search_documents.body_tsv to the search_words table, and the search finds them
    there; going down brings the column back with the same words."""
    if not is_postgres(database_url):
        pytest.skip("SQLite's full-text table does not change")
    from portal.search import backends

    app = make_app(scratch_url)
    insert = text(
        "INSERT INTO search_documents (kind, record_id, visibility, archived, title, title_zh, "
        "summary, body, status) VALUES ('organisation', :n, 'network', false, 'x', '', '', "
        ":body, '')"
    )
    with app.app_context():
        upgrade(revision="0024")
        with db.engine.begin() as conn:
            for n, body in enumerate(["tiyu ju zqxall", "keji yuanqu zqxall", "tiyu zqxall"]):
                conn.execute(insert, {"n": n, "body": body})
        upgrade()
        with db.engine.begin() as conn:
            ids = list(conn.scalars(text("SELECT id FROM search_documents ORDER BY id")))
            moved = conn.execute(text("SELECT id FROM search_words ORDER BY id")).scalars()
            assert list(moved) == ids
            columns = {c["name"] for c in inspect(conn).get_columns("search_documents")}
            assert "body_tsv" not in columns
        found = backends.newest_ids(db.session, "tiyu & zqxall", limit=5)
        assert found == [ids[2], ids[0]]
        db.session.remove()
        downgrade(revision="0024")
        with db.engine.begin() as conn:
            assert "search_words" not in inspect(conn).get_table_names()
            again = conn.scalars(
                text(
                    "SELECT id FROM search_documents "
                    "WHERE body_tsv @@ to_tsquery('simple', 'yuanqu') ORDER BY id"
                )
            )
            assert list(again) == [ids[1]]
        db.engine.dispose()


def test_the_parts_that_have_records_get_their_tokens_with_the_migration(scratch_url):
    """Migration 0026 (issue 18): every kind and city with documents in the index gets a
    token, so that what is kept per part may be kept from the start (a part without one is
    taken to have no records); going down removes the tokens."""
    from portal.search.index import part_tokens

    app = make_app(scratch_url)
    insert = text(
        "INSERT INTO search_documents (kind, record_id, city_id, visibility, archived, title, "
        "title_zh, summary, body, status) VALUES (:kind, :n, :city, 'network', false, 'x', "
        "'', '', 'x', '')"
    )
    with app.app_context():
        upgrade(revision="0025")
        with db.engine.begin() as conn:
            espoo, lahti = (
                conn.scalar(
                    text(
                        "INSERT INTO cities (slug, name_fi, name_sv, name_en, region_fi, "
                        "population) VALUES (:slug, :slug, :slug, :slug, '', 1) RETURNING id"
                    ),
                    {"slug": slug},
                )
                for slug in ("espoo", "lahti")
            )
            for n, (kind, city) in enumerate(
                [("event", espoo), ("event", espoo), ("event", lahti), ("project", lahti)]
            ):
                conn.execute(insert, {"kind": kind, "n": n, "city": city})
            conn.execute(insert, {"kind": "organisation", "n": 9, "city": None})
        upgrade()
        tokens = part_tokens(db.session, ["event", "project", "organisation", "contact"])
        assert set(tokens) == {("event", espoo), ("event", lahti), ("project", lahti)}
        assert len(set(tokens.values())) == 3
        db.session.remove()
        downgrade(revision="0025")
        with db.engine.begin() as conn:
            assert "search_index_parts" not in inspect(conn).get_table_names()
        db.engine.dispose()


def test_a_login_holds_no_write_lock_while_it_checks_the_password(
    app, client, make_user, database_url, monkeypatch
):
    """The password check takes a good part of a second with production hashing: other
    people's saves must not wait for it (the login writes only after it)."""
    from portal.services import accounts as accounts_service

    user = make_user()
    other_writes: list[str] = []
    real_verify = accounts_service.verify_password

    def verify_while_someone_saves(password_hash, password):
        with app.app_context():
            engine = db.engine
        with engine.connect().execution_options(portal_write=True) as conn:
            if not is_postgres(database_url):
                conn.exec_driver_sql("PRAGMA busy_timeout = 200")  # would time out if locked
                conn.commit()
            with conn.begin():
                conn.execute(
                    AuditEvent.__table__.insert().values(action="test.during_login", detail="")
                )
            other_writes.append("saved")
        return real_verify(password_hash, password)

    monkeypatch.setattr(accounts_service, "verify_password", verify_while_someone_saves)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert other_writes == ["saved"]


def test_each_test_starts_from_the_reference_data_alone(
    app, make_record, make_contact, make_user, client_as
):
    """The cleaning after each test (conftest._clean, which now empties only the tables a
    test wrote to, and leaves the themes alone when no test changed them) still leaves no
    record, account, session, audit entry, search document or theme change behind for the
    next test, on either database."""
    from portal.models import Theme
    from portal.search import backends
    from tests.conftest import REFERENCE_TABLES, _clean, _shipped_themes

    make_record("event", "helsinki", "network", title="Left behind")
    make_contact("oulu", "city", themes=("education",))
    make_user("officer", "lahti")
    client, _ = client_as("admin", None)
    first = min(_shipped_themes())
    with app.app_context():
        theme = db.session.scalar(select(Theme).where(Theme.slug == first))
        assert theme is not None
        theme.name_en, theme.active = "Renamed by an admin", False
        extra = Theme(slug="added", name_en="Added", name_fi="Lisätty", name_sv="Tillagd")
        db.session.add(extra)
        db.session.commit()
    assert client.get("/search?q=behind").status_code == 200

    _clean(app)

    with app.app_context():
        left = {
            table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables
            if table.name not in REFERENCE_TABLES
        }
        assert not {name: n for name, n in left.items() if n}
        words = "search_fts" if db.engine.dialect.name == "sqlite" else "search_words"
        assert backends.is_backend_object(words)
        assert db.session.scalar(text(f"SELECT count(*) FROM {words}")) == 0
        themes = {
            t.slug: {name: getattr(t, name) for name in _shipped_themes()[t.slug]}
            for t in db.session.scalars(select(Theme))
        }
        assert themes == _shipped_themes()
