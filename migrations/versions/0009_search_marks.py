"""search marks: each document's text carries who it is for and its facet values, so the
full-text engine keeps to them while it matches; SQLite indexes prefixes of 3-10 letters

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22 22:30:00

"""
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

from portal.search import backends, marks

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

CHUNK = 5000


def _documents(connection, after: int):
    return connection.execute(
        sa.text(
            "SELECT id, kind, city_id, visibility, archived, place_id, year, status, body "
            "FROM search_documents WHERE id > :after ORDER BY id LIMIT :n"
        ),
        {"after": after, "n": CHUNK},
    ).all()


def _links(connection, table: str, column: str, ids: list[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = defaultdict(list)
    rows = connection.execute(
        sa.text(f"SELECT document_id, {column} FROM {table} WHERE document_id IN :ids").bindparams(
            sa.bindparam("ids", expanding=True)
        ),
        {"ids": ids},
    )
    for document_id, value in rows:
        found[document_id].append(value)
    return found


def _unmarked(body: str) -> str:
    return " ".join(w for w in body.split() if not w.startswith(marks.MARK))


def _rewrite(connection, *, add_marks: bool) -> None:
    """Write every document's text again, with or without its marks, into the table and
    (on SQLite) the full-text structure, a chunk at a time."""
    sqlite = connection.dialect.name == "sqlite"
    after = 0
    while rows := _documents(connection, after):
        ids = [r.id for r in rows]
        themes = _links(connection, "search_document_themes", "theme_id", ids)
        partners = _links(connection, "search_document_partners", "city_id", ids)
        updates = []
        for r in rows:
            body = _unmarked(r.body)
            if add_marks:
                body = marks.marked(
                    body,
                    marks.of_document(
                        kind_=r.kind,
                        city_id=r.city_id,
                        visibility=r.visibility,
                        archived=bool(r.archived),
                        partner_ids=partners.get(r.id, []),
                        theme_ids=themes.get(r.id, []),
                        place_id=r.place_id,
                        year_=r.year,
                        status_=r.status or "",
                    ),
                )
            updates.append({"id": r.id, "body": body})
        connection.execute(
            sa.text("UPDATE search_documents SET body = :body WHERE id = :id"), updates
        )
        if sqlite:
            connection.execute(
                sa.text("INSERT INTO search_fts(rowid, body) VALUES (:id, :body)"), updates
            )
        after = ids[-1]


def upgrade():
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        backends.drop_structures(connection)
        backends.create_structures(connection)  # now with the prefix indexes
    _rewrite(connection, add_marks=True)


def downgrade():
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        backends.drop_structures(connection)
        connection.execute(
            sa.text(
                "CREATE VIRTUAL TABLE search_fts USING fts5("
                "body, tokenize = 'unicode61 remove_diacritics 2')"
            )
        )
    _rewrite(connection, add_marks=False)
