"""projects by start on PostgreSQL: the projects list's default order (newest start first,
undated projects last) as an index PostgreSQL can walk. It reads ``ix_projects_by_start``
backwards as newest first with the undated projects first, so it sorted every visible
project for a page of fifty (issue 18: 8 ms of the list at the network's scale, 0.2 with
this index). SQLite, whose NULLs sort lowest, walks ``ix_projects_by_start`` in that order
already, and cannot make an index with NULLS LAST: the models do not declare this one
(portal.database.POSTGRESQL_ONLY_INDEXES).

Revision ID: 0027
Revises: 0026
Create Date: 2026-11-24 13:15:00

"""

from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE INDEX ix_projects_by_start_desc ON projects "
        "(starts_on DESC NULLS LAST, id DESC) INCLUDE (city_id, visibility, archived_at)"
    )
    op.execute("ANALYZE projects")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_projects_by_start_desc", table_name="projects")
