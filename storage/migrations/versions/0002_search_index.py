"""Search index: normalised documents and two FTS5 tables (trigram and per-character).

The tables start empty; the library notices that its search index is not built for
the current normaliser and rebuilds it from the captures at open (storage.library).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE TABLE search_doc (capture_id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
    op.execute("CREATE VIRTUAL TABLE fts_tri USING fts5(body, content='', tokenize='trigram')")
    op.execute(
        "CREATE VIRTUAL TABLE fts_char USING fts5(body, content='', tokenize='ascii')"
    )
    op.execute("DELETE FROM settings WHERE key = 'search_normalizer'")


def downgrade() -> None:
    op.execute("DROP TABLE fts_char")
    op.execute("DROP TABLE fts_tri")
    op.execute("DROP TABLE search_doc")
