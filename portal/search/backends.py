"""What differs between the databases: creating the full-text structure (SQLite's FTS5 table,
PostgreSQL's table of words), writing a document's text into it, the records matching a
query, and how the newest matches are found."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Integer,
    Subquery,
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
POSTGRES_WORDS = "search_words"
# Words of one or two letters match whole words only: as prefixes ("of", "li") they would
# match a good part of the index and find little the user meant.
PREFIX_FROM = 3
# SQLite keeps the documents of every prefix of these lengths, so that a prefix matching a
# common word ("meeting*") is walked like a word instead of merged from every word it
# begins (FTS5 merges all of those before it returns the first match).
PREFIXES = "3 4 5 6 7 8 9 10"


# The words' GIN index takes each write into its trees at once. By default (fastupdate) it
# keeps new entries in a pending list, unsorted, until a vacuum or an analyze (after some
# 60,000 changed documents at the network's scale) or until the list reaches 4 MB, and every
# search reads the whole list: with 5,900 documents written since, a rare word took 6.5 ms
# instead of 0.45 and a hanzi or pinyin search 10 ms more, so search slowed down all day with
# the network's writes. Written at once, a document costs 0.4 ms more to save (0.76 against
# 0.34 p50) and a rebuild's chunk the same (0.6-0.8 ms a document either way).
GIN_OPTIONS = "fastupdate = off"


def create_structures(connection: Connection) -> None:
    """Called by the migrations: the FTS5 table on SQLite; on PostgreSQL a table of each
    document's words (a tsvector) with a GIN index.

    PostgreSQL's words are a narrow table of their own, not a column of search_documents, for
    the walk of a common word's newest matches (see ``newest_ids``): it reads the words of every
    document it passes, and passing 75,000 documents read 18,000 pages of the wide table
    (titles, summaries and the text) but 2,400 of this one (128 -> 28 ms at full scale). It is
    what SQLite's FTS5 table already is: the text's index beside the documents."""
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
                "CREATE TABLE IF NOT EXISTS search_words ("
                "id integer PRIMARY KEY REFERENCES search_documents (id) ON DELETE CASCADE, "
                "kind varchar(20) NOT NULL, record_id integer NOT NULL, words tsvector NOT NULL)"
            )
        )
        connection.execute(
            text(
                "CREATE INDEX IF NOT EXISTS ix_search_words_words ON search_words "
                f"USING gin (words) WITH ({GIN_OPTIONS})"
            )
        )


def drop_structures(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.execute(text("DROP TABLE IF EXISTS search_fts"))
    else:
        connection.execute(text("DROP TABLE IF EXISTS search_words"))


def is_backend_object(name: str) -> bool:
    """Tables and indexes the models do not declare (for the migration comparison)."""
    return name.startswith((SQLITE_FTS, POSTGRES_WORDS, "ix_search_words"))


def write_many(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """Write the words of documents: each row's ``id``, ``kind``, ``record_id`` and ``body``."""
    if not rows:
        return
    if connection.dialect.name == "sqlite":
        statement = "INSERT INTO search_fts(rowid, body) VALUES (:id, :body)"
    else:
        statement = (
            "INSERT INTO search_words (id, kind, record_id, words) "
            "VALUES (:id, :kind, :record_id, to_tsvector('simple', :body))"
        )
    connection.execute(text(statement), rows)


def forget(connection: Connection, document_ids: list[int]) -> None:
    if not document_ids:
        return
    if connection.dialect.name == "sqlite":
        statement = "DELETE FROM search_fts WHERE rowid = :id"
    else:
        statement = "DELETE FROM search_words WHERE id = :id"
    connection.execute(text(statement), [{"id": i} for i in document_ids])


def clear(connection: Connection) -> None:
    """Empty the full-text structure (the rows of search_documents go separately)."""
    sqlite = connection.dialect.name == "sqlite"
    connection.execute(text("DELETE FROM search_fts" if sqlite else "DELETE FROM search_words"))


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


def records_matching(dialect: str, kind: str, expression: str) -> Subquery:
    """The ids (column ``record_id``) of the records of ``kind`` whose documents match
    ``expression``."""
    if dialect == "sqlite":
        stmt = text(
            "SELECT record_id FROM search_documents WHERE kind = :search_kind AND id IN "
            "(SELECT rowid FROM search_fts WHERE search_fts MATCH :search_query)"
        )
    else:  # the words' table has the record: no look-up of each match in the documents
        stmt = text(
            "SELECT record_id FROM search_words "
            "WHERE kind = :search_kind AND words @@ to_tsquery('simple', :search_query)"
        )
    stmt = stmt.bindparams(search_kind=kind, search_query=expression)
    return stmt.columns(column("record_id", Integer)).subquery()


# PostgreSQL: how the newest matches of a query are found (see ``newest_ids``). GIN gives
# every match, each looked up in the table; the walk of the primary key reads documents
# newest first and stops at the limit. A walk passes a document in a tenth of the time a
# match costs through GIN (0.37 against 3.7 us at full scale).
GIN_UP_TO = 10_000  # matches the planner expects: at most this many, GIN
WALK_PER_MATCH = 10  # past it, a walk of at most this many documents per expected match


def newest_ids(session, expression: str, *, limit: int, offset: int = 0) -> list[int]:
    """The ids of the newest documents matching ``expression``, newest first, at most
    ``limit`` from ``offset``.

    SQLite's FTS5 walks its matches in rowid order and stops at the limit. On PostgreSQL
    neither way is right for every word, and its planner, which takes matches to be spread
    evenly, picked the walk for a word whose 9,000 matches were all among the oldest
    documents (it passed 176,000 documents: 165 ms, where GIN took 35). So: GIN when few
    matches are expected; otherwise a walk of at most WALK_PER_MATCH documents per expected
    match (as long as GIN would take), and GIN if the walk did not find enough. A common
    word ('meeting', 110,000 matches) is then a walk of 28 ms, and no word costs more than
    twice the better way."""
    params = {"q": expression, "limit": limit, "offset": offset}

    def ids(statement: str, **more: int) -> list[int]:
        return list(session.scalars(text(statement), {**params, **more}).all())

    if session.get_bind().dialect.name == "sqlite":
        return ids(
            "SELECT rowid FROM search_fts WHERE search_fts MATCH :q "
            "ORDER BY rowid DESC LIMIT :limit OFFSET :offset"
        )
    expected = _expected_matches(session, expression)
    if expected > GIN_UP_TO:
        walked = ids(
            "SELECT id FROM (SELECT id, words FROM search_words ORDER BY id DESC LIMIT :walk) "
            "AS newest WHERE words @@ to_tsquery('simple', :q) "
            "ORDER BY id DESC LIMIT :limit OFFSET :offset",
            walk=expected * WALK_PER_MATCH,
        )
        if len(walked) == limit:
            return walked
    # "id + 0": an order the primary key cannot give, so that the planner takes GIN.
    return ids(
        "SELECT id FROM search_words WHERE words @@ to_tsquery('simple', :q) "
        "ORDER BY id + 0 DESC LIMIT :limit OFFSET :offset"
    )


def _expected_matches(session, expression: str) -> int:
    """How many documents PostgreSQL's planner expects to match ``expression`` (from the
    statistics of the words: a plan, not a count)."""
    plan = session.scalar(
        text(
            "EXPLAIN (FORMAT JSON) "
            "SELECT id FROM search_words WHERE words @@ to_tsquery('simple', :q)"
        ),
        {"q": expression},
    )
    return int(plan[0]["Plan"]["Plan Rows"])


def among(
    dialect: str, id_column: ColumnElement[int] | QueryableAttribute[int], ids: list[int]
) -> ColumnElement[bool]:
    """``id_column IN ids`` for the ids an engine's walk returned (up to thousands): one
    array parameter on PostgreSQL, where a parameter apiece costs more to send and to plan
    than the look-ups themselves."""
    if dialect == "postgresql":
        return id_column == any_(bindparam(None, ids, type_=ARRAY(Integer)))
    return id_column.in_(ids)
