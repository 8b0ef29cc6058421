"""contacts by name with the restriction: the list's index carries restricted_at, which the
scope reads since restriction came (issue 13), so a deep page of the contacts list reads the
index alone again instead of every row before it (issue 18)

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-23 07:45:00

"""
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

BEFORE = ["family_name", "given_name", "name_zh", "id", "city_id", "visibility", "archived_at"]


def upgrade():
    op.drop_index("ix_contacts_by_name", table_name="contacts")
    op.create_index("ix_contacts_by_name", "contacts", [*BEFORE, "restricted_at"])


def downgrade():
    op.drop_index("ix_contacts_by_name", table_name="contacts")
    op.create_index("ix_contacts_by_name", "contacts", BEFORE)
