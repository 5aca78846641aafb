"""Focus and follow-through: focus-keeper settings and labels, reflections, commitments.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("teams") as batch:
        batch.add_column(sa.Column("focus_mode", sa.String(10), nullable=False, server_default="normal"))
        batch.add_column(sa.Column("focus_in_channel", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("focus_cooldown_minutes", sa.Integer(), nullable=False, server_default="10"))
    op.create_table(
        "focus_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.Integer(), sa.ForeignKey("teams.id", ondelete="CASCADE"), nullable=False),
        sa.Column("meeting_id", sa.Integer(), sa.ForeignKey("meetings.id", ondelete="CASCADE"), nullable=True),
        sa.Column("thread_ts", sa.String(32), nullable=False),
        sa.Column("label", sa.String(10), nullable=False),
        sa.Column("question", sa.Integer(), nullable=True),
        sa.Column("nudged", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_focus_events_thread", "focus_events", ["team_id", "thread_ts", "created_at"])
    op.create_index("ix_focus_events_meeting_id", "focus_events", ["meeting_id"])
    op.create_table(
        "reflections",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.Integer(), sa.ForeignKey("teams.id", ondelete="CASCADE"), nullable=False),
        sa.Column("meeting_id", sa.Integer(), sa.ForeignKey("meetings.id", ondelete="SET NULL"), nullable=True),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("prompt", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("message_ts", sa.String(32), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_reflections_team_id", "reflections", ["team_id"])
    op.create_index("ix_reflections_user_id", "reflections", ["user_id"])
    op.create_table(
        "commitments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.Integer(), sa.ForeignKey("teams.id", ondelete="CASCADE"), nullable=False),
        sa.Column("meeting_id", sa.Integer(), sa.ForeignKey("meetings.id", ondelete="SET NULL"), nullable=True),
        sa.Column("owner_id", sa.String(32), nullable=False),
        sa.Column("created_by", sa.String(32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("standard", sa.String(40), nullable=True),
        sa.Column("assessment_id", sa.Integer(), sa.ForeignKey("assessments.id", ondelete="SET NULL"), nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("status_note", sa.Text(), nullable=True),
        sa.Column("postponed", sa.Integer(), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_commitments_team_status", "commitments", ["team_id", "status"])
    op.create_index("ix_commitments_owner_id", "commitments", ["owner_id"])


def downgrade() -> None:
    op.drop_table("commitments")
    op.drop_table("reflections")
    op.drop_table("focus_events")
    with op.batch_alter_table("teams") as batch:
        batch.drop_column("focus_cooldown_minutes")
        batch.drop_column("focus_in_channel")
        batch.drop_column("focus_mode")
