"""search index parts: a state token per kind of record and city, changed with every write to
the index of that city's records of that kind, so that what is computed from one city's
records of one kind (the network overview's shares) is computed again only for the part a
write changed (issue 18: the overview counted every shared record of the network after any
write anywhere); and the shared directory's records by city and age, so that one city's
share is counted from an index.

Revision ID: 0026
Revises: 0025
Create Date: 2026-11-24 07:00:00

"""

from alembic import op
import sqlalchemy as sa

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


SHARED = ("projects", "events", "agreements", "expertise_offers")


BY_CITY = ["visibility", "archived_at", "city_id"]


def upgrade():
    for table in SHARED:
        op.create_index(f"ix_{table}_shared_by_city", table, [*BY_CITY, "created_at"])
        op.drop_index(f"ix_{table}_shared_by_age", table_name=table)
    op.create_index("ix_events_shared_by_city_start", "events", [*BY_CITY, "starts_on"])
    op.drop_index("ix_events_shared_by_start", table_name="events")
    # What the new indexes narrow, for the planner (without it SQLite took the new index of
    # starts for the overview's upcoming events, 24 ms where the feed's index takes 1).
    for table in SHARED:
        op.execute(f"ANALYZE {table}")
    op.create_table(
        "search_index_parts",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("city_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("kind", "city_id", name=op.f("pk_search_index_parts")),
    )
    # A token for every part that has records already, so that their values may be kept
    # from the start (a part without a row counts as changed by any write). Unlike the random
    # tokens of later writes, never one a write gives.
    op.execute(
        "INSERT INTO search_index_parts (kind, city_id, token) "
        "SELECT kind, city_id, kind || '.' || city_id || '.0026' FROM search_documents "
        "WHERE city_id IS NOT NULL GROUP BY kind, city_id"
    )


def downgrade():
    op.drop_table("search_index_parts")
    op.create_index(
        "ix_events_shared_by_start", "events", ["visibility", "archived_at", "starts_on"]
    )
    op.drop_index("ix_events_shared_by_city_start", table_name="events")
    for table in SHARED:
        op.create_index(
            f"ix_{table}_shared_by_age", table, ["visibility", "archived_at", "created_at"]
        )
        op.drop_index(f"ix_{table}_shared_by_city", table_name=table)
