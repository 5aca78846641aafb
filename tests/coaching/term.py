"""A seeded term of two teams, with the truth a coach's report must show, computed by hand.

NOW is Wednesday 2026-12-09 15:00 UTC (10:00 in New York); the report's window is the 8 weeks before it,
from 2026-10-14 15:00 UTC.

Team A, "Grade 4 Math" (C0PLC0001 unless told), created 2026-09-01, norms set:
- schedule: Tuesdays 15:30 New York from 2026-09-01, 2026-11-24 skipped. In the window: Oct 20, 27, Nov 3,
  10, 17, Dec 1, 8 -> 7 scheduled;
- meetings: Oct 6 (ended, before the window), Oct 20, Oct 27, Nov 10, Dec 1 (ended) -> 4 held; Nov 17 only
  planned (never opened) -> not held. Last held: Dec 1 20:30 UTC;
- talk in meeting threads (the focus keeper's labels): learning q1 6, q2 3, q3 2, q4 1, drift 4, other 3,
  learning without a question 1 (counted as other) -> 20 messages: 30 %, 15 %, 10 %, 5 %, drift 20 %,
  other 4 (20 %). Not counted: 2 drift labels in the channel (no meeting), 1 label before the window;
- assessments (tests/plans/data.py): "Unit 2 quiz" 2026-09-20 (before the window), "Unit 3 quiz" (A)
  2026-11-20, "Unit 4 quiz" (B) 2026-12-04 -> 2 in the window, latest Dec 4;
- SMART goal 4.NF.1 + 4.NF.2, target 80 % by 2027-03-01: proficient (not below the 70 % line) in B: every
  student but Ada (65) and Hale (50) -> 5 of 7 = 71.43 %; in A 4 of 7 (57.14 %); Unit 2 is A's scores too;
- action plans: on A (2026-11-25): 4.NF.1, 4.NF.2 and the extension group, measured on B (2026-12-05):
  +25, +30 and -7.5 points; on B (2026-12-07): 4.NF.2 (Ada, Hale), re-check 2026-12-09 (today: not overdue)
  -> 4 planned, 3 measured, none past its re-check date;
- commitments made in the window: the plans' 4 (A's 3 closed as done by the measuring, B's open, due
  today), "share exit tickets" (done), "call families" (open, due Nov 20: overdue), "finish the rubric"
  (open, due Dec 18), "try number talks" (open, no date), "plan the field trip" (dropped) -> 4 done, 4 open,
  1 overdue. Not counted: "old business" (made before the window, overdue);
- may need support: nothing.

Team B, "Quiet team" (C0PLC0002), created 2026-09-01, no norms, no schedule, no meeting:
- assessment "Fall screener" 2026-10-01 (before the window; 69 days before today: more than 42);
- a plan on it made 2026-10-20: 4.NF.1, re-check 2026-11-30, never measured -> 1 planned, 0 measured,
  1 past its re-check date;
- commitments: the plan's (due Nov 30, overdue), "observe a lesson" (due Nov 10, overdue), "read the
  chapter" (due Dec 20) -> 0 done, 3 open, 2 overdue;
- may need support: no_meeting, no_assessment, recheck_overdue, commitments_overdue.

Every reflection and every person's message in the e2e tests stays out of all of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import time_machine
from sqlalchemy import update

from bot.assessments.goals import Goal
from bot.assessments.readers import read_results
from bot.assessments.service import AssessmentService
from bot.commitments.service import CommitmentService
from bot.meetings.recurrence import MeetingRule
from bot.meetings.schedules import ScheduleService
from bot.plans.grouping import EXTENSION
from bot.plans.service import GroupInput, PlanService
from bot.teams import TeamDraft, TeamService
from storage.db import Database
from storage.models import FocusEvent, Meeting, Team
from tests.plans.data import A_SCORES, B_SCORES, long_csv

NOW = datetime(2026, 12, 9, 15, 0, tzinfo=UTC)
CREATED = datetime(2026, 9, 1, 14, 0, tzinfo=UTC)
A_CHANNEL, B_CHANNEL = "C0PLC0001", "C0PLC0002"
MEMBERS = ["U0TEACH02", "U0TEACH03"]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@dataclass(frozen=True)
class Term:
    a: int
    b: int


def make_team(db: Database, workspace: str, channel: str, name: str, norms: list[str], members: list[str],
              created: datetime = CREATED, language: str = "en", facilitator: str = "U0TEACH02") -> int:
    draft = TeamDraft(name=name, subject="Mathematics", grade_band="Grades 3–5", timezone="America/New_York",
                      language=language, member_ids=members, norms=norms)
    team_id = TeamService(db).save(workspace, channel, draft, by_user=facilitator).id
    with db.session() as session:
        session.execute(update(Team).where(Team.id == team_id).values(created_at=created))
    return team_id


def store(db: Database, team_id: int, name: str, scores: dict[str, tuple[int, ...]], taken_on: date,
          teacher: str = "U0TEACH02") -> int:
    content = long_csv(scores)
    table = read_results(content, filename="results.csv", teacher=teacher)
    with time_machine.travel(datetime.combine(taken_on, time(20, 0), tzinfo=UTC)):
        return AssessmentService(db).store(team_id, name, taken_on, teacher, "results.csv", content,
                                           table).assessment_id


def meeting(db: Database, team_id: int, starts_at: datetime, status: str = "ended") -> int:
    with db.session() as session:
        row = Meeting(team_id=team_id, starts_at=starts_at, duration_minutes=45, status=status,
                      started_at=starts_at if status != "planned" else None)
        session.add(row)
        session.flush()
        return row.id


def labels(db: Database, team_id: int, meeting_id: int | None, at: datetime, label: str, count: int,
           question: int | None = None) -> None:
    with db.session() as session:
        session.add_all(FocusEvent(team_id=team_id, meeting_id=meeting_id, thread_ts="1.0" if meeting_id else "channel",
                                   label=label, question=question, created_at=at) for _ in range(count))


def make_teams(db: Database, workspace: str = "T1", members: list[str] | None = None) -> Term:
    """Both teams, created on 2026-09-01 (the e2e tests make them through the setup form instead)."""
    members = members or MEMBERS
    return Term(make_team(db, workspace, A_CHANNEL, "Grade 4 Math", ["Start on time", "Assume good intent"], members),
                make_team(db, workspace, B_CHANNEL, "Quiet team", [], members))


def seed_term(db: Database, term: Term, owner: str = MEMBERS[0], other: str = MEMBERS[-1]) -> None:
    """Everything else the module's docstring says, in the teams `term` (made on 2026-09-01)."""
    a, b = term.a, term.b
    assessments = AssessmentService(db)
    commitments = CommitmentService(db)
    plans = PlanService(db, assessments, commitments)

    ScheduleService(db).save(a, MeetingRule(weekdays=(1,), start=time(15, 30), duration_minutes=45,
                                            recurrence="weekly", first_date=date(2026, 9, 1), last_date=None,
                                            timezone="America/New_York", skip_dates=frozenset({date(2026, 11, 24)})),
                             by_user=owner, now=utc(2026, 8, 30, 12))
    before = meeting(db, a, utc(2026, 10, 6, 19, 30))
    oct20 = meeting(db, a, utc(2026, 10, 20, 19, 30))
    meeting(db, a, utc(2026, 10, 27, 19, 30))
    meeting(db, a, utc(2026, 11, 10, 20, 30))
    meeting(db, a, utc(2026, 11, 17, 20, 30), status="planned")
    dec1 = meeting(db, a, utc(2026, 12, 1, 20, 30))
    for question, count in ((1, 4), (2, 2), (3, 1)):
        labels(db, a, oct20, utc(2026, 10, 20, 19, 40), "learning", count, question)
    for question, count in ((1, 2), (2, 1), (3, 1), (4, 1)):
        labels(db, a, dec1, utc(2026, 12, 1, 20, 40), "learning", count, question)
    labels(db, a, oct20, utc(2026, 10, 20, 19, 50), "drift", 3)
    labels(db, a, dec1, utc(2026, 12, 1, 20, 50), "drift", 1)
    labels(db, a, dec1, utc(2026, 12, 1, 20, 55), "other", 3)
    labels(db, a, dec1, utc(2026, 12, 1, 20, 56), "learning", 1)  # no question: other
    labels(db, a, None, utc(2026, 12, 2, 12), "drift", 2)  # in the channel, not in a meeting
    labels(db, a, before, utc(2026, 10, 6, 19, 40), "learning", 1, 1)  # before the window

    store(db, a, "Unit 2 quiz", A_SCORES, date(2026, 9, 20))
    unit3 = store(db, a, "Unit 3 quiz", A_SCORES, date(2026, 11, 20))
    assessments.set_goal(a, Goal(("4.NF.1", "4.NF.2"), 80.0, date(2027, 3, 1), owner))

    old = commitments.create(a, "old business", owner, owner, date(2026, 10, 10), now=utc(2026, 9, 30, 15))
    assert old.id
    exit_tickets = commitments.create(a, "share exit tickets", other, owner, date(2026, 11, 13),
                                      now=utc(2026, 11, 2, 15))
    commitments.mark_done(exit_tickets.id, other, now=utc(2026, 11, 12, 15))
    commitments.create(a, "call families", owner, owner, date(2026, 11, 20), now=utc(2026, 11, 2, 15))
    trip = commitments.create(a, "plan the field trip", owner, owner, None, now=utc(2026, 11, 3, 15))
    commitments.drop(trip.id, "not this term", owner, now=utc(2026, 11, 5, 15))
    commitments.create(a, "finish the rubric", other, owner, date(2026, 12, 18), now=utc(2026, 11, 30, 15))
    commitments.create(a, "try number talks", other, owner, None, now=utc(2026, 11, 30, 15))

    plans.save(a, unit3, [
        GroupInput("4.nf.1", owner, "small-group reteach with number lines", "small_group_reteach",
                   date(2026, 11, 30), date(2026, 12, 11)),
        GroupInput("4.nf.2", other, "fraction strips in pairs", "peer_tutoring", date(2026, 12, 1)),
        GroupInput(EXTENSION, other, "design a fraction game", "enrichment_task"),
    ], created_by=owner, now=utc(2026, 11, 25, 15))
    unit4 = store(db, a, "Unit 4 quiz", B_SCORES, date(2026, 12, 4))
    measured = plans.measure(a, unit4, "seed-measure-unit4", now=utc(2026, 12, 5, 15))
    assert len(measured) == 3
    plans.save(a, unit4, [GroupInput("4.nf.2", owner, "reteach with area models", None, None, date(2026, 12, 9))],
               created_by=owner, now=utc(2026, 12, 7, 15))

    screener = store(db, b, "Fall screener", A_SCORES, date(2026, 10, 1))
    plans.save(b, screener, [GroupInput("4.nf.1", owner, "daily warm-ups", None, None, date(2026, 11, 30))],
               created_by=owner, now=utc(2026, 10, 20, 15))
    commitments.create(b, "observe a lesson", owner, owner, date(2026, 11, 10), now=utc(2026, 10, 20, 15))
    commitments.create(b, "read the chapter", other, owner, date(2026, 12, 20), now=utc(2026, 10, 20, 15))
