"""reminders: how often each person wants them, the themes they follow, the runs already
made (so a second run sends nothing twice), and an HTML part for mails (issue 14)

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-23 02:20:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch:
        batch.add_column(
            sa.Column(
                'reminder_frequency', sa.String(length=10), nullable=False,
                server_default='weekly',
            )
        )
    # SQLite cannot add a CHECK to a table without copying it (and batch mode would drop the
    # table's other CHECKs on the way); the service refuses other values there.
    if op.get_bind().dialect.name != 'sqlite':
        op.create_check_constraint(
            op.f('ck_users_reminder_frequency'), 'users',
            "reminder_frequency IN ('daily','weekly','never')",
        )
    with op.batch_alter_table('mail_outbox') as batch:
        batch.add_column(sa.Column('html', sa.Text(), nullable=False, server_default=''))
    op.create_table(
        'user_themes',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('theme_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_user_themes_user_id_users'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['theme_id'], ['themes.id'], name=op.f('fk_user_themes_theme_id_themes'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('user_id', 'theme_id', name=op.f('pk_user_themes')),
    )
    op.create_table(
        'reminder_runs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('period', sa.String(length=12), nullable=False),
        sa.Column('items', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_reminder_runs_user_id_users'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_runs')),
        sa.UniqueConstraint('user_id', 'period', name='uq_reminder_runs_user_period'),
    )


def downgrade():
    op.drop_table('reminder_runs')
    op.drop_table('user_themes')
    with op.batch_alter_table('mail_outbox') as batch:
        batch.drop_column('html')
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(op.f('ck_users_reminder_frequency'), 'users', type_='check')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('reminder_frequency')
