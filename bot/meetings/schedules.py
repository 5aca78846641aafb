"""A team's meeting schedule: saving the rule, skip dates, the next meetings."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.meetings.recurrence import MeetingRule, Occurrence, occurrences
from storage.db import Database
from storage.models import MeetingSchedule


def rule_from_row(row: MeetingSchedule) -> MeetingRule:
    """The stored schedule as a MeetingRule."""
    hour, minute = (int(part) for part in row.start_time.split(":"))
    return MeetingRule(
        weekdays=tuple(sorted(int(d) for d in row.weekdays.split(",") if d.strip())),
        start=time(hour, minute),
        duration_minutes=row.duration_minutes,
        recurrence=row.recurrence,
        first_date=row.first_date,
        last_date=row.last_date,
        timezone=row.timezone,
        skip_dates=frozenset(date.fromisoformat(d) for d in row.skip_dates.split(",") if d.strip()),
        monthly_week=row.monthly_week,
    )


def _apply_rule(row: MeetingSchedule, rule: MeetingRule) -> None:
    row.weekdays = ",".join(str(d) for d in rule.weekdays)
    row.start_time = rule.start.strftime("%H:%M")
    row.duration_minutes = rule.duration_minutes
    row.recurrence = rule.recurrence
    row.monthly_week = rule.monthly_week
    row.first_date = rule.first_date
    row.last_date = rule.last_date
    row.timezone = rule.timezone
    row.skip_dates = ",".join(sorted(d.isoformat() for d in rule.skip_dates))


def _plan(db: Database, session: Session, team_id: int, now: datetime) -> None:
    """Bring the team's reminders in the scheduler's outbox in line with its schedule."""
    from bot.scheduler.planner import NoticePlanner

    NoticePlanner(db).plan_team(session, team_id, now)


class ScheduleService:
    """Creates, changes and cancels a team's recurring meetings; each call is one unit of work.

    Every change also re-plans the team's reminders in the same transaction, so the scheduler
    process (which may be another process) sees a consistent outbox.
    """

    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, team_id: int) -> MeetingRule | None:
        with self.db.session() as session:
            row = self._row(session, team_id)
            return rule_from_row(row) if row is not None and row.active else None

    def save(self, team_id: int, rule: MeetingRule, by_user: str, now: datetime | None = None) -> MeetingRule:
        now = now or datetime.now(UTC)
        with self.db.session() as session:
            row = self._row(session, team_id)
            if row is None:
                row = MeetingSchedule(team_id=team_id, updated_by=by_user)
                session.add(row)
            _apply_rule(row, rule)
            row.active = True
            row.updated_by = by_user
            row.updated_at = now
            session.flush()
            _plan(self.db, session, team_id, now)
            return rule_from_row(row)

    def cancel(self, team_id: int, by_user: str, now: datetime | None = None) -> bool:
        now = now or datetime.now(UTC)
        with self.db.session() as session:
            row = self._row(session, team_id)
            if row is None or not row.active:
                return False
            row.active = False
            row.updated_by = by_user
            row.updated_at = now
            session.flush()
            _plan(self.db, session, team_id, now)
            return True

    def skip(self, team_id: int, day: date, by_user: str, now: datetime | None = None) -> str | None:
        """Skip the meeting on `day` (team's local date); a catalog key when that is not possible."""
        now = now or datetime.now(UTC)
        with self.db.session() as session:
            row = self._row(session, team_id)
            if row is None or not row.active:
                return "schedule.errors.no_schedule"
            rule = rule_from_row(row)
            local_today = now.astimezone(_zone(rule)).date()
            if day < local_today:
                return "schedule.errors.skip_in_past"
            if day in rule.skip_dates:
                return "schedule.errors.already_skipped"
            start = datetime.combine(day, time(0), tzinfo=_zone(rule))
            upcoming = occurrences(rule, start, limit=1)
            if not upcoming or upcoming[0].local_date != day:
                return "schedule.errors.not_a_meeting_day"
            row.skip_dates = ",".join(sorted({*row.skip_dates.split(","), day.isoformat()} - {""}))
            row.updated_by = by_user
            row.updated_at = now
            session.flush()
            _plan(self.db, session, team_id, now)
        return None

    def upcoming(self, team_id: int, now: datetime | None = None, limit: int = 3) -> list[Occurrence]:
        rule = self.get(team_id)
        if rule is None:
            return []
        return occurrences(rule, now or datetime.now(UTC), limit=limit)

    @staticmethod
    def _row(session: Session, team_id: int) -> MeetingSchedule | None:
        return session.scalars(select(MeetingSchedule).where(MeetingSchedule.team_id == team_id)).one_or_none()


def _zone(rule: MeetingRule) -> ZoneInfo:
    return ZoneInfo(rule.timezone)
