"""The Monday digest's week in counts (WeeklyChanges) on the seeded term, its planning in the outbox, and the
scheduler's planning and logging of it, on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.coaching.digest import WeeklyChanges
from bot.coaching.service import COACH_DIGEST, CoachService
from bot.scheduler.dispatcher import DueNotice, NoticeDispatcher
from bot.scheduler.planner import NoticePlanner
from bot.teams import TeamService
from storage import migrate
from storage.db import Database
from storage.models import ScheduledNotice
from tests.coaching.term import Term, make_teams, seed_term, utc

MONDAY_ISTANBUL = utc(2026, 12, 7, 5)  # Monday 08:00 in Istanbul (UTC+3)
MONDAY_CHICAGO = utc(2026, 12, 7, 14)  # Monday 08:00 in Chicago (UTC-6)


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    migrate.upgrade(database.engine)
    yield database
    database.dispose()


@pytest.fixture
def term(db: Database) -> Term:
    term = make_teams(db)
    seed_term(db, term)
    return term


def test_the_week_before_a_monday_in_counts(db: Database, term: Term) -> None:
    weeks = WeeklyChanges(db, TeamService(db))
    a, b = weeks.of([term.a, term.b], MONDAY_ISTANBUL)
    # Nov 30 05:00 .. Dec 7 05:00 UTC: the Dec 1 meeting, Unit 4 given Dec 4, measured and closed Dec 5.
    assert (a.name, a.meetings_held, a.assessments_given, a.commitments_done) == ("Grade 4 Math", 1, 1, 3)
    assert a.changes == pytest.approx((25.0, 30.0, -7.5)) and a.groups_measured == 3 and not a.quiet
    assert (b.meetings_held, b.assessments_given, b.changes, b.commitments_done, b.quiet) == (0, 0, (), 0, True)

    # Nov 9 .. Nov 16: the Nov 10 meeting and "share exit tickets" done on Nov 12; nothing given or measured.
    earlier = weeks.team(term.a, utc(2026, 11, 16, 5))
    assert earlier is not None
    assert (earlier.meetings_held, earlier.assessments_given, earlier.changes, earlier.commitments_done) == (
        1, 0, (), 1)
    assert weeks.team(999, MONDAY_ISTANBUL) is None


def pending_digests(db: Database) -> list[tuple[int, int, object, str]]:
    with db.session() as session:
        rows = session.scalars(select(ScheduledNotice).where(ScheduledNotice.kind == COACH_DIGEST)
                               .order_by(ScheduledNotice.due_at, ScheduledNotice.id))
        return [(r.team_id, r.ref, r.due_at, r.status) for r in rows]


def test_each_coach_s_next_monday_is_planned_once_in_their_zone(db: Database, term: Term) -> None:
    coaches = CoachService(db)
    ayse = coaches.add("T1", "U0COACH02", None, "U0ADMIN01", "Europe/Istanbul", "tr-TR")
    maria = coaches.add("T1", "U0COACH01", [term.b], "U0ADMIN01", "America/Chicago", "en-US")
    wednesday = utc(2026, 12, 2, 15)
    assert coaches.plan_digests(wednesday) == 2
    assert coaches.plan_digests(wednesday + timedelta(minutes=1)) == 0  # planned already
    assert pending_digests(db) == [(term.a, ayse.id, MONDAY_ISTANBUL, "pending"),
                                   (term.b, maria.id, MONDAY_CHICAGO, "pending")]

    # While Ayşe's digest is being sent, its sender plans the next Monday (its own notice does not count).
    with db.session() as session:
        notice = session.scalars(select(ScheduledNotice).where(ScheduledNotice.kind == COACH_DIGEST,
                                                          ScheduledNotice.ref == ayse.id)).one()
        notice.status = "sending"
        notice_id = notice.id
    assert coaches.plan_digests(MONDAY_ISTANBUL, coach_id=ayse.id) == 0
    assert coaches.plan_digests(MONDAY_ISTANBUL, coach_id=ayse.id, sending=notice_id) == 1
    assert coaches.plan_digests(MONDAY_ISTANBUL, coach_id=ayse.id, sending=notice_id) == 0
    assert (term.a, ayse.id, MONDAY_ISTANBUL + timedelta(days=7), "pending") in pending_digests(db)

    # Off: nothing pending and nothing planned; on again: the next Monday.
    assert coaches.set_digest("T1", "U0COACH01", False)
    assert coaches.plan_digests(wednesday) == 0
    assert [row for row in pending_digests(db) if row[1] == maria.id] == []
    assert coaches.set_digest("T1", "U0COACH01", True)
    assert coaches.plan_digests(wednesday) == 1
    # Gone: their pending notice goes with them.
    assert coaches.remove("T1", "U0COACH01")
    assert [row for row in pending_digests(db) if row[1] == maria.id] == []


def test_a_coach_without_a_team_gets_no_digest(db: Database) -> None:
    coaches = CoachService(db)
    coaches.add("T1", "U0COACH02", None, "U0ADMIN01", "Europe/Istanbul", "tr")  # every team: there is none
    assert coaches.plan_digests(utc(2026, 12, 2, 15)) == 0
    assert pending_digests(db) == []


def test_a_failing_digest_is_logged_with_its_team_and_retried(db: Database, term: Term,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    coaches = CoachService(db)
    coaches.add("T1", "U0COACH02", None, "U0ADMIN01", "Europe/Istanbul", "tr-TR")
    coaches.plan_digests(utc(2026, 12, 2, 15))
    calls: list[DueNotice] = []

    def failing(notice: DueNotice) -> None:
        calls.append(notice)
        raise RuntimeError("Slack did not take the message")

    dispatcher = NoticeDispatcher(db, {COACH_DIGEST: failing}, NoticePlanner(db))
    with caplog.at_level(logging.ERROR, logger="bot.scheduler.dispatcher"):
        report = dispatcher.run_due(MONDAY_ISTANBUL)
    assert report.retried == 1 and [n.team_id for n in calls] == [term.a]
    assert f"(coach_digest, team {term.a}): attempt 1 failed, retry at" in caplog.text
    assert pending_digests(db) == [(term.a, calls[0].ref, MONDAY_ISTANBUL + timedelta(seconds=30), "pending")]
