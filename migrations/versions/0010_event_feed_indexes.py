"""event feed indexes: a feed's window and version from the index alone; the shared
directory by age for the overview

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-22 23:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

SHARED = ("projects", "events", "agreements", "expertise_offers")


def upgrade():
    op.create_index(
        "ix_events_feed",
        "events",
        ["visibility", "ends_on", "starts_on", "archived_at", "city_id", "updated_at"],
    )
    op.create_index("ix_events_changes", "events", ["city_id", "updated_at"])
    op.create_index("ix_events_updated_at", "events", ["updated_at"])
    for table in SHARED:
        op.create_index(
            f"ix_{table}_shared_by_age", table, ["visibility", "archived_at", "created_at"]
        )
    op.create_index(
        "ix_events_shared_by_start", "events", ["visibility", "archived_at", "starts_on"]
    )


def downgrade():
    op.drop_index("ix_events_shared_by_start", table_name="events")
    for table in SHARED:
        op.drop_index(f"ix_{table}_shared_by_age", table_name=table)
    op.drop_index("ix_events_updated_at", table_name="events")
    op.drop_index("ix_events_changes", table_name="events")
    op.drop_index("ix_events_feed", table_name="events")
