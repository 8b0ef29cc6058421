"""What differs between the databases: creating the full-text structure, writing a document's
text into it, and the SQL condition that matches a query."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Integer,
    Subquery,
    TextClause,
    any_,
    bindparam,
    column,
    text,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import QueryableAttribute

from portal.search.names import alternatives
from portal.search.text import query_terms

SQLITE_FTS = "search_fts"
# Words of one or two letters match whole words only: as prefixes ("of", "li") they would
# match a good part of the index and find little the user meant.
PREFIX_FROM = 3
# SQLite keeps the documents of every prefix of these lengths, so that a prefix matching a
# common word ("meeting*") is walked like a word instead of merged from every word it
# begins (FTS5 merges all of those before it returns the first match).
PREFIXES = "3 4 5 6 7 8 9 10"


def create_structures(connection: Connection) -> None:
    """Called by the migration: the FTS5 table on SQLite; a generated tsvector column and
    its GIN index on PostgreSQL."""
    if connection.dialect.name == "sqlite":
        connection.execute(
            text(
                "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
                f"body, tokenize = 'unicode61 remove_diacritics 2', prefix = '{PREFIXES}')"
            )
        )
    else:
        connection.execute(
            text(
                "ALTER TABLE search_documents ADD COLUMN IF NOT EXISTS body_tsv tsvector "
                "GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED"
            )
        )
        connection.execute(
            text(
                "CREATE INDEX IF NOT EXISTS ix_search_documents_body_tsv "
                "ON search_documents USING gin (body_tsv)"
            )
        )


def drop_structures(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.execute(text("DROP TABLE IF EXISTS search_fts"))


def is_backend_object(name: str) -> bool:
    """Tables and columns the models do not declare (for the migration comparison)."""
    return name.startswith(SQLITE_FTS) or name in ("body_tsv", "ix_search_documents_body_tsv")


def write_many(connection: Connection, rows: list[tuple[int, str]]) -> None:
    if connection.dialect.name == "sqlite" and rows:
        connection.execute(
            text("INSERT INTO search_fts(rowid, body) VALUES (:id, :body)"),
            [{"id": i, "body": body} for i, body in rows],
        )


def forget(connection: Connection, document_ids: list[int]) -> None:
    if connection.dialect.name == "sqlite" and document_ids:
        connection.execute(
            text("DELETE FROM search_fts WHERE rowid = :id"), [{"id": i} for i in document_ids]
        )


def clear(connection: Connection) -> None:
    """Empty the full-text structure (the rows of search_documents go separately)."""
    if connection.dialect.name == "sqlite":
        connection.execute(text("DELETE FROM search_fts"))


def expression(dialect: str, query: str, groups: Iterable[Iterable[str]] = ()) -> str | None:
    """The full-text query for the words of ``query`` and the marks (portal.search.marks)
    of ``groups``: every word, and in each group at least one of its marks. None when there
    is nothing to search for. Words are built from folded word characters only, so nothing
    the user types reaches the query syntax."""
    latin, chinese, joined = query_terms(query)
    sqlite = dialect == "sqlite"
    parts: list[str] = []
    if latin or chinese:
        # A place's other names stand in for it ("peking" also searches "beijing").
        spelled = [[t, *alternatives(t)] for t in latin]
        if sqlite:
            words = [
                "("
                + " OR ".join(f'"{w}"*' if len(w) >= PREFIX_FROM else f'"{w}"' for w in ws)
                + ")"
                for ws in spelled
            ]
            words += [f'"{c}"' for c in chinese]
            text_part = " AND ".join(words)
            if joined:
                text_part = f'({text_part}) OR "{joined}"*'
        else:
            words = [
                "(" + " | ".join(f"{w}:*" if len(w) >= PREFIX_FROM else w for w in ws) + ")"
                for ws in spelled
            ]
            words += list(chinese)
            text_part = " & ".join(words)
            if joined:
                text_part = f"({text_part}) | {joined}:*"
        parts.append(f"({text_part})")
    for group in groups:
        marks = [f'"{m}"' if sqlite else m for m in group]
        parts.append("(" + (" OR " if sqlite else " | ").join(marks) + ")")
    if not parts:
        return None
    return (" AND " if sqlite else " & ").join(parts)


def matching(dialect: str, expression: str) -> TextClause:
    """A condition on search_documents.id: the documents matching ``expression``."""
    if dialect == "sqlite":
        return text(
            "search_documents.id IN "
            "(SELECT rowid FROM search_fts WHERE search_fts MATCH :fts_query)"
        ).bindparams(fts_query=expression)
    return text("search_documents.body_tsv @@ to_tsquery('simple', :ts_query)").bindparams(
        ts_query=expression
    )


def newest(dialect: str, expression: str, *, limit: int, offset: int = 0) -> Subquery:
    """The ids (column ``id``) of the newest documents matching ``expression``, at most
    ``limit`` from ``offset``. The engine walks its matches from the newest and stops at
    the limit (SQLite's FTS5 in rowid order; PostgreSQL by the primary key or the GIN
    index, whichever its planner finds cheaper)."""
    if dialect == "sqlite":
        stmt = text(
            "SELECT rowid AS id FROM search_fts WHERE search_fts MATCH :fts_query "
            "ORDER BY rowid DESC LIMIT :limit OFFSET :offset"
        ).bindparams(fts_query=expression, limit=limit, offset=offset)
    else:
        stmt = text(
            "SELECT id FROM search_documents WHERE body_tsv @@ to_tsquery('simple', :ts_query) "
            "ORDER BY id DESC LIMIT :limit OFFSET :offset"
        ).bindparams(ts_query=expression, limit=limit, offset=offset)
    return stmt.columns(column("id", Integer)).subquery()


def among(
    dialect: str, id_column: ColumnElement[int] | QueryableAttribute[int], ids: list[int]
) -> ColumnElement[bool]:
    """``id_column IN ids`` for the ids an engine's walk returned (up to thousands): one
    array parameter on PostgreSQL, where a parameter apiece costs more to send and to plan
    than the look-ups themselves."""
    if dialect == "postgresql":
        return id_column == any_(bindparam(None, ids, type_=ARRAY(Integer)))
    return id_column.in_(ids)
