"""scope indexes carry the id on PostgreSQL: the overview's counts by theme join the shared
records' ids from the index alone (SQLite's indexes carry the rowid already) (issue 18)

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-23 12:00:00

"""
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

TABLES = ["contacts", "interactions", "projects", "events", "agreements", "expertise_offers"]
COLUMNS = ["visibility", "archived_at", "city_id"]


def _recreate(include: list[str]) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.drop_index(f"ix_{table}_scope", table_name=table)
        op.create_index(f"ix_{table}_scope", table, COLUMNS, postgresql_include=include)


def upgrade():
    _recreate(["id"])


def downgrade():
    _recreate([])
