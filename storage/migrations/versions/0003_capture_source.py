"""Where a capture came from: the window (application, title, class), the output, the
rectangle in desktop coordinates and the grab backend, each NULL when not recorded.

Existing captures keep NULL in every new column: their source was never recorded and is
not guessed. The search index includes a capture's window title and application from
now on; the library rebuilds it at open (storage.search.INDEX_FORMAT 3).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-10
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_COLUMNS = ("source_app", "source_title", "source_class", "source_output", "source_rect", "source_backend")


def upgrade() -> None:
    with op.batch_alter_table("captures") as batch:
        for name in _COLUMNS:
            batch.add_column(sa.Column(name, sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("captures") as batch:
        for name in reversed(_COLUMNS):
            batch.drop_column(name)
