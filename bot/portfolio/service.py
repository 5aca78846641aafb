"""A member's professional-learning portfolio: their own inquiry cycles, commitments and reflections.

Plain Python (no Slack). Everything is the asking member's own: plan groups they owned (in any team of
the workspace, also one they have left, and their copy of those whose assessment was deleted since:
`bot.portfolio.kept`), commitments they own, reflections they wrote (private ones too: it is their own
copy). A group's measured result is its stored aggregates (counts and means); the
group's students are never read here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import aliased

from bot.commitments.service import DONE, DROPPED, OPEN
from bot.reflections.service import ReflectionEntry, ReflectionService
from storage.db import Database
from storage.models import ActionPlan, Assessment, Commitment, KeptCycle, PlanGroup, Team


@dataclass(frozen=True)
class Cycle:
    """One plan group the member owned: what was tried for whom (counted), and what it did."""

    group_id: int
    team_name: str
    kind: str  # reteach | extension
    standard: str
    assessment: str
    assessment_on: date | None
    strategy: str
    tag: str | None
    students: int
    before_percent: float
    happens_on: date | None
    recheck_on: date | None
    planned_on: date
    status: str  # open | measured
    measured_on: date | None
    result: dict[str, Any] | None  # aggregates: matched, missing, before, after, change, crossed, line, others...

    @property
    def measured(self) -> bool:
        return self.result is not None


@dataclass(frozen=True)
class CommitmentItem:
    team_name: str
    text: str
    due_on: date | None
    status: str
    note: str | None  # a dropped one's reason, a plan group's evidence
    created_on: date
    closed_on: date | None
    overdue: bool


@dataclass(frozen=True)
class Portfolio:
    user_id: str
    cycles: list[Cycle]  # oldest first
    commitments: list[CommitmentItem]  # by due date
    reflections: list[ReflectionEntry]  # oldest first
    teams: list[str]  # names of the teams it draws on

    @property
    def empty(self) -> bool:
        return not (self.cycles or self.commitments or self.reflections)

    def by_status(self, status: str) -> list[CommitmentItem]:
        return [c for c in self.commitments if c.status == status]

    @property
    def kept(self) -> list[CommitmentItem]:
        return self.by_status(DONE)

    @property
    def still_open(self) -> list[CommitmentItem]:
        return self.by_status(OPEN)

    @property
    def dropped(self) -> list[CommitmentItem]:
        return self.by_status(DROPPED)


def _local(moment: datetime | None, zone: str) -> date | None:
    return moment.astimezone(ZoneInfo(zone)).date() if moment is not None else None


class PortfolioService:
    def __init__(self, db: Database, reflections: ReflectionService) -> None:
        self.db, self.reflections = db, reflections

    def gather(self, workspace_id: str, user_id: str, now: datetime | None = None) -> Portfolio:
        """The member's portfolio across every team of the workspace (nobody else's, whoever asks)."""
        now = now or datetime.now(UTC)
        measured_on = aliased(Assessment)
        with self.db.session() as session:
            groups = session.execute(
                select(PlanGroup, Team.name, Team.timezone, Assessment.name, Assessment.taken_on,
                       ActionPlan.created_at, measured_on.name)
                .join(Team, Team.id == PlanGroup.team_id)
                .join(ActionPlan, ActionPlan.id == PlanGroup.plan_id)
                .join(Assessment, Assessment.id == ActionPlan.assessment_id)
                .outerjoin(measured_on, measured_on.id == PlanGroup.measured_assessment_id)
                .where(Team.workspace_id == workspace_id, PlanGroup.owner_id == user_id)
                .order_by(ActionPlan.created_at, PlanGroup.id)).all()
            kept = session.execute(
                select(KeptCycle, Team.name, Team.timezone).join(Team, Team.id == KeptCycle.team_id)
                .where(Team.workspace_id == workspace_id, KeptCycle.owner_id == user_id)).all()
            commitments = session.execute(
                select(Commitment, Team.name, Team.timezone).join(Team, Team.id == Commitment.team_id)
                .where(Team.workspace_id == workspace_id, Commitment.owner_id == user_id)
                .order_by(Commitment.due_on.is_(None), Commitment.due_on, Commitment.created_at, Commitment.id)).all()
        planned: list[tuple[datetime, int, Cycle]] = []  # oldest plan first, then by group
        for group, team_name, zone, assessment, taken_on, planned_at, later_name in groups:
            result = json.loads(group.result) if group.result else None
            if result is not None and later_name and not result.get("assessment"):
                result["assessment"] = later_name
            planned.append((planned_at, group.id, Cycle(
                group.id, team_name, group.kind, group.standard, assessment, taken_on, group.strategy, group.tag,
                group.students, group.before_percent, group.happens_on, group.recheck_on,
                _local(planned_at, zone) or now.date(), group.status, _local(group.measured_at, zone), result)))
        # Groups whose assessment was deleted since: their owner's copy (storage's KeptCycle).
        for copy, team_name, zone in kept:
            planned.append((copy.planned_at, copy.group_id, Cycle(
                copy.group_id, team_name, copy.kind, copy.standard, copy.assessment, copy.assessment_on,
                copy.strategy, copy.tag, copy.students, copy.before_percent, copy.happens_on, copy.recheck_on,
                _local(copy.planned_at, zone) or now.date(), copy.status, _local(copy.measured_at, zone),
                json.loads(copy.result) if copy.result else None)))
        cycles = [cycle for _, _, cycle in sorted(planned, key=lambda entry: (entry[0], entry[1]))]
        items = []
        for row, team_name, zone in commitments:
            today = now.astimezone(ZoneInfo(zone)).date()
            items.append(CommitmentItem(
                team_name, row.text, row.due_on, row.status, row.status_note, _local(row.created_at, zone) or today,
                _local(row.closed_at, zone), row.status == OPEN and row.due_on is not None and row.due_on < today))
        reflections = list(reversed(self.reflections.log(workspace_id, user_id)))
        teams = list(dict.fromkeys([c.team_name for c in cycles] + [c.team_name for c in items]
                                   + [r.team_name for r in reflections]))
        return Portfolio(user_id, cycles, items, reflections, teams)
