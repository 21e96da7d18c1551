"""Trusted time (issue 14): RFC 3161 time-stamp requests and the tokens they brought.

One row per request: what is stamped (a capture, or an export's SHA256SUMS named by the
export folder), the SHA-256 sent, the TSA URL, its status (pending, failed, stamped), how
many attempts were made, when the next is due and the last error; once stamped, the
SHA-256 of the token blob and of its certificate chain blob (both in the library's
`tokens/` blob store), the TSA's time and name.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "timestamps",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column(
            "capture_id", sa.Integer(), sa.ForeignKey("captures.id", ondelete="CASCADE"), nullable=True
        ),
        sa.Column("export_path", sa.Text(), nullable=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("tsa_url", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("next_try_at", sa.String(32), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("token_sha256", sa.String(64), nullable=True),
        sa.Column("chain_sha256", sa.String(64), nullable=True),
        sa.Column("tsa_time", sa.String(32), nullable=True),
        sa.Column("tsa_name", sa.Text(), nullable=True),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("stamped_at", sa.String(32), nullable=True),
    )
    op.create_index("ix_timestamps_capture", "timestamps", ["capture_id"])
    op.create_index("ix_timestamps_status", "timestamps", ["status", "next_try_at"])


def downgrade() -> None:
    op.drop_index("ix_timestamps_status", table_name="timestamps")
    op.drop_index("ix_timestamps_capture", table_name="timestamps")
    op.drop_table("timestamps")
