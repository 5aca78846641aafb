"""A seeded term of two teams with the hand-computed truth of a coach's export of it.

The export is made on Thursday 2026-12-10 12:00 in New York (EXPORT_AT): the window is the 8 weeks since
2026-10-15 13:00 New York time. Both teams were set up on 2026-09-01 (long enough ago for "no meeting
for 21 days" and "no assessment for 6 weeks" to count).

Grade 4 Math PLC (team 1), norms set:
- schedule: Tuesdays 15:30 from 2026-10-06, Nov 24 skipped. In the window: Oct 20, 27, Nov 3, 10, 17,
  Dec 1, 8 = 7 scheduled. Meetings held (ended): Oct 6 (before the window), Oct 20, Oct 27, Nov 3,
  Nov 17, Dec 1 = 5 in the window, the last on Dec 1; the Dec 8 one never opened (planned).
- talk in meeting threads of the window: Q1 4, Q2 3, Q3 6, Q4 2, drift 3, other 2 = 20 labels:
  20 %, 15 %, 30 %, 10 %, drift 15 %, other 10 %. Not counted: 5 drift labels of the Oct 6 meeting and
  3 of the channel (no meeting).
- goal: 80 % proficient on 4.NF.1, 4.NF.2 by 2027-05-28. Assessments: Baseline (2026-09-10, no
  standards, before the window), Unit 3 quiz (2026-11-20) and Unit 4 quiz (2026-12-08) of
  tests/plans/data.py: 2 in the window, the last on Dec 8. Proficient (at or above 70 % on both
  standards) in Unit 4 quiz: Ben 85, Cem 80, Deniz 95, Fatma 80, Gul 85, not Ada 65, Hale 50: 5 of 7 =
  71.4 %; in Unit 3 quiz: Ben 75, Deniz 100, Fatma 90, Gul 75: 4 of 7 = 57.1 %.
- action plan on Unit 3 quiz (Nov 25): 4.NF.1, 4.NF.2 and the extension group, measured on Unit 4
  quiz (Dec 9): +25, +30, -7.5 points: 3 planned, 3 measured, mean change 47.5 / 3 = 15.8; no re-check
  overdue.
- commitments made in the window: the three groups' (done when measured), "Share exit tickets" (due
  Dec 4: open, overdue), "Bring student work samples" (due Dec 15: open), "Visit a grade 5 lesson"
  (dropped: neither done nor open). Made before the window: "Old commitment" (open, overdue: not
  counted). Done 3, open 2, overdue 1: no sign of needing support.

Grade 5 Math PLC (team 2), no norms, no schedule, no goal:
- one meeting held, Oct 22 (Thursday) 15:30: held 1, scheduled 0, the last on Oct 22, 49 days ago:
  no meeting for 21 days. Talk: Q1 1, drift 3 of 4 labels: 25 %, 0, 0, 0, drift 75 %, other 0.
- one assessment, Fractions check (2026-10-20): 1 in the window, the last 51 days ago: no assessment
  for 6 weeks. Its plan (Oct 21): one 4.NF.1 group, re-check Dec 1, never measured: 1 planned, 0
  measured, no mean change, 1 re-check overdue.
- commitments: the group's (due Oct 26, open, overdue), "Call families" (due Nov 20, open, overdue),
  "Order fraction tiles" (done): done 1, open 2, overdue 2, more than half of 3: commitments overdue.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from bot.assessments.goals import Goal
from bot.assessments.readers import read_results
from bot.assessments.service import AssessmentService
from bot.commitments.service import CommitmentService
from bot.meetings.recurrence import MeetingRule
from bot.meetings.schedules import ScheduleService
from bot.plans.grouping import EXTENSION
from bot.plans.service import GroupInput, PlanService
from storage.db import Database
from storage.models import FocusEvent, Meeting
from tests.plans.data import A_SCORES, B_SCORES, long_csv, no_standards_csv

NEW_YORK = ZoneInfo("America/New_York")
SETUP_AT = datetime(2026, 9, 1, 14, 0, tzinfo=UTC)
EXPORT_AT = datetime(2026, 12, 10, 17, 0, tzinfo=UTC)
FACILITATOR, JAMES = "U0TEACH02", "U0TEACH03"
STUDENT_NAMES = sorted(set(A_SCORES) | set(B_SCORES))

HEADERS_EN = [
    "Team", "Channel", "From", "To", "Meetings held", "Meetings scheduled", "Last meeting",
    "Labelled messages in meetings", "Talk on question 1: what should students learn (%)",
    "Talk on question 2: how will we know (%)", "Talk on question 3: when they don't learn (%)",
    "Talk on question 4: when they already know (%)", "Drift (%)", "Other talk (%)", "Norms set", "Goal standards",
    "Goal target (% proficient)", "Goal due", "Goal progress (% proficient)", "Assessments given",
    "Last assessment", "Plan groups planned", "Plan groups measured", "Mean change of measured groups (points)",
    "Re-checks overdue", "Commitments done", "Commitments open", "Commitments overdue", "May need support", "Why",
]
TEAM_1 = {
    "Team": "Grade 4 Math PLC", "Channel": "#grade4-math-plc", "From": "2026-10-15", "To": "2026-12-10",
    "Meetings held": 5, "Meetings scheduled": 7, "Last meeting": "2026-12-01", "Labelled messages in meetings": 20,
    "Talk on question 1: what should students learn (%)": 20.0, "Talk on question 2: how will we know (%)": 15.0,
    "Talk on question 3: when they don't learn (%)": 30.0, "Talk on question 4: when they already know (%)": 10.0,
    "Drift (%)": 15.0, "Other talk (%)": 10.0, "Norms set": "yes", "Goal standards": "4.NF.1, 4.NF.2",
    "Goal target (% proficient)": 80.0, "Goal due": "2027-05-28", "Goal progress (% proficient)": 71.4,
    "Assessments given": 2, "Last assessment": "2026-12-08", "Plan groups planned": 3, "Plan groups measured": 3,
    "Mean change of measured groups (points)": 15.8, "Re-checks overdue": 0, "Commitments done": 3,
    "Commitments open": 2, "Commitments overdue": 1, "May need support": "no", "Why": "",
}
TEAM_2 = {
    "Team": "Grade 5 Math PLC", "Channel": "#grade5-math-plc", "From": "2026-10-15", "To": "2026-12-10",
    "Meetings held": 1, "Meetings scheduled": 0, "Last meeting": "2026-10-22", "Labelled messages in meetings": 4,
    "Talk on question 1: what should students learn (%)": 25.0, "Talk on question 2: how will we know (%)": 0.0,
    "Talk on question 3: when they don't learn (%)": 0.0, "Talk on question 4: when they already know (%)": 0.0,
    "Drift (%)": 75.0, "Other talk (%)": 0.0, "Norms set": "no", "Goal standards": "",
    "Goal target (% proficient)": "", "Goal due": "", "Goal progress (% proficient)": "",
    "Assessments given": 1, "Last assessment": "2026-10-20", "Plan groups planned": 1, "Plan groups measured": 0,
    "Mean change of measured groups (points)": "", "Re-checks overdue": 1, "Commitments done": 1,
    "Commitments open": 2, "Commitments overdue": 2, "May need support": "yes",
    "Why": "no meeting held for 21 days; no assessment for 6 weeks; a plan group is past its re-check date "
           "without a result; more than half of its commitments are overdue",
}


def typed(row: dict[str, str], truth: dict[str, object]) -> dict[str, object]:
    """A CSV row with its cells read as the truth's types (numbers as numbers)."""
    return {key: type(truth[key])(value) if isinstance(truth.get(key), int | float) else value
            for key, value in row.items()}


def local(day: date, hour: int = 15, minute: int = 30) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=NEW_YORK).astimezone(UTC)


def store(db: Database, team_id: int, name: str, content: bytes, taken_on: date) -> int:
    table = read_results(content, filename="results.csv", teacher=FACILITATOR)
    return AssessmentService(db).store(team_id, name, taken_on, FACILITATOR, "results.csv", content,
                                       table).assessment_id


def meeting(db: Database, team_id: int, day: date, labels: list[tuple[str, int | None, int]],
            status: str = "ended") -> int:
    """A meeting of the team at 15:30 New York time with `count` focus labels of each (label, question)."""
    starts_at = local(day)
    with db.session() as session:
        row = Meeting(team_id=team_id, starts_at=starts_at, duration_minutes=60, status=status)
        session.add(row)
        session.flush()
        for label, question, count in labels:
            session.add_all(FocusEvent(team_id=team_id, meeting_id=row.id, thread_ts=f"{row.id}.0001", label=label,
                                       question=question, created_at=starts_at) for _ in range(count))
        return row.id


def seed_term(db: Database, team_1: int, team_2: int) -> None:
    assessments = AssessmentService(db)
    commitments = CommitmentService(db)
    plans = PlanService(db, assessments, commitments)

    # Team 1: schedule, meetings and their talk.
    ScheduleService(db).save(team_1, MeetingRule(
        weekdays=(1,), start=time(15, 30), duration_minutes=60, recurrence="weekly", first_date=date(2026, 10, 6),
        last_date=None, timezone="America/New_York", skip_dates=frozenset({date(2026, 11, 24)})), FACILITATOR,
        now=SETUP_AT)
    meeting(db, team_1, date(2026, 10, 6), [("drift", None, 5)])
    meeting(db, team_1, date(2026, 10, 20), [("learning", 1, 3), ("drift", None, 1)])
    meeting(db, team_1, date(2026, 10, 27), [("learning", 2, 3), ("other", None, 1)])
    meeting(db, team_1, date(2026, 11, 3), [("learning", 3, 4), ("drift", None, 2)])
    meeting(db, team_1, date(2026, 11, 17), [("learning", 3, 2), ("learning", 4, 2), ("other", None, 1)])
    meeting(db, team_1, date(2026, 12, 1), [("learning", 1, 1)])
    meeting(db, team_1, date(2026, 12, 8), [], status="planned")
    with db.session() as session:  # the channel's own talk (the focus keeper in channel mode) is not a meeting's
        session.add_all(FocusEvent(team_id=team_1, meeting_id=None, thread_ts="channel", label="drift",
                                   question=None, created_at=local(date(2026, 11, 4))) for _ in range(3))

    # Team 1: goal, assessments, the plan and its measure.
    assessments.set_goal(team_1, Goal(("4.NF.1", "4.NF.2"), 80.0, date(2027, 5, 28), FACILITATOR))
    store(db, team_1, "Baseline", no_standards_csv(), date(2026, 9, 10))
    unit_3 = store(db, team_1, "Unit 3 quiz", long_csv(A_SCORES), date(2026, 11, 20))
    plans.save(team_1, unit_3, [
        GroupInput("4.nf.1", JAMES, "small-group reteach with number lines", "small_group_reteach",
                   date(2026, 11, 30), date(2026, 12, 11)),
        GroupInput("4.nf.2", FACILITATOR, "fraction strips in pairs", "peer_tutoring", date(2026, 12, 1)),
        GroupInput(EXTENSION, JAMES, "design a fraction game", "enrichment_task"),
    ], created_by=FACILITATOR, now=local(date(2026, 11, 25), 10, 0))
    unit_4 = store(db, team_1, "Unit 4 quiz", long_csv(B_SCORES), date(2026, 12, 8))
    assert len(plans.measure(team_1, unit_4, "seed:measure", now=local(date(2026, 12, 9), 10, 0))) == 3

    # Team 1: other commitments.
    commitments.create(team_1, "Old commitment", JAMES, FACILITATOR, date(2026, 10, 10),
                       now=local(date(2026, 10, 1), 10, 0))
    commitments.create(team_1, "Share exit tickets on 4.NF.1", JAMES, JAMES, date(2026, 12, 4),
                       now=local(date(2026, 11, 26), 10, 0))
    commitments.create(team_1, "Bring student work samples", FACILITATOR, FACILITATOR, date(2026, 12, 15),
                       now=local(date(2026, 12, 2), 10, 0))
    visit = commitments.create(team_1, "Visit a grade 5 lesson", JAMES, JAMES, date(2026, 12, 3),
                               now=local(date(2026, 11, 27), 10, 0))
    commitments.drop(visit.id, "the visit clashed with report cards", JAMES, now=local(date(2026, 12, 1), 10, 0))

    # Team 2: one meeting long ago, one assessment and a plan never measured, commitments mostly overdue.
    meeting(db, team_2, date(2026, 10, 22), [("learning", 1, 1), ("drift", None, 3)])
    check = store(db, team_2, "Fractions check", long_csv(A_SCORES), date(2026, 10, 20))
    plans.save(team_2, check, [GroupInput("4.nf.1", JAMES, "number line warm-ups", "worked_examples",
                                          date(2026, 10, 26), date(2026, 12, 1))],
               created_by=FACILITATOR, now=local(date(2026, 10, 21), 10, 0))
    commitments.create(team_2, "Call families about fractions homework", FACILITATOR, FACILITATOR,
                       date(2026, 11, 20), now=local(date(2026, 11, 2), 10, 0))
    tiles = commitments.create(team_2, "Order fraction tiles", JAMES, JAMES, date(2026, 11, 6),
                               now=local(date(2026, 11, 2), 10, 0))
    commitments.mark_done(tiles.id, JAMES, now=local(date(2026, 11, 5), 10, 0))
