"""Documents: PDF, OFD, XML e-invoices and e-mails kept as captures.

A document is a row of `captures` like an image (same blob store, SHA-256, custody log and
search), with its kind (`doc_kind`: "pdf", "ofd", "xml", "email"), its number of pages
(`page_count`), its details (`doc_info`, JSON: an e-mail's headers and attachments, a PDF's
page sizes...), why it cannot be read when it cannot (`doc_problem`, e.g. a password-protected
PDF, kept as it is), the invoice facts read from it (`facts`, JSON) and, for a file filed from
an e-mail, the e-mail's capture id (`parent_id`, indexed). Existing captures are images and
keep NULL in all of them.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("captures") as batch:
        batch.add_column(sa.Column("doc_kind", sa.String(16), nullable=True))
        batch.add_column(sa.Column("page_count", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("doc_info", sa.Text(), nullable=True))
        batch.add_column(sa.Column("doc_problem", sa.Text(), nullable=True))
        batch.add_column(sa.Column("facts", sa.Text(), nullable=True))
        batch.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
    op.create_index("ix_captures_parent", "captures", ["parent_id"])


def downgrade() -> None:
    op.drop_index("ix_captures_parent", table_name="captures")
    with op.batch_alter_table("captures") as batch:
        batch.drop_column("parent_id")
        batch.drop_column("facts")
        batch.drop_column("doc_problem")
        batch.drop_column("doc_info")
        batch.drop_column("page_count")
        batch.drop_column("doc_kind")
