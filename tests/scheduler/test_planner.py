"""The planner on SQLite and PostgreSQL: exact UTC times, DST, skip dates, changes, bulk = one by one."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import delete, update

from bot.scheduler.planner import NoticePlanner
from storage.db import Database
from storage.models import MeetingSchedule, ScheduledNotice
from tests.scheduler import add_notice, make_team, make_teams, migrated, notices, set_schedule, utc

NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = migrated(database_url)
    yield database
    database.dispose()


def plan(db: Database, team_id: int, now: datetime | None = None) -> None:
    with db.session() as session:
        NoticePlanner(db).plan_team(session, team_id, now or datetime.now(UTC))


def pending(db: Database, team_id: int) -> list[tuple[str, datetime, datetime, datetime]]:
    return [(n.kind, n.occurrence_at, n.due_at, n.expires_at) for n in notices(db, team_id, "pending")]


def meeting(start: datetime, minutes: int = 60) -> list[tuple[str, datetime, datetime, datetime]]:
    end = start + timedelta(minutes=minutes)
    return [
        ("agenda_preview", start, start - timedelta(hours=24), start),
        ("reminder", start, start - timedelta(minutes=15), end),
        ("meeting_start", start, start, end),
        ("meeting_end", start, end, end + timedelta(hours=6)),
    ]


def by_due(rows: list[tuple[str, datetime, datetime, datetime]]) -> list[tuple[str, datetime, datetime, datetime]]:
    return sorted(rows, key=lambda r: (r[2], r[1]))


def test_rule_from_schedule_reads_the_stored_strings(db: Database) -> None:
    team = make_team(db)
    set_schedule(db, team, weekdays="3,1", start_time="15:30", skip_dates="2026-12-24,2026-12-31")
    with db.session() as session:
        rule = NoticePlanner.rule_from_schedule(session.query(MeetingSchedule).one())
    assert rule.weekdays == (1, 3)
    assert (rule.start.hour, rule.start.minute) == (15, 30)
    assert {d.isoformat() for d in rule.skip_dates} == {"2026-12-24", "2026-12-31"}


def test_weekly_tuesday_new_york_across_the_dst_end(db: Database) -> None:
    team = make_team(db)
    set_schedule(db, team, weekdays="1", start_time="15:30", timezone="America/New_York")
    # Monday 26 October 2026, noon in New York (EDT); clocks go back on Sunday 1 November.
    with time_machine.travel(datetime(2026, 10, 26, 12, 0, tzinfo=NEW_YORK), tick=False):
        plan(db, team)
        first = notices(db, team)
        plan(db, team)  # idempotent
        assert notices(db, team) == first
    # 15:30 EDT = 19:30 UTC before the change, 15:30 EST = 20:30 UTC after it.
    assert pending(db, team) == by_due(meeting(utc(2026, 10, 27, 19, 30)) + meeting(utc(2026, 11, 3, 20, 30)))
    assert pending(db, team)[0] == ("agenda_preview", utc(2026, 10, 27, 19, 30), utc(2026, 10, 26, 19, 30),
                                    utc(2026, 10, 27, 19, 30))
    assert ("reminder", utc(2026, 11, 3, 20, 30), utc(2026, 11, 3, 20, 15), utc(2026, 11, 3, 21, 30)) in pending(
        db, team)


def test_europe_istanbul_has_no_dst(db: Database) -> None:
    team = make_team(db, timezone="Europe/Istanbul")
    set_schedule(db, team, weekdays="0,2", start_time="16:00", duration_minutes=45, timezone="Europe/Istanbul")
    with time_machine.travel(datetime(2026, 11, 30, 10, 0, tzinfo=ZoneInfo("Europe/Istanbul")), tick=False):
        plan(db, team)
    assert pending(db, team) == by_due(meeting(utc(2026, 11, 30, 13, 0), 45) + meeting(utc(2026, 12, 2, 13, 0), 45))


def test_a_skip_date_removes_that_meetings_notices(db: Database) -> None:
    team = make_team(db)
    now = datetime(2026, 10, 20, 9, 0, tzinfo=NEW_YORK)
    set_schedule(db, team)
    plan(db, team, now)
    assert {n.occurrence_at for n in notices(db, team)} == {utc(2026, 10, 20, 19, 30), utc(2026, 10, 27, 19, 30)}
    set_schedule(db, team, skip_dates="2026-10-27")
    plan(db, team, now)
    assert pending(db, team) == by_due(meeting(utc(2026, 10, 20, 19, 30)) + meeting(utc(2026, 11, 3, 20, 30)))


def test_a_schedule_change_replaces_pending_notices_and_leaves_the_others(db: Database) -> None:
    team = make_team(db)
    now = datetime(2026, 10, 27, 12, 0, tzinfo=NEW_YORK)  # Tuesday noon: today's agenda preview went out
    set_schedule(db, team)
    plan(db, team, now)
    preview = next(n for n in notices(db, team) if n.kind == "agenda_preview")
    with db.session() as session:
        session.execute(update(ScheduledNotice).where(ScheduledNotice.id == preview.id).values(status="sent"))
    nudge = add_notice(db, team, utc(2026, 10, 27, 19, 50), kind="item_ending", ref=2,
                       occurrence_at=utc(2026, 10, 27, 19, 30))

    set_schedule(db, team, start_time="16:00", duration_minutes=90)
    plan(db, team, now)
    assert pending(db, team) == by_due(
        meeting(utc(2026, 10, 27, 20, 0), 90)
        + meeting(utc(2026, 11, 3, 21, 0), 90)
        + [("item_ending", utc(2026, 10, 27, 19, 30), utc(2026, 10, 27, 19, 50), utc(2026, 10, 27, 20, 50))]
    )
    sent = [n for n in notices(db, team) if n.status == "sent"]
    assert [(n.id, n.occurrence_at) for n in sent] == [(preview.id, utc(2026, 10, 27, 19, 30))]
    assert any(n.id == nudge for n in notices(db, team, "pending"))

    set_schedule(db, team, start_time="16:00", duration_minutes=30)  # same start, shorter: end notices move
    plan(db, team, now)
    assert ("meeting_end", utc(2026, 10, 27, 20, 0), utc(2026, 10, 27, 20, 30), utc(2026, 10, 28, 2, 30)) in pending(
        db, team)


def test_a_cancelled_schedule_keeps_no_pending_planner_notice(db: Database) -> None:
    team = make_team(db)
    now = datetime(2026, 10, 20, 9, 0, tzinfo=NEW_YORK)
    set_schedule(db, team)
    plan(db, team, now)
    nudge = add_notice(db, team, utc(2026, 10, 20, 19, 50), kind="item_ending")
    set_schedule(db, team, active=False)
    plan(db, team, now)
    assert [n.id for n in notices(db, team)] == [nudge]


def test_a_meeting_under_way_keeps_its_end_notice_and_the_plan_rolls_forward(db: Database) -> None:
    team = make_team(db)
    set_schedule(db, team)
    plan(db, team, datetime(2026, 10, 20, 9, 0, tzinfo=NEW_YORK))
    during = datetime(2026, 10, 20, 15, 40, tzinfo=NEW_YORK)
    with db.session() as session:  # what the dispatcher would have sent by then
        session.execute(
            update(ScheduledNotice)
            .where(ScheduledNotice.kind.in_(("agenda_preview", "reminder", "meeting_start")),
                   ScheduledNotice.occurrence_at == utc(2026, 10, 20, 19, 30))
            .values(status="sent")
        )
    plan(db, team, during)
    assert pending(db, team) == by_due(
        meeting(utc(2026, 10, 20, 19, 30))[3:] + meeting(utc(2026, 10, 27, 19, 30)) + meeting(utc(2026, 11, 3, 20, 30))
    )


def test_plan_changed_replans_only_teams_written_since(db: Database) -> None:
    first, second = make_team(db, "C1"), make_team(db, "C2")
    t0 = datetime(2026, 10, 20, 9, 0, tzinfo=NEW_YORK)
    set_schedule(db, first, updated_at=t0 - timedelta(hours=1))
    set_schedule(db, second, updated_at=t0 - timedelta(hours=1))
    planner = NoticePlanner(db)
    assert planner.plan_all(t0) == 2
    set_schedule(db, first, start_time="08:00", updated_at=t0 + timedelta(minutes=1))
    set_schedule(db, second, start_time="08:00", updated_at=t0 - timedelta(minutes=1))  # not "changed"
    assert planner.plan_changed(since=t0, now=t0 + timedelta(minutes=2)) == 1
    assert {n.occurrence_at.astimezone(NEW_YORK).hour for n in notices(db, first)} == {8}
    assert {n.occurrence_at.astimezone(NEW_YORK).hour for n in notices(db, second)} == {15}


def test_plan_all_equals_plan_team_for_each_of_200_teams(db: Database) -> None:
    now = datetime(2026, 10, 30, 23, 0, tzinfo=UTC)
    teams = make_teams(db, 200)
    rng = random.Random(7)
    zones = ["America/New_York", "Europe/Istanbul", "Asia/Tokyo", "Australia/Sydney", "America/Los_Angeles", "UTC"]
    with db.session() as session:
        for team in teams:
            if team % 10 == 0:
                continue  # no schedule
            session.add(MeetingSchedule(
                team_id=team, weekdays=",".join(str(d) for d in rng.sample(range(7), rng.randint(1, 3))),
                start_time=f"{rng.randint(6, 20):02d}:{rng.choice(['00', '15', '30', '45'])}",
                duration_minutes=rng.choice([30, 45, 60, 90]), timezone=rng.choice(zones),
                recurrence=rng.choice(["weekly", "weekly", "biweekly"]), first_date=date(2026, 9, 1),
                skip_dates="2026-11-03" if team % 7 == 0 else "", active=team % 13 != 0, updated_by="U0TEACH01",
            ))

    def messy_outbox() -> None:
        with db.session() as session:
            session.execute(delete(ScheduledNotice))
            for team in teams[::5]:  # left over from an older rule, or already sent
                session.add_all([
                    ScheduledNotice(team_id=team, kind="reminder", occurrence_at=utc(2026, 10, 31, 12, 15),
                                    due_at=utc(2026, 10, 31, 12, 0), expires_at=utc(2026, 10, 31, 13, 0)),
                    ScheduledNotice(team_id=team, kind="meeting_start", occurrence_at=utc(2026, 11, 1, 12, 0),
                                    due_at=utc(2026, 11, 1, 12, 0), expires_at=utc(2026, 11, 1, 13, 0),
                                    status="sent"),
                    ScheduledNotice(team_id=team, kind="item_ending", occurrence_at=utc(2026, 10, 31, 0, 0),
                                    due_at=utc(2026, 10, 31, 1, 0), expires_at=utc(2026, 10, 31, 2, 0)),
                ])

    def snapshot() -> set[tuple[object, ...]]:
        return {(n.team_id, n.kind, n.occurrence_at, n.ref, n.due_at, n.expires_at, n.status) for n in notices(db)}

    messy_outbox()
    planner = NoticePlanner(db)
    assert planner.plan_all(now) == sum(1 for t in teams if t % 10 and t % 13)
    bulk = snapshot()
    assert planner.plan_all(now) > 0 and snapshot() == bulk  # idempotent
    messy_outbox()
    for team in teams:
        plan(db, team, now)
    assert snapshot() == bulk
    assert len([n for n in bulk if n[6] == "pending" and n[1] != "item_ending"]) > 8 * 100
