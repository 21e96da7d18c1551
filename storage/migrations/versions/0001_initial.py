"""First schema: merchants, purchases, captures, custody events, settings.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "merchants",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("display_name", sa.Text, nullable=False),
        sa.Column("platform", sa.String(32)),
        sa.Column("account_id", sa.Text),
        sa.Column("phone", sa.Text),
        sa.Column("real_name", sa.Text),
        sa.Column("company", sa.Text),
        sa.Column("credit_code", sa.Text),
        sa.Column("shop_url", sa.Text),
        sa.Column("address", sa.Text),
        sa.Column("notes", sa.Text),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "purchases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("merchant_id", sa.Integer, sa.ForeignKey("merchants.id", ondelete="SET NULL")),
        sa.Column("order_no", sa.Text),
        sa.Column("amount_minor", sa.Integer),
        sa.Column("currency", sa.String(3), nullable=False, server_default="CNY"),
        sa.Column("ordered_at", sa.String(32)),
        sa.Column("status", sa.String(16), nullable=False, server_default="open"),
        sa.Column("notes", sa.Text),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "captures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("purchase_id", sa.Integer, sa.ForeignKey("purchases.id", ondelete="SET NULL")),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("media_type", sa.String(32), nullable=False),
        sa.Column("bytes", sa.Integer, nullable=False),
        sa.Column("width", sa.Integer, nullable=False),
        sa.Column("height", sa.Integer, nullable=False),
        sa.Column("captured_at", sa.String(32), nullable=False),
        sa.Column("utc_offset_min", sa.Integer, nullable=False, server_default="0"),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("source_name", sa.Text),
        sa.Column("screen_geometry", sa.Text),
        sa.Column("note", sa.Text),
        sa.Column("ocr_status", sa.String(16), nullable=False, server_default="pending"),
        sa.Column("ocr_text", sa.Text),
        sa.Column("ocr_engine", sa.String(32)),
        sa.Column("ocr_version", sa.String(32)),
        sa.Column("ocr_languages", sa.String(64)),
        sa.Column("ocr_confidence", sa.Float),
        sa.Column("ocr_words", sa.Text),
        sa.Column("ocr_error", sa.Text),
        sa.Column("ocr_at", sa.String(32)),
        sa.Column("flags", sa.Text),
        sa.Column("deleted_at", sa.String(32)),
    )
    op.create_index("ix_captures_purchase", "captures", ["purchase_id", "captured_at"])
    op.create_index("ix_captures_sha256", "captures", ["sha256"])
    op.create_index("ix_captures_captured_at", "captures", ["captured_at"])
    op.create_index("ix_captures_ocr_status", "captures", ["ocr_status"])
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("capture_id", sa.Integer),
        sa.Column("purchase_id", sa.Integer),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_events_capture", "events", ["capture_id"])
    op.create_index("ix_events_purchase", "events", ["purchase_id"])
    op.create_table(
        "settings",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for table in ("settings", "events", "captures", "purchases", "merchants"):
        op.drop_table(table)
