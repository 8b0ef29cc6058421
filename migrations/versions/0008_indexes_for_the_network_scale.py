"""indexes for the network's scale: each kind's scope (visibility, archive, city), the lists'
orders of contacts and interactions

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 21:30:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

SCOPED = ("contacts", "interactions", "projects", "events", "agreements", "expertise_offers")


def upgrade():
    for table in SCOPED:
        op.create_index(f"ix_{table}_scope", table, ["visibility", "archived_at", "city_id"])
    op.create_index(
        "ix_contacts_by_name",
        "contacts",
        ["family_name", "given_name", "name_zh", "id", "city_id", "visibility", "archived_at"],
    )
    op.create_index(
        "ix_interactions_by_date",
        "interactions",
        ["occurred_on", "id", "city_id", "visibility", "archived_at"],
    )
    # The planner's statistics, so that it knows which index narrows what (PostgreSQL's
    # autovacuum keeps them up to date afterwards; on SQLite, `flask maintain` does).
    op.execute("ANALYZE")


def downgrade():
    op.drop_index("ix_interactions_by_date", table_name="interactions")
    op.drop_index("ix_contacts_by_name", table_name="contacts")
    for table in SCOPED:
        op.drop_index(f"ix_{table}_scope", table_name=table)
