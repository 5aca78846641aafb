"""Action plans by standard, their measured results, and the workspace's library of what worked.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("teams") as batch:
        batch.add_column(sa.Column("share_strategies", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.create_table(
        "action_plans",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.Integer(), sa.ForeignKey("teams.id", ondelete="CASCADE"), nullable=False),
        sa.Column("assessment_id", sa.Integer(), sa.ForeignKey("assessments.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("created_by", sa.String(32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("assessment_id", name="uq_action_plans_assessment"),
    )
    op.create_index("ix_action_plans_team_id", "action_plans", ["team_id"])
    op.create_table(
        "plan_groups",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("plan_id", sa.Integer(), sa.ForeignKey("action_plans.id", ondelete="CASCADE"), nullable=False),
        sa.Column("team_id", sa.Integer(), sa.ForeignKey("teams.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("standard", sa.String(200), nullable=False),
        sa.Column("owner_id", sa.String(32), nullable=False),
        sa.Column("strategy", sa.Text(), nullable=False),
        sa.Column("tag", sa.String(30), nullable=True),
        sa.Column("happens_on", sa.Date(), nullable=True),
        sa.Column("recheck_on", sa.Date(), nullable=True),
        sa.Column("commitment_id", sa.Integer(), sa.ForeignKey("commitments.id", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("students", sa.Integer(), nullable=False),
        sa.Column("before_percent", sa.Float(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("measured_assessment_id", sa.Integer(), sa.ForeignKey("assessments.id", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("measured_at", UTCDateTime(), nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_plan_groups_plan_id", "plan_groups", ["plan_id"])
    op.create_index("ix_plan_groups_team_status", "plan_groups", ["team_id", "status"])
    op.create_table(
        "plan_group_students",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("group_id", sa.Integer(), sa.ForeignKey("plan_groups.id", ondelete="CASCADE"), nullable=False),
        sa.Column("student", sa.Text(), nullable=False),
        sa.Column("teacher_id", sa.String(32), nullable=False),
        sa.Column("before_percent", sa.Float(), nullable=False),
        sa.Column("after_percent", sa.Float(), nullable=True),
    )
    op.create_index("ix_plan_group_students_group_id", "plan_group_students", ["group_id"])
    op.create_table(
        "strategy_entries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("workspace_id", sa.String(32), nullable=False),
        sa.Column("team_id", sa.Integer(), sa.ForeignKey("teams.id", ondelete="CASCADE"), nullable=False),
        sa.Column("group_id", sa.Integer(), sa.ForeignKey("plan_groups.id", ondelete="SET NULL"), nullable=True),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("standard", sa.String(200), nullable=False),
        sa.Column("grade_band", sa.String(50), nullable=False),
        sa.Column("subject", sa.String(150), nullable=False),
        sa.Column("strategy", sa.Text(), nullable=False),
        sa.Column("tag", sa.String(30), nullable=True),
        sa.Column("students", sa.Integer(), nullable=False),
        sa.Column("crossed", sa.Integer(), nullable=False),
        sa.Column("change", sa.Float(), nullable=False),
        sa.Column("others", sa.Integer(), nullable=False),
        sa.Column("others_change", sa.Float(), nullable=True),
        sa.Column("line", sa.Float(), nullable=False),
        sa.Column("team_name", sa.String(150), nullable=False),
        sa.Column("owner_id", sa.String(32), nullable=True),
        sa.Column("measured_on", sa.Date(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("group_id"),
    )
    op.create_index("ix_strategy_entries_workspace", "strategy_entries", ["workspace_id", "created_at"])
    op.create_index("ix_strategy_entries_team_id", "strategy_entries", ["team_id"])


def downgrade() -> None:
    op.drop_table("strategy_entries")
    op.drop_table("plan_group_students")
    op.drop_table("plan_groups")
    op.drop_table("action_plans")
    with op.batch_alter_table("teams") as batch:
        batch.drop_column("share_strategies")
