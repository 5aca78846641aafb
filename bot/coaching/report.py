"""A team's products and progress over a term, as a coach sees it: counts, shares and dates only.

Plain Python (no Slack). Never a student, a reflection, or who said what: the talk is the focus
keeper's labels counted per team; commitments are counted, not named.

Definitions (`since` = the start of the window, `now` its end, `today` the team's date):
- meetings held: the team's meetings that started in the window (opened, running or ended); scheduled:
  the occurrences of its schedule in the window (skip dates left out);
- talk: labels of messages in meeting threads in the window; each share is of all labelled messages;
- assessments: those given in the window; the goal's progress: its measure in the latest assessment
  with items on its standards;
- action plans: groups of plans made in the window, how many were measured and their mean changes;
- commitments: made in the window: done, open, and of the open ones those past their due date.
May need support (each with its reason): no meeting held for 21 days (a team older than that); no
assessment for 42 days (likewise); a plan group past its re-check date without a result; more than
half of the window's commitments overdue (at least two).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from bot.assessments.goals import Goal
from bot.assessments.service import AssessmentService, given_on
from bot.meetings.recurrence import occurrences
from bot.meetings.schedules import ScheduleService
from bot.teams import TeamService
from storage.db import Database
from storage.models import ActionPlan, Assessment, Commitment, FocusEvent, Meeting, PlanGroup

WINDOW = timedelta(weeks=8)
NO_MEETING = timedelta(days=21)
NO_ASSESSMENT = timedelta(days=42)
_HELD = ("open", "running", "ended")
QUESTIONS = (1, 2, 3, 4)


@dataclass(frozen=True)
class Talk:
    """Labelled messages of the team's meetings: per critical question, drift, other (counts)."""

    questions: dict[int, int] = field(default_factory=dict)
    drift: int = 0
    other: int = 0

    @property
    def total(self) -> int:
        return sum(self.questions.values()) + self.drift + self.other

    def share(self, question: int | None) -> float:
        """Percent of all labelled messages on `question` (None: drift)."""
        count = self.drift if question is None else self.questions.get(question, 0)
        return 100.0 * count / self.total if self.total else 0.0


@dataclass(frozen=True)
class TeamRow:
    team_id: int
    name: str
    channel_id: str
    since: datetime
    until: datetime
    meetings_held: int
    meetings_scheduled: int
    last_meeting: datetime | None
    talk: Talk
    norms_set: bool
    goal: Goal | None
    goal_percent: float | None  # its measure in the latest assessment that has its standards
    assessments: int
    last_assessment: date | None
    groups_planned: int
    groups_measured: int
    changes: tuple[float, ...]  # each measured group's mean change, in points
    rechecks_overdue: int
    commitments_done: int
    commitments_open: int
    commitments_overdue: int
    support: tuple[str, ...]  # reasons: no_meeting, no_assessment, recheck_overdue, commitments_overdue

    @property
    def needs_support(self) -> bool:
        return bool(self.support)


class TeamReports:
    def __init__(self, db: Database, teams: TeamService, schedules: ScheduleService,
                 assessments: AssessmentService) -> None:
        self.db, self.teams, self.schedules, self.assessments = db, teams, schedules, assessments

    def rows(self, team_ids: list[int], now: datetime | None = None, window: timedelta = WINDOW) -> list[TeamRow]:
        now = now or datetime.now(UTC)
        return [row for team_id in team_ids if (row := self.row(team_id, now, window)) is not None]

    def row(self, team_id: int, now: datetime, window: timedelta = WINDOW) -> TeamRow | None:
        team = self.teams.get(team_id)
        if team is None:
            return None
        since = now - window
        today = now.astimezone(team.zone).date()
        with self.db.session() as session:
            held = session.execute(select(func.count(Meeting.id), func.max(Meeting.starts_at)).where(
                Meeting.team_id == team_id, Meeting.status.in_(_HELD), Meeting.starts_at >= since,
                Meeting.starts_at <= now)).one()
            last_meeting = session.scalar(select(func.max(Meeting.starts_at)).where(
                Meeting.team_id == team_id, Meeting.status.in_(_HELD), Meeting.starts_at <= now))
            labels = session.execute(select(FocusEvent.label, FocusEvent.question, func.count(FocusEvent.id)).where(
                FocusEvent.team_id == team_id, FocusEvent.meeting_id.is_not(None), FocusEvent.created_at >= since,
                FocusEvent.created_at <= now).group_by(FocusEvent.label, FocusEvent.question)).all()
            assessments = session.execute(select(Assessment).where(Assessment.team_id == team_id)).scalars().all()
            days = [given_on(a) for a in assessments]
            groups = session.execute(select(PlanGroup.status, PlanGroup.result, PlanGroup.recheck_on)
                                     .join(ActionPlan, ActionPlan.id == PlanGroup.plan_id)
                                     .where(PlanGroup.team_id == team_id, ActionPlan.created_at >= since,
                                            ActionPlan.created_at <= now).order_by(PlanGroup.id)).all()
            overdue_rechecks = session.scalar(select(func.count(PlanGroup.id)).where(
                PlanGroup.team_id == team_id, PlanGroup.status == "open", PlanGroup.recheck_on < today)) or 0
            commitments = session.execute(select(Commitment.status, Commitment.due_on).where(
                Commitment.team_id == team_id, Commitment.created_at >= since, Commitment.created_at <= now)).all()
        questions: Counter[int] = Counter()
        drift = other = 0
        for label, question, count in labels:
            if label == "learning" and question in QUESTIONS:
                questions[int(question)] += int(count)
            elif label == "drift":
                drift += int(count)
            else:
                other += int(count)
        rule = self.schedules.get(team_id)
        scheduled = 0
        if rule is not None:
            scheduled = sum(1 for o in occurrences(rule, since, limit=200) if o.starts_at.astimezone(UTC) <= now)
        measured = [json.loads(result) for status, result, _ in groups if status == "measured" and result]
        done = sum(1 for status, _ in commitments if status == "done")
        still_open = [due for status, due in commitments if status == "open"]
        overdue = sum(1 for due in still_open if due is not None and due < today)
        goal = self.assessments.goal(team_id)
        goal_percent = None
        if goal is not None:
            progress = self.assessments.goal_progress(team_id, goal)
            goal_percent = progress[-1].percent if progress else None
        in_window = [d for d in days if since.astimezone(team.zone).date() <= d <= today]
        last_assessment = max((d for d in days if d <= today), default=None)
        support = []
        established = team.created_at <= now
        if established and team.created_at <= now - NO_MEETING and (
                last_meeting is None or last_meeting < now - NO_MEETING):
            support.append("no_meeting")
        if established and team.created_at <= now - NO_ASSESSMENT and (
                last_assessment is None or last_assessment < today - NO_ASSESSMENT):
            support.append("no_assessment")
        if overdue_rechecks:
            support.append("recheck_overdue")
        if overdue >= 2 and overdue * 2 > done + len(still_open):
            support.append("commitments_overdue")
        return TeamRow(
            team_id=team.id, name=team.name, channel_id=team.channel_id, since=since, until=now,
            meetings_held=int(held[0] or 0), meetings_scheduled=scheduled, last_meeting=last_meeting,
            talk=Talk(dict(questions), drift, other), norms_set=bool(team.norms), goal=goal, goal_percent=goal_percent,
            assessments=len(in_window), last_assessment=last_assessment, groups_planned=len(groups),
            groups_measured=len(measured), changes=tuple(float(m.get("change", 0.0)) for m in measured),
            rechecks_overdue=int(overdue_rechecks), commitments_done=done, commitments_open=len(still_open),
            commitments_overdue=overdue, support=tuple(support),
        )
