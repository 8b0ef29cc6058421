"""What differs between the databases: creating the full-text structure, writing a document's
text into it, and the SQL condition that matches a query."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

from portal.search.text import query_terms

SQLITE_FTS = "search_fts"
# Words of one or two letters match whole words only: as prefixes ("of", "li") they would
# match a good part of the index and find little the user meant.
PREFIX_FROM = 3


def create_structures(connection: Connection) -> None:
    """Called by the migration: the FTS5 table on SQLite; a generated tsvector column and
    its GIN index on PostgreSQL."""
    if connection.dialect.name == "sqlite":
        connection.execute(
            text(
                "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
                "body, tokenize = 'unicode61 remove_diacritics 2')"
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


def write(connection: Connection, document_id: int, body: str) -> None:
    if connection.dialect.name == "sqlite":
        connection.execute(
            text("INSERT INTO search_fts(rowid, body) VALUES (:id, :body)"),
            {"id": document_id, "body": body},
        )
    # PostgreSQL computes body_tsv itself.


def write_many(connection: Connection, rows: list[tuple[int, str]]) -> None:
    if connection.dialect.name == "sqlite" and rows:
        connection.execute(
            text("INSERT INTO search_fts(rowid, body) VALUES (:id, :body)"),
            [{"id": i, "body": body} for i, body in rows],
        )


def forget(connection: Connection, document_ids: list[int]) -> None:
    if connection.dialect.name == "sqlite" and document_ids:
        for document_id in document_ids:
            connection.execute(
                text("DELETE FROM search_fts WHERE rowid = :id"), {"id": document_id}
            )


def clear(connection: Connection) -> None:
    """Empty the full-text structure (the rows of search_documents go separately)."""
    if connection.dialect.name == "sqlite":
        connection.execute(text("DELETE FROM search_fts"))


def match_condition(dialect: str, query: str):
    """A SQL condition on search_documents.id that is true for the documents matching the
    query, or None when the query has nothing to search for. Terms are built from folded
    word characters only, so nothing the user types reaches the query syntax."""
    latin, chinese, joined = query_terms(query)
    if not latin and not chinese:
        return None
    if dialect == "sqlite":
        parts = [f'"{t}"*' if len(t) >= PREFIX_FROM else f'"{t}"' for t in latin] + [
            f'"{c}"' for c in chinese
        ]
        expression = " AND ".join(parts)
        if joined:
            expression = f'({expression}) OR "{joined}"*'
        return text(
            "search_documents.id IN "
            "(SELECT rowid FROM search_fts WHERE search_fts MATCH :fts_query)"
        ).bindparams(fts_query=expression)
    parts = [f"{t}:*" if len(t) >= PREFIX_FROM else t for t in latin] + list(chinese)
    expression = " & ".join(parts)
    if joined:
        expression = f"({expression}) | {joined}:*"
    return text("search_documents.body_tsv @@ to_tsquery('simple', :ts_query)").bindparams(
        ts_query=expression
    )
