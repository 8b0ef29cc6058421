"""search words written at once: on PostgreSQL the words' GIN index takes each document's
words into its trees when it is saved (fastupdate off) instead of into a pending list that
every search reads whole until a vacuum empties it (issue 18: with 5,900 documents written
since the last vacuum, a rare word took 6.5 ms instead of 0.45, a hanzi or pinyin search
10 ms more; see portal.search.backends.GIN_OPTIONS). The list kept so far goes into the
trees now. Nothing changes on SQLite.

Revision ID: 0028
Revises: 0027
Create Date: 2026-11-24 21:00:00

"""

from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER INDEX ix_search_words_words SET (fastupdate = off)")
    op.execute("SELECT gin_clean_pending_list('ix_search_words_words')")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER INDEX ix_search_words_words RESET (fastupdate)")
