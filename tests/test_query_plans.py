"""The detail pages read what they show through indexes: no statement they send makes SQLite
scan the whole of a large table (issue 18: who-knows-whom scanned every interaction of the
network on each organisation page, and a place page took 68 s at the network's scale).

Each page is requested once with records of every kind in place; every SELECT it sent is
then asked for its plan (``EXPLAIN QUERY PLAN``). A plan line ``SCAN <table>`` (with or
without an index: a whole index is as long as its table) of one of the tables that grow with
the network fails the test. SQLite only: PostgreSQL rightly scans tables this small."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import text

from portal.extensions import db
from tests.bulk import contact_row, interaction_row

# The tables that grow with the network's records (and its history).
LARGE = (
    "contacts",
    "interactions",
    "events",
    "projects",
    "agreements",
    "audit_events",
    "search_documents",
    "interaction_organisations",
    "interaction_contacts",
)


@pytest.fixture
def world(app, make_organisation, make_contact, make_interaction, make_record):
    with app.app_context():
        dialect = db.engine.dialect.name
    if dialect != "sqlite":
        pytest.skip("the plans of SQLite; PostgreSQL scans tables this small on purpose")
    org = make_organisation("Beijing Municipal Commission of Commerce", place="beijing")
    contact = make_contact("helsinki", "network", family_name="Wang", organisation=org)
    make_contact("espoo", "city", family_name="Li", organisation=org)
    interaction = make_interaction(
        "helsinki", "network", contacts=[contact], organisations=[org], title="Trade talks"
    )
    make_interaction("espoo", "city", organisations=[org], title="Espoo's own")
    return {
        "contact": f"/contacts/{contact}",
        "organisation": f"/organisations/{org}",
        "place": "/places/beijing",
        "interaction": f"/interactions/{interaction}",
        "event": f"/events/{make_record('event', 'helsinki', 'network')}",
        "project": f"/projects/{make_record('project', 'helsinki', 'network')}",
        "agreement": f"/agreements/{make_record('agreement', 'helsinki', 'network')}",
    }


def _scans(statement: str, parameters) -> list[str]:
    raw = db.session.connection().connection.driver_connection
    rows = raw.execute("EXPLAIN QUERY PLAN " + statement, parameters or ()).fetchall()
    return [
        row[-1]
        for row in rows
        if re.match(r"SCAN (%s)\b" % "|".join(LARGE), row[-1])  # noqa: UP031
    ]


@pytest.mark.parametrize(
    "page", ["contact", "organisation", "place", "interaction", "event", "project", "agreement"]
)
def test_a_detail_page_scans_no_large_table(app, world, client_as, count_statements, page):
    client, _ = client_as("officer", "helsinki")
    with count_statements() as sent:
        response = client.get(world[page])
    assert response.status_code == 200
    selects = [(s, p) for s, p in sent.executed if s.lstrip().upper().startswith("SELECT")]
    assert selects
    with app.app_context():
        scans = {s.split("\n")[0][:120]: _scans(s, p) for s, p in selects}
    assert {s: plan for s, plan in scans.items() if plan} == {}


@pytest.mark.parametrize("role", ["officer", "admin", "coordinator"])
def test_the_contacts_list_index_carries_every_column_the_scope_reads(app, make_user, role):
    """A deep page of the contacts list skips the rows before it in the list's index without
    reading a row of the table only if the index carries every column the scope reads: the
    restriction of issue 13 added one, and page 1,000 went from 32 to 83 ms at full scale.
    (Pinned on the schema: SQLite plans a test database this small differently.)"""
    from sqlalchemy import Column
    from sqlalchemy.sql import visitors

    from portal.models import Contact, User
    from portal.security.permissions import select_visible

    ref = make_user(role, None if role != "officer" else "helsinki")
    with app.app_context():
        user = db.session.get(User, ref.id)
        stmt = select_visible(user, Contact, include_archived=False)
        read = {
            c.name
            for c in visitors.iterate(stmt.whereclause)
            if isinstance(c, Column) and c.table is Contact.__table__
        }
        index = next(i for i in Contact.__table__.indexes if i.name == "ix_contacts_by_name")
        assert read and read <= {c.name for c in index.columns}
        inspected = sa_inspect(db.engine).get_indexes("contacts")
        migrated = next(i for i in inspected if i["name"] == "ix_contacts_by_name")
        assert read <= set(migrated["column_names"])


@pytest.mark.parametrize(
    ("kind", "index_name"),
    [
        ("contacts", "ix_contacts_by_name"),
        ("interactions", "ix_interactions_by_date"),
        ("projects", "ix_projects_by_start"),
    ],
)
def test_a_lists_page_walks_an_index_in_the_lists_order(
    app, make_user, count_statements, kind, index_name
):
    """A page of a long list reads its rows in order from an index that leads with the
    list's order and carries what the scope reads; without one SQLite gathered every
    visible record and sorted them for each page (the projects list: 11 ms of its 33 at
    the network's scale). Pinned on the schema and on the migrated database, on both
    databases (SQLite plans a test database this small differently)."""
    from sqlalchemy import Column
    from sqlalchemy.sql import visitors

    from portal import kinds
    from portal.models import User
    from portal.security.permissions import select_visible
    from portal.services import contacts, interactions, projects
    from portal.services.listing import RecordFilter

    lister = {
        "contacts": contacts.list_contacts,
        "interactions": interactions.list_interactions,
        "projects": projects.list_projects,
    }[kind]
    model = next(k.model for k in kinds.city_owned() if k.model.__tablename__ == kind)
    ref = make_user("officer", "helsinki")
    with app.test_request_context():
        user = db.session.get(User, ref.id)
        with count_statements() as sent:
            lister(user, RecordFilter(), page=1)
        page = next(s for s in sent.statements if s.startswith(f"SELECT {kind}.id"))
        order = re.search(r"ORDER BY (.*?)\s+LIMIT", page, re.S)
        assert order is not None
        ordered = [term.strip().split()[0].removeprefix(f"{kind}.") for term in order[1].split(",")]
        scope = select_visible(user, model, include_archived=False)
        read = {
            c.name
            for c in visitors.iterate(scope.whereclause)
            if isinstance(c, Column) and c.table is model.__table__
        }
        index = next(i for i in model.__table__.indexes if i.name == index_name)
        columns = [c.name for c in index.columns]
        assert columns[: len(ordered)] == ordered
        assert read <= set(columns)
        inspected = sa_inspect(db.engine).get_indexes(kind)
        assert next(i for i in inspected if i["name"] == index_name)["column_names"] == columns


@pytest.mark.parametrize("page", ["organisation", "place"])
def test_who_knows_whom_counts_contacts_and_interactions_from_indexes_alone(
    app, world, client_as, count_statements, page
):
    """The count of "who knows whom" reads up to a thousand of an organisation's (or a
    place's) contacts and interactions per kind; each read a row of the table (a look-up apiece:
    15 of the place page's milliseconds at Beijing's at the network's scale). The indexes it
    walks now carry what it reads, so no row of the table is read for the count. (With the
    statistics the portal keeps, as SQLite plans a database without them otherwise.)"""
    from portal.database import refresh_statistics

    with app.app_context():
        refresh_statistics(db.session.connection())
        db.session.commit()
        db.engine.dispose()  # SQLite reads the statistics when a connection opens
    client, _ = client_as("officer", "helsinki")
    with count_statements() as sent:
        assert client.get(world[page]).status_code == 200
    counting = [
        (s, p)
        for s, p in sent.executed
        if s.lstrip().startswith(("SELECT contacts.id", "SELECT interactions.id"))
        and "CASE WHEN" in s
    ]
    assert len(counting) == 2
    tables = ("contacts", "interactions", "interaction_organisations")
    with app.app_context():
        raw = db.session.connection().connection.driver_connection
        for statement, parameters in counting:
            plan = [row[-1] for row in raw.execute("EXPLAIN QUERY PLAN " + statement, parameters)]
            reads = [line for line in plan if re.match(r"SEARCH (%s)\b" % "|".join(tables), line)]  # noqa: UP031
            assert reads, plan
            assert all("COVERING INDEX" in line for line in reads), plan


def test_the_projects_list_walks_its_order_on_postgresql(
    app, client_as, make_record, count_statements
):
    """The projects list's order (newest start first, undated projects last) is read from an
    index on PostgreSQL too (migration 0027): it read ``ix_projects_by_start`` backwards as
    undated first, so it sorted every visible project for a page (8 ms at the network's
    scale). Asked to avoid sorting and scanning where it can, the planner walks the index."""
    from datetime import date

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite walks ix_projects_by_start in this order (its NULLs sort lowest)")
    make_record("project", "helsinki", "network", title="Undated", starts_on=None)
    make_record("project", "espoo", "network", title="Older", starts_on=date(2024, 1, 1))
    make_record("project", "helsinki", "city", title="Newer", starts_on=date(2026, 1, 1))
    client, _ = client_as("officer", "helsinki")
    with count_statements() as sent:
        page = client.get("/projects/").get_data(as_text=True)
    assert page.index("Newer") < page.index("Older") < page.index("Undated")
    ordered = [
        (s, p) for s, p in sent.executed if "ORDER BY projects.starts_on DESC NULLS LAST" in s
    ]
    assert ordered
    with app.app_context():
        connection = db.session.connection()
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        connection.exec_driver_sql("SET LOCAL enable_sort = off")
        for statement, parameters in ordered:
            plan = "\n".join(
                row[0] for row in connection.exec_driver_sql("EXPLAIN " + statement, parameters)
            )
            assert "ix_projects_by_start_desc" in plan and "Sort" not in plan, plan
        db.session.rollback()


def test_the_statistics_count_every_row_and_the_lists_walk_their_order(
    app, client_as, count_statements
):
    """The statistics a search rebuild (or a restore) leaves are the tables' own figures,
    and with them the contacts and interactions lists walk their order. With ANALYZE
    sampling a thousand entries an index, SQLite read only the first city's entries of the
    index by city and took every city to have a thousand rows: at the network's scale it
    then found Helsinki's contacts by city and sorted them all instead of walking the list's
    order (the contacts list 104 ms instead of 13, the interactions list 146 instead of 15)."""
    from sqlalchemy import insert, select

    from portal.database import refresh_statistics
    from portal.models import City, Contact, Interaction

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite's statistics; PostgreSQL samples 30,000 rows a table")
        helsinki, espoo = (
            db.session.scalar(select(City.id).where(City.slug == slug))
            for slug in ("helsinki", "espoo")
        )
        people, meetings = [], []
        for i in range(4_000):
            city = helsinki if i < 2_000 else espoo
            visibility = "network" if i % 3 == 0 else "city"
            people.append(contact_row(city, visibility, f"Name{i % 20:02d}"))
            day = date(2020, 1, 1) + timedelta(days=i % 1_000)
            meetings.append(interaction_row(city, visibility, day, f"Meeting {i}"))
        db.session.execute(insert(Contact), people)
        db.session.execute(insert(Interaction), meetings)
        refresh_statistics(db.session.connection())
        db.session.commit()
        figures = dict(
            db.session.execute(
                text(
                    "SELECT idx, stat FROM sqlite_stat1 "
                    "WHERE idx IN ('ix_contacts_city_id', 'ix_interactions_city_id')"
                )
            ).all()
        )
        db.engine.dispose()  # SQLite reads the statistics when a connection opens
    assert figures == {"ix_contacts_city_id": "4000 2000", "ix_interactions_city_id": "4000 2000"}
    client, _ = client_as("officer", "helsinki")
    for path, table in (("/contacts/", "contacts"), ("/interactions/", "interactions")):
        with count_statements() as sent:
            assert client.get(path).status_code == 200
        page_ids = [
            (s, p) for s, p in sent.executed if s.lstrip().startswith(f"SELECT {table}.id \n")
        ]
        assert page_ids, sent.statements
        with app.app_context():
            raw = db.session.connection().connection.driver_connection
            for statement, parameters in page_ids:
                plan = [
                    row[-1] for row in raw.execute("EXPLAIN QUERY PLAN " + statement, parameters)
                ]
                assert plan == [
                    f"SCAN {table} USING COVERING INDEX ix_{table}_by_"
                    + ("name" if table == "contacts" else "date")
                ], (path, plan)
