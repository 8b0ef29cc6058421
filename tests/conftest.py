"""Test fixtures: the app on a real database, clients, a login helper, factories and a SQL
statement counter.

The suite runs on a SQLite file by default and on PostgreSQL when PORTAL_TEST_DATABASE_URL is
set. The schema is built once per run by the migrations (so they are exercised every time);
each test then starts from the reference data alone.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, event, exists, literal, select, text, union_all
from sqlalchemy.engine import make_url

from portal import create_app
from portal.extensions import db
from portal.models import City, User
from portal.search import backends
from portal.security.sessions import SESSION_TOKEN_KEY, start_session
from portal.services import accounts, reference

PASSWORD = "correct horse battery staple"
REFERENCE_TABLES = {
    "cities",
    "themes",
    "chinese_places",
    "city_partnerships",
    "meeting_series",
    "alembic_version",
}


def _postgres_url() -> str | None:
    url = os.environ.get("PORTAL_TEST_DATABASE_URL")
    if url and url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def reset_postgres(url: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = _postgres_url()
    if url:
        reset_postgres(url)
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture
def scratch_url(database_url, tmp_path):
    """An empty database of the same kind as the suite's (dropped afterwards)."""
    if not is_postgres(database_url):
        yield f"sqlite:///{tmp_path / 'scratch.db'}"
        return
    name = f"c21_scratch_{uuid.uuid4().hex[:8]}"
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(database_url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


UPLOADS = tempfile.mkdtemp(prefix="c21-test-uploads-")
# Removed when the run ends, so a day of test runs leaves no folders behind in /tmp.
atexit.register(shutil.rmtree, UPLOADS, ignore_errors=True)


def make_app(database_url: str, **overrides) -> Flask:
    config = {
        "PORTAL_ENV": "testing",
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": None,
        # Uploaded papers go to a folder of the test run, not the working copy's instance.
        "UPLOAD_FOLDER": UPLOADS,
        # Most tests read English; the language tests choose theirs.
        "DEFAULT_LOCALE": "en",
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture(scope="session")
def _schema(database_url) -> str:
    app = make_app(database_url)
    with app.app_context():
        upgrade()
        reference.load_reference_data()
        db.session.commit()
        db.engine.dispose()
    return database_url


@pytest.fixture(scope="session")
def _session_app(_schema) -> Iterator[Flask]:
    app = make_app(_schema)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(_session_app) -> Iterator[Flask]:
    yield _session_app
    _clean(_session_app)


@cache
def _shipped_themes() -> dict[str, dict]:
    """The shipped themes as they are put back, by slug: names, position, in use."""
    return {row["slug"]: {**row, "active": True} for row in reference.shipped_themes()}


def _restore_themes() -> None:
    """Themes are reference data that admins edit: put back the shipped ones as shipped.
    One statement when a test left them alone, as nearly all do (it was a dozen after every
    test that uses the app)."""
    from portal.models import Theme

    shipped = _shipped_themes()
    changed = False
    added = []
    for theme in db.session.scalars(select(Theme)):
        row = shipped.get(theme.slug)
        if row is None:
            added.append(theme.slug)
            continue
        for name, value in row.items():
            if getattr(theme, name) != value:
                setattr(theme, name, value)
                changed = True
    if added:
        db.session.execute(Theme.__table__.delete().where(Theme.slug.in_(added)))
    if changed or added:
        db.session.commit()
    else:
        db.session.rollback()


def _clean(app: Flask) -> None:
    """Remove every row but the reference data, so that each test starts alike."""
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            backends.clear(conn)  # first: PostgreSQL's words refer to the documents
            # Only the tables the test wrote to (a handful of fifty), children first.
            filled = set(conn.execute(_filled_tables()).scalars())
            for table in reversed(db.metadata.sorted_tables):
                if table.name in filled:
                    conn.execute(table.delete())
            stale = _forget_statistics(conn)
        _restore_themes()
        if stale:  # SQLite reads the statistics when a connection opens
            db.engine.dispose()
    # And the uploaded files: each test starts with an empty upload folder too.
    for entry in Path(UPLOADS).iterdir():
        shutil.rmtree(entry) if entry.is_dir() else entry.unlink()


@cache
def _filled_tables():
    """One statement naming the tables, other than the reference data's, that hold rows."""
    return union_all(
        *(
            select(literal(table.name)).where(exists(select(literal(1)).select_from(table)))
            for table in db.metadata.sorted_tables
            if table.name not in REFERENCE_TABLES
        )
    )


def _forget_statistics(conn) -> bool:
    """Drop what an ANALYZE (a search rebuild runs one) learnt from a test's few rows: the
    next test's query plans would follow it (a scan for a table of one row). True when
    there was something to forget."""
    if conn.dialect.name != "sqlite":
        return False
    if not conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
        return False
    return bool(conn.exec_driver_sql("DELETE FROM sqlite_stat1").rowcount)


@pytest.fixture
def app_factory(app, _schema):
    """Extra apps on the test database with other settings; their connections are closed
    at the end of the test."""
    made: list[Flask] = []

    def _factory(**overrides) -> Flask:
        extra = make_app(overrides.pop("database_url", _schema), **overrides)
        made.append(extra)
        return extra

    yield _factory
    for extra in made:
        with extra.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@dataclass(frozen=True)
class UserRef:
    """What a test needs to know of an account, usable outside an app context."""

    id: int
    email: str
    role: str
    city_slug: str | None
    city_id: int | None
    password: str = PASSWORD


def city_id(slug: str) -> int:
    return db.session.scalar(select(City.id).where(City.slug == slug))


class Factories:
    """Users and records straight into the database of ``app`` (committed), for the tests'
    set-up. The fixtures below hand out its methods; the permission matrix builds its world
    with one of its own."""

    def __init__(self, app: Flask):
        self.app = app
        self._users = iter(range(1, 1_000_000))
        self._names = iter(range(1, 1_000_000))

    def user(
        self,
        role: str = "officer",
        city: str | None = "helsinki",
        *,
        email: str | None = None,
        name: str | None = None,
        password: str | None = PASSWORD,
        active: bool = True,
        locale: str = "en",
    ) -> UserRef:
        n = next(self._users)
        if role == "admin":
            city = None
        with self.app.app_context():
            city_obj = db.session.scalar(select(City).where(City.slug == city)) if city else None
            user = accounts.create_user(
                None,
                email=email or f"{role}{n}@{city or 'c21'}.example",
                name=name or f"{role.title()} {n}",
                role=role,
                city=city_obj,
                password=password,
                locale=locale,
            )
            if not active:
                user.active = False
            db.session.commit()
            return UserRef(user.id, user.email, user.role, city, user.city_id, password or "")

    def organisation(
        self,
        name_en="Beijing Municipal Bureau of Sports",
        name_zh="",
        pinyin="",
        kind="government",
        place="beijing",
    ) -> int:
        from portal.models import ChinesePlace, Organisation
        from portal.services.organisations import _set_keys

        with self.app.app_context():
            org = Organisation(
                name_en=name_en,
                name_zh=name_zh,
                pinyin=pinyin,
                kind=kind,
                place_id=db.session.scalar(
                    select(ChinesePlace.id).where(ChinesePlace.slug == place)
                )
                if place
                else None,
            )
            _set_keys(org)
            db.session.add(org)
            db.session.commit()
            return org.id

    def contact(
        self,
        city="helsinki",
        visibility="city",
        *,
        family_name=None,
        given_name="Li",
        name_zh="",
        organisation: int | None = None,
        themes=(),
        archived=False,
    ) -> int:
        from portal.kinds import CONTACT
        from portal.models import Contact, Theme
        from portal.timeutil import utcnow

        with self.app.app_context():
            contact = Contact(
                city_id=city_id(city),
                visibility=visibility,
                family_name=family_name or f"Wang{next(self._names)}",
                given_name=given_name,
                name_zh=name_zh,
                organisation_id=organisation,
                themes=list(db.session.scalars(select(Theme).where(Theme.slug.in_(themes)))),
                archived_at=utcnow() if archived else None,
            )
            db.session.add(contact)
            db.session.flush()
            CONTACT.index(contact)
            db.session.commit()
            return contact.id

    def interaction(
        self,
        city="helsinki",
        visibility="city",
        *,
        title="Meeting in Beijing",
        contacts=(),
        organisations=(),
        occurred_on=None,
        follow_up_on=None,
        themes=(),
    ) -> int:
        from datetime import date

        from portal.kinds import INTERACTION
        from portal.models import Contact, Interaction, Organisation, Theme

        with self.app.app_context():
            interaction = Interaction(
                city_id=city_id(city),
                visibility=visibility,
                title=title,
                kind="meeting",
                occurred_on=occurred_on or date(2019, 10, 11),
                follow_up_on=follow_up_on,
                contacts=[db.session.get(Contact, c) for c in contacts],
                organisations=[db.session.get(Organisation, o) for o in organisations],
                themes=list(db.session.scalars(select(Theme).where(Theme.slug.in_(themes)))),
            )
            db.session.add(interaction)
            db.session.flush()
            INTERACTION.index(interaction)
            db.session.commit()
            return interaction.id

    def record(
        self,
        kind: str,
        city="helsinki",
        visibility="city",
        *,
        title=None,
        partners=(),
        document=False,
        **fields,
    ) -> int:
        """Any city-owned record of issue 4: record("project", "espoo", partners=["helsinki"])."""
        from datetime import date

        from portal.models import Agreement, Event, ExpertiseOffer, Project, Theme

        with self.app.app_context():
            common = {"city_id": city_id(city), "visibility": visibility}
            if kind == "project":
                record = Project(
                    title=title or "Winter sports coaching exchange",
                    status="active",
                    partner_cities=list(
                        db.session.scalars(select(City).where(City.slug.in_(partners)))
                    ),
                    **common,
                    **fields,
                )
            elif kind == "event":
                fields.setdefault("starts_on", date(2027, 2, 10))
                fields.setdefault("ends_on", fields["starts_on"])
                record = Event(
                    kind="festival", title=title or "Chinese New Year festival", **common, **fields
                )
            elif kind == "agreement":
                record = Agreement(
                    kind="action_plan",
                    status="in_force",
                    title=title or "Action plan 2019-2023",
                    signed_on=date(2019, 10, 11),
                    **common,
                    **fields,
                )
            elif kind == "offer":
                record = ExpertiseOffer(
                    title=title or "Organising a Chinese New Year festival",
                    theme_id=db.session.scalar(select(Theme.id).where(Theme.slug == "culture")),
                    **common,
                    **fields,
                )
            else:
                raise ValueError(kind)
            db.session.add(record)
            db.session.flush()
            if document:
                from portal.services.agreements import documents_folder

                record.document_key = f"test-{record.id}.pdf"
                record.document_name = "signed.pdf"
                record.document_size = len(MINIMAL_PDF)
                (documents_folder() / record.document_key).write_bytes(MINIMAL_PDF)
            db.session.commit()
            return record.id

    def log_in(self, client, user: UserRef):
        """Log a test client in as a user without going through the login form (and its
        throttle): open a server-side session and put it in the client's cookie."""
        with self.app.app_context():
            token = start_session(db.session.get(User, user.id), ip="127.0.0.1", user_agent="t")
            db.session.commit()
        with client.session_transaction() as session:
            session[SESSION_TOKEN_KEY] = token
            session["_user_id"] = str(user.id)
            session["_fresh"] = True
            session.permanent = True
        return client


@pytest.fixture
def factories(app) -> Factories:
    return Factories(app)


@pytest.fixture
def make_user(factories):
    return factories.user


@pytest.fixture
def login(factories):
    return factories.log_in


@pytest.fixture
def make_organisation(factories):
    return factories.organisation


@pytest.fixture
def make_contact(factories):
    return factories.contact


@pytest.fixture
def make_interaction(factories):
    return factories.interaction


@pytest.fixture
def make_record(factories):
    return factories.record


@pytest.fixture
def client_as(app, login, make_user):
    """A logged-in client for a new user: client_as("officer", "espoo")."""

    def _client_as(role: str = "officer", city: str | None = "helsinki", locale: str = "en"):
        user = make_user(role, city, locale=locale)
        return login(app.test_client(), user), user

    return _client_as


class StatementCounter:
    def __init__(self):
        self.statements: list[str] = []
        self.executed: list[tuple[str, object]] = []  # with their parameters

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_statements(app):
    """Count the SQL statements the code under test sends: ``with count_statements() as c:``.
    Transaction control (BEGIN, COMMIT, SAVEPOINT) is left out."""

    @contextmanager
    def _count():
        counter = StatementCounter()
        with app.app_context():
            engine = db.engine

        def _on_execute(conn, cursor, statement, parameters, context, executemany):
            if not re.match(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)", statement, re.I):
                counter.statements.append(statement)
                counter.executed.append((statement, parameters))

        event.listen(engine, "before_cursor_execute", _on_execute)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", _on_execute)

    return _count


def is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
