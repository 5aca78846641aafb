"""Meetings: schedules, meetings, agenda entries, notes, parking lot, the scheduler's outbox.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("teams") as batch:
        batch.add_column(sa.Column("default_protocol", sa.String(40), nullable=False, server_default="data_review"))
        batch.add_column(sa.Column("role_rotation", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("role_overrides", sa.Text(), nullable=False, server_default="{}"))

    op.create_table(
        "meeting_schedules",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.Integer(), sa.ForeignKey("teams.id", ondelete="CASCADE"), nullable=False,
                  unique=True),
        sa.Column("weekdays", sa.String(20), nullable=False),
        sa.Column("start_time", sa.String(5), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("recurrence", sa.String(20), nullable=False),
        sa.Column("monthly_week", sa.Integer(), nullable=True),
        sa.Column("first_date", sa.Date(), nullable=False),
        sa.Column("last_date", sa.Date(), nullable=True),
        sa.Column("skip_dates", sa.Text(), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.String(32), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_meeting_schedules_updated_at", "meeting_schedules", ["updated_at"])
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.Integer(), sa.ForeignKey("teams.id", ondelete="CASCADE"), nullable=False),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("protocol", sa.String(40), nullable=True),
        sa.Column("roles", sa.Text(), nullable=False),
        sa.Column("agenda", sa.Text(), nullable=False),
        sa.Column("current_item", sa.Integer(), nullable=False),
        sa.Column("item_started_at", UTCDateTime(), nullable=True),
        sa.Column("channel_id", sa.String(32), nullable=True),
        sa.Column("message_ts", sa.String(32), nullable=True),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("minutes", sa.Text(), nullable=True),
        sa.UniqueConstraint("team_id", "starts_at", name="uq_meetings_team_start"),
    )
    op.create_index("ix_meetings_team_id", "meetings", ["team_id"])
    op.create_table(
        "agenda_entries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.Integer(), sa.ForeignKey("teams.id", ondelete="CASCADE"), nullable=False),
        sa.Column("meeting_id", sa.Integer(), sa.ForeignKey("meetings.id", ondelete="SET NULL"), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("question", sa.Integer(), nullable=False),
        sa.Column("added_by", sa.String(32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_agenda_entries_team_id", "agenda_entries", ["team_id"])
    op.create_table(
        "meeting_notes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("meeting_id", sa.Integer(), sa.ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("message_ts", sa.String(32), nullable=False),
        sa.Column("item_index", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("meeting_id", "message_ts", name="uq_meeting_notes_ts"),
    )
    op.create_index("ix_meeting_notes_meeting_id", "meeting_notes", ["meeting_id"])
    op.create_table(
        "parked_topics",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.Integer(), sa.ForeignKey("teams.id", ondelete="CASCADE"), nullable=False),
        sa.Column("meeting_id", sa.Integer(), sa.ForeignKey("meetings.id", ondelete="SET NULL"), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("added_by", sa.String(32), nullable=False),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_parked_topics_team_id", "parked_topics", ["team_id"])
    op.create_table(
        "scheduled_notices",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.Integer(), sa.ForeignKey("teams.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("occurrence_at", UTCDateTime(), nullable=False),
        sa.Column("ref", sa.Integer(), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_at", UTCDateTime(), nullable=True),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.UniqueConstraint("team_id", "kind", "occurrence_at", "ref", name="uq_notices_team_kind_occurrence"),
    )
    op.create_index("ix_notices_status_due", "scheduled_notices", ["status", "due_at"])


def downgrade() -> None:
    for table in ("scheduled_notices", "parked_topics", "meeting_notes", "agenda_entries", "meetings",
                  "meeting_schedules"):
        op.drop_table(table)
    with op.batch_alter_table("teams") as batch:
        batch.drop_column("role_overrides")
        batch.drop_column("role_rotation")
        batch.drop_column("default_protocol")
