"""agreement follow-ups: reviews, evaluations and end-of-term decisions recorded as done
(issue 14)

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-23 02:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('agreements') as batch:
        batch.add_column(
            sa.Column('expiry_decision', sa.String(length=30), nullable=False, server_default='')
        )
    op.create_table(
        'agreement_follow_ups',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agreement_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('done_on', sa.Date(), nullable=False),
        sa.Column('outcome', sa.String(length=30), nullable=False),
        sa.Column('notes', sa.Text(), nullable=False),
        sa.Column('next_on', sa.Date(), nullable=True),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('review','evaluation','expiry')", name=op.f('ck_agreement_follow_ups_kind')
        ),
        sa.ForeignKeyConstraint(
            ['agreement_id'], ['agreements.id'],
            name=op.f('fk_agreement_follow_ups_agreement_id_agreements'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['recorded_by_id'], ['users.id'],
            name=op.f('fk_agreement_follow_ups_recorded_by_id_users'), ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_follow_ups')),
    )
    op.create_index(
        'ix_agreement_follow_ups_agreement_id', 'agreement_follow_ups', ['agreement_id']
    )


def downgrade():
    op.drop_index('ix_agreement_follow_ups_agreement_id', table_name='agreement_follow_ups')
    op.drop_table('agreement_follow_ups')
    with op.batch_alter_table('agreements') as batch:
        batch.drop_column('expiry_decision')
