"""events by Chinese place: a place's page finds the events held there without reading
every event (issue 18)

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-23 01:40:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_events_place_china_id", "events", ["place_china_id"])


def downgrade():
    op.drop_index("ix_events_place_china_id", table_name="events")
