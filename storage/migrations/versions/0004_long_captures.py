"""Long (scrolling) captures: the frames each one was stitched from, and its recipe.

A long capture is one row in `captures` (its blob is the long image, derived); its frames
are originals, each its own blob, listed in `capture_frames` in the recipe's order
(position 0 first) with the SHA-256 of the frame's PNG, its size in bytes and pixels, and
where its row 0 lies in the long image (`y`). The recipe (storage.stitched.Recipe, stable
JSON) is kept with the capture in `captures.recipe`; `captures.frame_count` says how many
frames it has. Existing captures keep NULL in both: they are not long captures.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("captures") as batch:
        batch.add_column(sa.Column("recipe", sa.Text(), nullable=True))
        batch.add_column(sa.Column("frame_count", sa.Integer(), nullable=True))
    op.create_table(
        "capture_frames",
        sa.Column(
            "capture_id", sa.Integer(), sa.ForeignKey("captures.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("bytes", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("y", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("capture_id", "position"),
    )
    op.create_index("ix_capture_frames_sha256", "capture_frames", ["sha256"])


def downgrade() -> None:
    op.drop_index("ix_capture_frames_sha256", table_name="capture_frames")
    op.drop_table("capture_frames")
    with op.batch_alter_table("captures") as batch:
        batch.drop_column("frame_count")
        batch.drop_column("recipe")
