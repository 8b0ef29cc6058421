"""place exonyms: Finnish and Swedish names of Chinese places where the language has its
own (Peking, Kanton, Nanking)

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-22 22:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("chinese_places") as batch:
        batch.add_column(sa.Column("name_fi", sa.String(120), nullable=False, server_default=""))
        batch.add_column(sa.Column("name_sv", sa.String(120), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("chinese_places") as batch:
        batch.drop_column("name_sv")
        batch.drop_column("name_fi")
