"""Database engine set-up: SQLite pragmas, write transactions that do not deadlock, and the
request's side writes.

SQLite allows one writer at a time. A transaction that starts by reading and only later
writes cannot wait for the lock once another connection has committed in between: it fails
at once with "database is locked" whatever the busy timeout. So a request that may write
(any POST) begins its transaction with ``BEGIN IMMEDIATE``, which takes the write lock up
front and waits for it (``busy_timeout``); reading requests begin a plain deferred
transaction and never block, thanks to WAL. PostgreSQL needs none of this.

One writer per request (DESIGN.md section 5): the few writes a request makes on the side
(marking its session as seen, auditing a denial) never open a second connection that would
wait for the request's own lock. They are queued with :func:`after_request_write` and run
when the request's own work is over, in one short write transaction of their own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import Any, cast

from flask import Flask, g, has_request_context
from sqlalchemy import event, func, literal_column, select
from sqlalchemy.engine import CursorResult, Engine, Result
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import scoped_session

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 15_000
MMAP_BYTES = 1024 * 1024 * 1024
CACHE_KIB = 32 * 1024

# Set per request by create_app(): True for requests that may write.
write_intent: ContextVar[bool] = ContextVar("write_intent", default=False)


# Indexes a migration makes on PostgreSQL only (0027: an order with NULLS LAST, which SQLite
# cannot index and walks in that order without one): the models do not declare them, and the
# comparison of the models with the migrated schema leaves them out.
POSTGRESQL_ONLY_INDEXES = frozenset({"ix_projects_by_start_desc"})


def is_undeclared(name: str | None) -> bool:
    """Whether the migrations make ``name`` without the models declaring it: the full-text
    structures of each database, and the PostgreSQL-only indexes."""
    from portal.search.backends import is_backend_object

    if not name:
        return False
    return is_backend_object(name) or name in POSTGRESQL_ONLY_INDEXES


def configure_engine(engine: Engine, *, random_page_cost: str = "") -> None:
    if engine.dialect.name == "postgresql":
        _configure_postgresql(engine, random_page_cost)
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Take control of BEGIN away from the sqlite3 module (see the begin hook below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        # Read the file through the operating system's page cache (shared by every worker)
        # instead of a read call per page, and keep more pages per connection: at the
        # network's size a page that follows a few thousand rows reads that many pages.
        cursor.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
        cursor.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        immediate = connection.get_execution_options().get("portal_write") or write_intent.get()
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _configure_postgresql(engine: Engine, random_page_cost: str) -> None:
    cost = float(random_page_cost) if random_page_cost else None

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # psycopg prepares a statement on the server once a connection has run it five
        # times, and PostgreSQL then plans it once for any parameters. A search's plan
        # depends on its words (a rare word through the full-text index, a common one by
        # walking the newest documents): planned generically, a common word took 300 ms
        # instead of 60. Every statement is planned for its own parameters.
        dbapi_connection.prepare_threshold = None
        if cost is not None:
            # PostgreSQL's default (4) prices a look-up by index as a spinning disk's seek:
            # a busy organisation's 1,500 interactions were joined by reading all 300,000
            # (75 ms instead of 23). The network's data lives in memory or on SSD.
            autocommit = dbapi_connection.autocommit
            dbapi_connection.autocommit = True
            dbapi_connection.execute(f"SET random_page_cost = {cost}")
            dbapi_connection.autocommit = autocommit


def refresh_statistics(connection) -> None:
    """Let the query planner know the tables' sizes again: ANALYZE (at the end of a search
    rebuild, which a restore and a copy of the database run too).

    On SQLite every entry of every index is read (2 s at the network's scale), not a sample:
    sampling a thousand entries an index (``analysis_limit``) read only the first city's
    entries of an index by city, took every city to have a thousand records, and the
    contacts and interactions lists then sorted all of Helsinki's records for a page
    instead of walking their order (104 and 146 ms cold instead of 13 and 15). PostgreSQL samples
    30,000 rows a table at random, which is what its planner needs."""
    connection.exec_driver_sql("ANALYZE")


# SQLite's statistics are brought up to date when a table holds at least this many rows
# and has none, or has grown to more than STATISTICS_GROWTH times the rows they counted.
STATISTICS_FROM_ROWS = 1_000
STATISTICS_GROWTH = 2


def stale_statistics(connection) -> list[str]:
    """The tables (of the models) whose statistics SQLite's planner lacks or has outgrown;
    always none on PostgreSQL, whose autovacuum analyses a table as it changes.

    SQLite has statistics only where ANALYZE ran, and nothing runs it by itself: a database
    that grew through imports and daily work had none, and its planner then found a city's
    contacts or interactions by city and sorted them all for each page of a list, and a
    search's counts went the long way (at the network's scale, cold: the contacts list 162
    ms instead of 13, the interactions list 137 instead of 15, a rare word 81 instead of 8,
    pinyin 98 instead of 23). A table's size is taken from its largest rowid (a look-up,
    not a count)."""
    from portal.extensions import db

    if connection.dialect.name != "sqlite":
        return []
    counted: dict[str, int] = {}
    made = {
        name
        for (name,) in connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
        )
    }
    if "sqlite_stat1" in made:
        for table, stat in connection.exec_driver_sql("SELECT tbl, stat FROM sqlite_stat1"):
            rows = int((stat or "0").split()[0])
            counted[table] = max(counted.get(table, 0), rows)
    stale = []
    for table in db.metadata.sorted_tables:
        if table.name not in made:  # a database the migrations have not made yet
            continue
        rows = connection.scalar(select(func.max(literal_column("rowid"))).select_from(table)) or 0
        if rows >= STATISTICS_FROM_ROWS and rows > STATISTICS_GROWTH * counted.get(table.name, 0):
            stale.append(table.name)
    return stale


def refresh_stale_statistics(connection) -> list[str]:
    """ANALYZE the tables of ``stale_statistics`` (on SQLite every entry of their indexes:
    half a second for the network's 200,000 contacts); the tables analysed. The caller
    commits. Run when a worker starts (gunicorn.conf.py) and after an import."""
    stale = stale_statistics(connection)
    for table in stale:
        connection.exec_driver_sql(f'ANALYZE "{table}"')
    return stale


def begin_write(session) -> None:
    """From here on the caller writes. For a request that reads first and may take its time
    before it writes (a login verifies a password hash for a good part of a second), so that
    SQLite's write lock is held only for the write itself: the read transaction is ended and
    the next statement begins with ``BEGIN IMMEDIATE``. Objects loaded before are expired and
    reload inside the write transaction, so what the caller decides after this call is
    decided on the latest data. A no-op for requests that write from the start, and on
    PostgreSQL."""
    if write_intent.get():
        return
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("begin_write() after changes: they would be lost")
    plain = session() if isinstance(session, scoped_session) else session
    if plain.in_transaction() and plain.get_bind().dialect.name == "sqlite":
        session.rollback()  # nothing but reads to end
    write_intent.set(True)


def rows_matched(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE matched (the driver's count)."""
    return cast("CursorResult[Any]", result).rowcount or 0


SideWrite = Callable[[], object]


def after_request_write(write: SideWrite) -> None:
    """Run ``write`` (which adds to or changes ``db.session``) once the request's own
    transaction is over, in a write transaction of its own; outside a request, at once in
    the caller's session (the caller commits)."""
    if not has_request_context():
        write()
        return
    pending: list[SideWrite] | None = g.get("_side_writes")
    if pending is None:
        pending = g._side_writes = []
    pending.append(write)


def run_side_writes(db) -> None:
    """Run the queued side writes of the request. The request's own transaction is ended
    first: whatever the view did not commit is discarded, as it would be at teardown."""
    pending: list[SideWrite] = g.pop("_side_writes", None) or []
    if pending:
        # The database gone or locked past the busy timeout: the response the user is
        # getting is still right; the side write (a session's last activity, an audit event
        # of a denial) is reported to the operator instead.
        write_apart(db.session, pending, "side write failed after the request")


def write_apart(session, writes: Iterable[SideWrite], failure: str) -> bool:
    """Run ``writes`` (which add to or change ``session``) in one write transaction of their
    own, after ending the session's transaction, and commit; on SQLite the transaction takes
    the write lock first. For writes the caller goes on without when they cannot be made:
    when the database is gone or stays locked past the busy timeout, nothing is written,
    ``failure`` is logged with the error and the answer is False."""
    session.rollback()
    token = write_intent.set(True)
    try:
        for write in writes:
            write()
        session.commit()
        return True
    except OperationalError:
        session.rollback()
        log.exception(failure)
        return False
    finally:
        write_intent.reset(token)


def init_app(app: Flask, db) -> None:
    @app.after_request
    def _side_writes(response):
        run_side_writes(db)
        return response
