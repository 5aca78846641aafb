"""What changed in a team over one week, for a coach's Monday digest: counts only.

Plain Python (no Slack). Never a person: meetings held, assessments given, plan groups measured (each
with its mean change, in points) and commitments done, all counted per team.

Definitions (`since`/`until`: the week, `until` the digest's Monday 08:00 in the coach's zone):
- meetings held: the team's meetings that started in the week (opened, running or ended);
- assessments given: those whose day (its date, else the day it was first uploaded) falls in the week,
  by the team's own calendar (from the day of `since` to the day before `until`);
- groups measured: plan groups whose measurement was recorded in the week, with their mean change;
- commitments done: commitments closed as done in the week (whenever they were made).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from bot.assessments.service import given_on
from bot.teams import TeamService
from storage.db import Database
from storage.models import Assessment, Commitment, Meeting, PlanGroup

WEEK = timedelta(days=7)
_HELD = ("open", "running", "ended")


@dataclass(frozen=True)
class WeekChanges:
    team_id: int
    name: str
    channel_id: str
    meetings_held: int
    assessments_given: int
    changes: tuple[float, ...]  # each group measured in the week: its mean change, in points
    commitments_done: int

    @property
    def groups_measured(self) -> int:
        return len(self.changes)

    @property
    def quiet(self) -> bool:
        """Nothing at all happened in the week."""
        return not (self.meetings_held or self.assessments_given or self.changes or self.commitments_done)


class WeeklyChanges:
    def __init__(self, db: Database, teams: TeamService) -> None:
        self.db, self.teams = db, teams

    def of(self, team_ids: list[int], until: datetime, week: timedelta = WEEK) -> list[WeekChanges]:
        return [found for team_id in team_ids if (found := self.team(team_id, until, week)) is not None]

    def team(self, team_id: int, until: datetime, week: timedelta = WEEK) -> WeekChanges | None:
        team = self.teams.get(team_id)
        if team is None:
            return None
        since = until - week
        first_day, end_day = since.astimezone(team.zone).date(), until.astimezone(team.zone).date()
        with self.db.session() as session:
            held = session.scalar(select(func.count(Meeting.id)).where(
                Meeting.team_id == team_id, Meeting.status.in_(_HELD), Meeting.starts_at >= since,
                Meeting.starts_at < until)) or 0
            assessments = session.scalars(select(Assessment).where(Assessment.team_id == team_id)).all()
            given = sum(1 for a in assessments if first_day <= given_on(a) < end_day)
            results = session.scalars(select(PlanGroup.result).where(
                PlanGroup.team_id == team_id, PlanGroup.status == "measured", PlanGroup.measured_at >= since,
                PlanGroup.measured_at < until).order_by(PlanGroup.id)).all()
            done = session.scalar(select(func.count(Commitment.id)).where(
                Commitment.team_id == team_id, Commitment.status == "done", Commitment.closed_at >= since,
                Commitment.closed_at < until)) or 0
        changes = tuple(float(json.loads(r).get("change", 0.0)) for r in results if r)
        return WeekChanges(team.id, team.name, team.channel_id, int(held), given, changes, int(done))
