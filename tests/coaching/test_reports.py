"""TeamReports on SQLite and PostgreSQL against the hand-computed truth of tests/coaching/term.py, and each
"may need support" reason on both sides of its line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest

from bot.assessments.service import AssessmentService
from bot.coaching.home import coach_home
from bot.coaching.report import Talk, TeamReports
from bot.coaching.service import CoachService
from bot.meetings.schedules import ScheduleService
from bot.teams import TeamService
from storage import migrate
from storage.db import Database
from storage.models import ActionPlan, Assessment, Commitment, PlanGroup
from tests.coaching.term import NOW, Term, make_team, make_teams, meeting, seed_term, utc


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    migrate.upgrade(database.engine)
    yield database
    database.dispose()


def reports(db: Database) -> TeamReports:
    return TeamReports(db, TeamService(db), ScheduleService(db), AssessmentService(db))


@pytest.fixture
def term(db: Database) -> Term:
    term = make_teams(db)
    seed_term(db, term)
    return term


def test_an_active_team_s_row_is_the_hand_computed_truth(db: Database, term: Term) -> None:
    row = reports(db).row(term.a, NOW)
    assert row is not None
    assert (row.name, row.channel_id, row.since, row.until) == ("Grade 4 Math", "C0PLC0001",
                                                                utc(2026, 10, 14, 15), NOW)
    assert (row.meetings_held, row.meetings_scheduled, row.last_meeting) == (4, 7, utc(2026, 12, 1, 20, 30))
    assert row.talk == Talk({1: 6, 2: 3, 3: 2, 4: 1}, drift=4, other=4)
    assert row.talk.total == 20
    assert [row.talk.share(q) for q in (1, 2, 3, 4, None)] == [30.0, 15.0, 10.0, 5.0, 20.0]
    assert row.norms_set is True
    assert row.goal is not None and row.goal.standards == ("4.NF.1", "4.NF.2") and row.goal.target_percent == 80.0
    assert row.goal_percent == pytest.approx(500 / 7)
    assert (row.assessments, row.last_assessment) == (2, date(2026, 12, 4))
    assert (row.groups_planned, row.groups_measured, row.rechecks_overdue) == (4, 3, 0)
    assert row.changes == pytest.approx((25.0, 30.0, -7.5))
    assert (row.commitments_done, row.commitments_open, row.commitments_overdue) == (4, 4, 1)
    assert row.support == () and not row.needs_support


def test_a_quiet_team_may_need_support_for_every_reason(db: Database, term: Term) -> None:
    row = reports(db).row(term.b, NOW)
    assert row is not None
    assert (row.meetings_held, row.meetings_scheduled, row.last_meeting) == (0, 0, None)
    assert row.talk == Talk() and row.talk.share(1) == 0.0
    assert (row.norms_set, row.goal, row.goal_percent) == (False, None, None)
    assert (row.assessments, row.last_assessment) == (0, date(2026, 10, 1))
    assert (row.groups_planned, row.groups_measured, row.changes, row.rechecks_overdue) == (1, 0, (), 1)
    assert (row.commitments_done, row.commitments_open, row.commitments_overdue) == (0, 3, 2)
    assert row.support == ("no_meeting", "no_assessment", "recheck_overdue", "commitments_overdue")


def test_rows_keep_the_order_asked_and_leave_out_teams_that_are_gone(db: Database, term: Term) -> None:
    rows = reports(db).rows([term.b, 999, term.a], NOW)
    assert [row.team_id for row in rows] == [term.b, term.a]


def test_a_coach_s_home_shows_the_teams_that_may_need_support_first(db: Database, term: Term,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    coaches = CoachService(db)
    coaches.add("T1", "UCOACH1", [term.a, term.b], "UADMIN", "America/New_York", "en-US")
    home = coach_home(coaches, reports(db), "T1", "UCOACH1", NOW)
    assert home is not None and [row.team_id for row in home.rows] == [term.b, term.a] and home.more_teams == 0
    monkeypatch.setattr("bot.coaching.home.MAX_TEAMS", 1)  # a coach of more teams than a Home holds
    home = coach_home(coaches, reports(db), "T1", "UCOACH1", NOW)
    assert home is not None and [row.team_id for row in home.rows] == [term.b] and home.more_teams == 1
    assert coach_home(coaches, reports(db), "T1", "USOMEONE", NOW) is None


def test_the_window_moves_with_now(db: Database, term: Term) -> None:
    """A week later: Oct 20 falls out of the window, Dec 8 was never held, the talk of Oct 20 is gone."""
    row = reports(db).row(term.a, NOW + timedelta(days=7))
    assert row is not None
    assert (row.meetings_held, row.meetings_scheduled) == (3, 7)  # Oct 27, Nov 10, Dec 1 of Oct 27 .. Dec 15
    assert row.talk == Talk({1: 2, 2: 1, 3: 1, 4: 1}, drift=1, other=4)


# ---------------------------------------------------------------- each reason on both sides of its line
@pytest.fixture
def team(db: Database) -> int:
    return make_team(db, "T1", "C0PLC0009", "Edge team", ["Be on time"], ["U1", "U2"], created=NOW - timedelta(days=90))


def created(db: Database, team_id: int, days_ago: int) -> None:
    from sqlalchemy import update

    from storage.models import Team

    with db.session() as session:
        session.execute(update(Team).where(Team.id == team_id).values(created_at=NOW - timedelta(days=days_ago)))


def support(db: Database, team_id: int) -> tuple[str, ...]:
    row = reports(db).row(team_id, NOW)
    assert row is not None
    return row.support


@pytest.mark.parametrize(("held_days_ago", "planned_days_ago", "team_days_ago", "expected"), [
    (20, None, 90, False),  # held 20 days ago: fine
    (22, None, 90, True),  # 22 days: no meeting for three weeks
    (22, 1, 90, True),  # a meeting planned yesterday but never opened is not held
    (None, None, 20, False),  # a new team is not expected to have met yet
    (None, None, 22, True),
])
def test_no_meeting(db: Database, team: int, held_days_ago: int | None, planned_days_ago: int | None,
                    team_days_ago: int, expected: bool) -> None:
    created(db, team, team_days_ago)
    if held_days_ago is not None:
        meeting(db, team, NOW - timedelta(days=held_days_ago))
    if planned_days_ago is not None:
        meeting(db, team, NOW - timedelta(days=planned_days_ago), status="planned")
    assert ("no_meeting" in support(db, team)) is expected


def assessment(db: Database, team_id: int, name: str, taken_on: date | None, created_at: datetime = NOW) -> int:
    with db.session() as session:
        row = Assessment(team_id=team_id, name=name, taken_on=taken_on, created_at=created_at)
        session.add(row)
        session.flush()
        return row.id


TODAY = date(2026, 12, 9)  # NOW in New York


@pytest.mark.parametrize(("given_days_ago", "team_days_ago", "expected"), [
    (42, 90, False),  # exactly six weeks: not yet
    (43, 90, True),
    (None, 41, False),  # a new team
    (None, 43, True),
])
def test_no_assessment(db: Database, team: int, given_days_ago: int | None, team_days_ago: int,
                       expected: bool) -> None:
    created(db, team, team_days_ago)
    if given_days_ago is not None:
        assessment(db, team, "Quiz", TODAY - timedelta(days=given_days_ago))
    assert ("no_assessment" in support(db, team)) is expected


def test_an_assessment_without_a_date_counts_from_its_upload(db: Database, team: int) -> None:
    assessment(db, team, "Undated", None, created_at=NOW - timedelta(days=10))
    assert "no_assessment" not in support(db, team)
    row = reports(db).row(team, NOW)
    assert row is not None and (row.assessments, row.last_assessment) == (1, TODAY - timedelta(days=10))


def plan_group(db: Database, team_id: int, recheck_on: date | None, status: str = "open") -> None:
    assessment_id = assessment(db, team_id, f"Quiz {recheck_on} {status}", TODAY - timedelta(days=20))
    with db.session() as session:
        plan = ActionPlan(team_id=team_id, assessment_id=assessment_id, created_by="U1",
                          created_at=NOW - timedelta(days=19))
        session.add(plan)
        session.flush()
        result = json.dumps({"change": 12.5}) if status == "measured" else None
        session.add(PlanGroup(plan_id=plan.id, team_id=team_id, kind="reteach", standard="4.NF.1", owner_id="U1",
                              strategy="reteach", recheck_on=recheck_on, students=3, before_percent=50.0,
                              status=status, result=result))


@pytest.mark.parametrize(("recheck_on", "status", "expected"), [
    (TODAY, "open", False),  # due today: not past
    (TODAY - timedelta(days=1), "open", True),
    (TODAY - timedelta(days=1), "measured", False),  # it has its result
    (None, "open", False),  # re-checked at the next assessment: no date to pass
])
def test_recheck_overdue(db: Database, team: int, recheck_on: date | None, status: str, expected: bool) -> None:
    plan_group(db, team, recheck_on, status)
    assert ("recheck_overdue" in support(db, team)) is expected
    row = reports(db).row(team, NOW)
    assert row is not None
    assert (row.groups_planned, row.groups_measured, row.rechecks_overdue) == (
        1, int(status == "measured"), int(expected))
    assert row.changes == ((12.5,) if status == "measured" else ())


def commitment(db: Database, team_id: int, status: str, due_on: date | None,
               created_at: datetime = NOW - timedelta(days=10)) -> None:
    with db.session() as session:
        session.add(Commitment(team_id=team_id, owner_id="U1", created_by="U1", text="something", due_on=due_on,
                               status=status, postponed=0, created_at=created_at))


LATE, LATER = TODAY - timedelta(days=1), TODAY + timedelta(days=5)


@pytest.mark.parametrize(("made", "expected"), [
    ([("open", LATE), ("open", LATE), ("done", None), ("done", None)], False),  # exactly half
    ([("open", LATE), ("open", LATE), ("open", LATER)], True),  # two of three
    ([("open", LATE)], False),  # one overdue is not a pattern
    ([("open", LATE), ("open", LATE), ("open", TODAY), ("dropped", LATE), ("dropped", LATE)], True),  # dropped: not
    ([("open", LATE), ("open", LATE), ("open", None), ("done", None)], False),  # no date: open, never overdue
])
def test_commitments_overdue(db: Database, team: int, made: list[tuple[str, date | None]], expected: bool) -> None:
    for status, due_on in made:
        commitment(db, team, status, due_on)
    commitment(db, team, "open", LATE, created_at=NOW - timedelta(weeks=9))  # made before the window: not counted
    assert ("commitments_overdue" in support(db, team)) is expected
