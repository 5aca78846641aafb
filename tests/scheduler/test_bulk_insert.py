"""The bulk plan writes the same outbox on every backend: PostgreSQL's COPY gives SQLite's rows."""

from __future__ import annotations

import gc
import os
import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, select, update

from bot.scheduler import planner as planner_module
from bot.scheduler.planner import COPY_FROM_ROWS, PLANNER_KINDS, NoticePlanner
from storage.db import Database
from storage.models import MeetingSchedule, ScheduledNotice
from tests.conftest import postgres_schema
from tests.scheduler import make_teams, migrated, utc

NOW = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)
ZONES = ("America/New_York", "Europe/Istanbul", "Asia/Tokyo", "Australia/Sydney", "Pacific/Auckland", "UTC")

OutboxRow = tuple[object, ...]


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = migrated(database_url)
    yield database
    database.dispose()


@pytest.fixture
def copies(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, str]]:
    """Each COPY the planner opened: (notices, "copied" | "refused" | "aborted")."""
    seen: list[tuple[int, str]] = []
    stream = planner_module._CopyStream
    real_exit = stream.__exit__

    def spy(self: planner_module._CopyStream, *error: object) -> None:
        opened = self._write is not None
        real_exit(self, *error)  # type: ignore[arg-type]
        if opened:
            seen.append((len(self.notices), "copied" if self.copied else "refused" if self.refused else "aborted"))

    monkeypatch.setattr(stream, "__exit__", spy)
    return seen


def fill(db: Database, count: int) -> list[int]:
    """`count` teams with varied schedules (the same on every call), and an outbox with leftovers."""
    teams = make_teams(db, count)
    rng = random.Random(11)
    with db.session() as session:
        for index, team in enumerate(teams):
            if index % 10 == 9:
                continue  # no schedule
            recurrence = rng.choice(["weekly", "weekly", "biweekly", "monthly"])
            session.add(MeetingSchedule(
                team_id=team, weekdays=",".join(str(d) for d in sorted(rng.sample(range(7), rng.randint(1, 3)))),
                start_time=f"{rng.randint(0, 23):02d}:{rng.choice(['00', '15', '30', '45'])}",
                duration_minutes=rng.choice([30, 45, 60, 90]), timezone=rng.choice(ZONES), recurrence=recurrence,
                monthly_week=rng.choice([1, 2, 3, -1]) if recurrence == "monthly" else None,
                first_date=date(2026, 9, 1), last_date=date(2026, 11, 20) if index % 17 == 0 else None,
                skip_dates="2026-11-03,2026-11-04" if index % 7 == 0 else "", active=index % 13 != 12,
                updated_by="U0TEACH01",
            ))
        for team in teams[::6]:  # left over from an older rule, sent already, or not the planner's
            session.add_all([
                ScheduledNotice(team_id=team, kind="reminder", occurrence_at=utc(2026, 11, 3, 12, 15),
                                due_at=utc(2026, 11, 3, 12, 0), expires_at=utc(2026, 11, 3, 13, 0)),
                ScheduledNotice(team_id=team, kind="meeting_start", occurrence_at=utc(2026, 11, 2, 9, 0),
                                due_at=utc(2026, 11, 2, 9, 0), expires_at=utc(2026, 11, 2, 10, 0), status="sent",
                                sent_at=utc(2026, 11, 2, 9, 0)),
                ScheduledNotice(team_id=team, kind="item_ending", occurrence_at=utc(2026, 11, 2, 0, 0),
                                due_at=utc(2026, 11, 3, 1, 0), expires_at=utc(2026, 11, 3, 2, 0), ref=2),
            ])
    return teams


def change_some(db: Database, teams: list[int]) -> None:
    """What teams do between two starts: longer meetings, a cancelled series, a new time."""
    with db.session() as session:
        schedules = MeetingSchedule.__table__.c
        session.execute(update(MeetingSchedule).where(schedules.team_id.in_(teams[::4])).values(duration_minutes=75))
        session.execute(update(MeetingSchedule).where(schedules.team_id.in_(teams[1::9])).values(active=False))
        session.execute(update(MeetingSchedule).where(schedules.team_id.in_(teams[2::11])).values(start_time="07:45"))


def outbox(db: Database, teams: list[int]) -> set[OutboxRow]:
    """Every row but its id, the team as its position in `teams` (ids may differ between databases)."""
    position = {team: index for index, team in enumerate(teams)}
    with db.session() as session:
        return {
            (position[n.team_id], n.kind, n.occurrence_at, n.ref, n.due_at, n.expires_at, n.status, n.attempts,
             n.claimed_at, n.sent_at)
            for n in session.scalars(select(ScheduledNotice))
        }


@pytest.mark.skipif(not os.environ.get("PLC_TEST_DATABASE_URL"), reason="needs PLC_TEST_DATABASE_URL")
def test_postgresql_copy_writes_the_rows_that_sqlite_inserts(tmp_path: Path, copies: list[tuple[int, str]]) -> None:
    sqlite = migrated(f"sqlite:///{tmp_path / 'plc.sqlite3'}")
    with postgres_schema(os.environ["PLC_TEST_DATABASE_URL"]) as url:
        postgres = migrated(url)
        try:
            teams = {name: fill(database, 150) for name, database in (("sqlite", sqlite), ("pg", postgres))}

            def plan_both(now: datetime) -> set[OutboxRow]:
                NoticePlanner(sqlite).plan_all(now)
                NoticePlanner(postgres).plan_all(now)
                rows = outbox(sqlite, teams["sqlite"])
                assert outbox(postgres, teams["pg"]) == rows
                return rows

            first = plan_both(NOW)
            # Teams with no notice yet: COPYed while planning; teams with leftovers: after the deletes.
            assert [outcome for _, outcome in copies] == ["copied", "copied"]
            assert min(count for count, _ in copies) >= COPY_FROM_ROWS
            assert len([r for r in first if r[6] == "pending" and r[1] != "item_ending"]) > 8 * 100
            assert plan_both(NOW) == first  # idempotent: a second start adds nothing
            assert len(copies) == 2
            for database in (sqlite, postgres):
                change_some(database, teams["sqlite" if database is sqlite else "pg"])
            # Two days on, some meetings under way or over, some schedules changed: keeps, deletes, inserts.
            later = plan_both(NOW + timedelta(days=2, hours=5))
            assert later != first
            assert len(copies) == 3 and copies[2][1] == "copied"  # the replaced notices
        finally:
            postgres.dispose()
            sqlite.dispose()


def test_a_notice_added_meanwhile_is_skipped_not_doubled(
    db: Database, copies: list[tuple[int, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process planned some teams between the planner's read and its insert: no error, no double.

    (Simulated: the planner is made blind to the outbox, so it plans again what is already there.)
    """
    teams = fill(db, 40)
    planner = NoticePlanner(db)
    planner.plan_all(NOW)
    planned = outbox(db, teams)
    with db.session() as session:  # most teams lose their pending notices; the planner will not see the others'
        session.execute(delete(ScheduledNotice).where(
            ScheduledNotice.team_id.in_(teams[5:]), ScheduledNotice.kind.in_(PLANNER_KINDS),
            ScheduledNotice.status == "pending",
        ))
    monkeypatch.setattr(planner_module, "_existing_notices", lambda *args: {})
    planner.plan_all(NOW)
    assert outbox(db, teams) == planned
    if db.engine.dialect.name == "postgresql":
        assert copies[-1][1] == "refused"  # the COPY met a key already there and was undone


def test_an_error_while_planning_leaves_the_outbox_as_it_was(
    db: Database, copies: list[tuple[int, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    teams = fill(db, 40)
    before = outbox(db, teams)
    real_plan_rule = planner_module.plan_rule
    calls = 0

    def failing(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 30:
            raise RuntimeError("planning failed")
        return real_plan_rule(*args, **kwargs)

    monkeypatch.setattr(planner_module, "plan_rule", failing)
    with pytest.raises(RuntimeError, match="planning failed"):
        NoticePlanner(db).plan_all(NOW)
    assert outbox(db, teams) == before
    assert gc.isenabled()  # paused during the pass, on again whatever happened
    if db.engine.dialect.name == "postgresql":
        assert copies and copies[-1][1] == "aborted"  # the COPY was under way: undone with its savepoint
    monkeypatch.setattr(planner_module, "plan_rule", real_plan_rule)
    NoticePlanner(db).plan_all(NOW)  # the connection went back to the pool in a usable state
    assert len(outbox(db, teams)) > len(before)
