"""Database engine set-up: SQLite pragmas and write transactions that do not deadlock.

SQLite allows one writer at a time. A transaction that starts by reading and only later
writes cannot wait for the lock once another connection has committed in between: it fails
at once with "database is locked" whatever the busy timeout. So a request that may write
(any POST) begins its transaction with ``BEGIN IMMEDIATE``, which takes the write lock up
front and waits for it (``busy_timeout``); reading requests begin a plain deferred
transaction and never block, thanks to WAL. PostgreSQL needs none of this.
"""

from __future__ import annotations

from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.engine import Engine

BUSY_TIMEOUT_MS = 15_000

# Set per request by create_app(): True for requests that may write.
write_intent: ContextVar[bool] = ContextVar("write_intent", default=False)


def configure_engine(engine: Engine) -> None:
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
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        immediate = connection.get_execution_options().get("portal_write") or write_intent.get()
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def write_connection(engine: Engine):
    """A separate connection whose transaction is a write transaction from its start.

    For the few writes a reading request makes on the side (marking a session as seen).
    """
    return engine.connect().execution_options(portal_write=True)
