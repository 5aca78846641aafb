"""Assessment policy: per-team thresholds and retention, what an assessment covers, the team's goal.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("teams") as batch:
        batch.add_column(sa.Column("intervention_below", sa.Float(), nullable=False, server_default="70"))
        batch.add_column(sa.Column("extension_from", sa.Float(), nullable=False, server_default="90"))
        batch.add_column(sa.Column("retention_days", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("school_year_end", sa.String(5), nullable=False, server_default="06-30"))
    with op.batch_alter_table("assessments") as batch:
        batch.add_column(sa.Column("covers", sa.String(200), nullable=True))
    op.create_table(
        "team_goals",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.Integer(), sa.ForeignKey("teams.id", ondelete="CASCADE"), nullable=False,
                  unique=True),
        sa.Column("standards", sa.Text(), nullable=False),
        sa.Column("target_percent", sa.Float(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("set_by", sa.String(32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("team_goals")
    with op.batch_alter_table("assessments") as batch:
        batch.drop_column("covers")
    with op.batch_alter_table("teams") as batch:
        batch.drop_column("school_year_end")
        batch.drop_column("retention_days")
        batch.drop_column("extension_from")
        batch.drop_column("intervention_below")
