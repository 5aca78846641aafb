"""Helpers for the scheduler tests: a migrated database, teams, schedules and the outbox's rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from bot.teams import TeamDraft, TeamService
from storage import migrate
from storage.db import Database
from storage.models import MeetingSchedule, ScheduledNotice, Team


def migrated(database_url: str) -> Database:
    db = Database(database_url)
    migrate.upgrade(db.engine)
    return db


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def make_team(db: Database, channel_id: str = "C0PLC0001", timezone: str = "America/New_York",
              workspace_id: str = "T0PLC0001") -> int:
    """A team registered through TeamService, as /plc setup does."""
    draft = TeamDraft(name=f"PLC {channel_id}", subject="Mathematics", grade_band="Grade 4", timezone=timezone,
                      language="en", member_ids=["U0TEACH02"], norms=[])
    return TeamService(db).save(workspace_id, channel_id, draft, by_user="U0TEACH01").id


def make_teams(db: Database, count: int, workspace_id: str = "T0PLC0001") -> list[int]:
    """`count` teams in one unit of work (TeamService writes one at a time)."""
    with db.session() as session:
        teams = [Team(workspace_id=workspace_id, channel_id=f"C{i:08d}", name=f"PLC {i}", timezone="UTC",
                      language="en", created_by="U0TEACH01") for i in range(count)]
        session.add_all(teams)
        session.flush()
        return [t.id for t in teams]


def set_schedule(db: Database, team_id: int, *, weekdays: str = "1", start_time: str = "15:30",
                 duration_minutes: int = 60, timezone: str = "America/New_York", skip_dates: str = "",
                 recurrence: str = "weekly", first_date: date = date(2026, 9, 1), active: bool = True,
                 updated_at: datetime | None = None) -> None:
    """Create or change the team's schedule row, as the schedule service writes it."""
    with db.session() as session:
        row = session.scalars(select(MeetingSchedule).where(MeetingSchedule.team_id == team_id)).one_or_none()
        if row is None:
            row = MeetingSchedule(team_id=team_id, updated_by="U0TEACH01")
            session.add(row)
        row.weekdays, row.start_time, row.duration_minutes = weekdays, start_time, duration_minutes
        row.timezone, row.skip_dates, row.recurrence, row.first_date = timezone, skip_dates, recurrence, first_date
        row.active = active
        row.updated_at = updated_at or datetime.now(UTC)


@dataclass(frozen=True)
class Row:
    id: int
    team_id: int
    kind: str
    occurrence_at: datetime
    ref: int
    due_at: datetime
    expires_at: datetime
    status: str
    attempts: int


def notices(db: Database, team_id: int | None = None, status: str | None = None) -> list[Row]:
    """The outbox's rows, by due time."""
    with db.session() as session:
        query = select(ScheduledNotice).order_by(ScheduledNotice.due_at, ScheduledNotice.id)
        if team_id is not None:
            query = query.where(ScheduledNotice.team_id == team_id)
        if status is not None:
            query = query.where(ScheduledNotice.status == status)
        return [Row(n.id, n.team_id, n.kind, n.occurrence_at, n.ref, n.due_at, n.expires_at, n.status, n.attempts)
                for n in session.scalars(query)]


def add_notice(db: Database, team_id: int, due_at: datetime, *, kind: str = "reminder", ref: int = 0,
               occurrence_at: datetime | None = None, expires_at: datetime | None = None,
               status: str = "pending", claimed_at: datetime | None = None) -> int:
    with db.session() as session:
        notice = ScheduledNotice(
            team_id=team_id, kind=kind, ref=ref, occurrence_at=occurrence_at or due_at + timedelta(minutes=15),
            due_at=due_at, expires_at=expires_at or due_at + timedelta(hours=1), status=status, attempts=0,
            claimed_at=claimed_at,
        )
        session.add(notice)
        session.flush()
        return notice.id
