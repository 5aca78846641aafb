"""The owner's copy of a plan group (aggregates only), kept for their portfolio when its assessment is deleted.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kept_cycles",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), sa.ForeignKey("teams.id", ondelete="CASCADE"), nullable=False),
        sa.Column("owner_id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("standard", sa.String(200), nullable=False),
        sa.Column("assessment", sa.String(150), nullable=False),
        sa.Column("assessment_on", sa.Date(), nullable=True),
        sa.Column("strategy", sa.Text(), nullable=False),
        sa.Column("tag", sa.String(30), nullable=True),
        sa.Column("students", sa.Integer(), nullable=False),
        sa.Column("before_percent", sa.Float(), nullable=False),
        sa.Column("happens_on", sa.Date(), nullable=True),
        sa.Column("recheck_on", sa.Date(), nullable=True),
        sa.Column("planned_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("measured_at", UTCDateTime(), nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("kept_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("group_id", name="uq_kept_cycles_group"),
    )
    op.create_index("ix_kept_cycles_team_id", "kept_cycles", ["team_id"])
    op.create_index("ix_kept_cycles_owner", "kept_cycles", ["owner_id", "planned_at"])


def downgrade() -> None:
    op.drop_index("ix_kept_cycles_owner", table_name="kept_cycles")
    op.drop_index("ix_kept_cycles_team_id", table_name="kept_cycles")
    op.drop_table("kept_cycles")
