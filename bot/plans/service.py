"""Action plans: groups by standard with an owner and a strategy, measured on the next assessment.

Plain Python (no Slack). A plan is saved in one transaction with its groups, their students and one
commitment per group (its owner's, with the usual reminder), or not at all. When a later assessment
with items on a group's standard is stored, `measure` records the group's before and after, closes
its commitment with that evidence and adds the result to the workspace's library of what worked
(`bot.plans.library`), again in one transaction, once per job (`effect_key`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.assessments.analysis import Thresholds
from bot.assessments.goals import standard_key
from bot.assessments.service import AssessmentService, given_on
from bot.commitments.service import DONE, DROPPED, CommitmentService, local_today
from bot.i18n import catalog
from bot.jobs.effects import EffectLedger
from bot.plans.grouping import EXTENSION, RETEACH, ProposedGroup, propose_groups, standards_of, student_key
from bot.plans.grouping import measure as measure_group
from bot.plans.library import strategy_tags
from storage.db import Database
from storage.models import (
    ActionPlan,
    Assessment,
    AssessmentResult,
    AssessmentUpload,
    Commitment,
    Meeting,
    PlanGroup,
    PlanGroupStudent,
    StrategyEntry,
    Team,
)

MAX_GROUPS = 12  # a modal holds 100 blocks; each group takes six
STRATEGY_LIMIT = 500
OPEN, MEASURED = "open", "measured"
_HELD = ("open", "running", "ended")


class PlanError(ValueError):
    """A plan that cannot be saved; `key` is the catalog text that says why, `group` the group it is about."""

    def __init__(self, key: str, group: int | None = None, field: str = "owner", **params: object) -> None:
        super().__init__(key)
        self.key, self.group, self.field, self.params = key, group, field, params


@dataclass(frozen=True)
class GroupDraft:
    """A group the plan form offers: who it is for (counted, never named) and where it stands."""

    key: str
    kind: str
    standard: str
    students: int
    mean_percent: float


@dataclass(frozen=True)
class PlanDraft:
    assessment_id: int
    assessment_name: str
    thresholds: Thresholds
    groups: list[GroupDraft]
    planned: dict[str, GroupView]  # key -> the open group already planned for it (a second plan replaces it)


@dataclass(frozen=True)
class GroupInput:
    """What the team decided for one group."""

    key: str
    owner_id: str
    strategy: str
    tag: str | None = None
    happens_on: date | None = None
    recheck_on: date | None = None  # None: at the next assessment that covers the standard


@dataclass(frozen=True)
class GroupView:
    id: int
    plan_id: int
    team_id: int
    kind: str
    standard: str
    owner_id: str
    strategy: str
    tag: str | None
    happens_on: date | None
    recheck_on: date | None
    students: int
    before_percent: float
    status: str
    commitment_id: int | None
    assessment_name: str
    measured_on_name: str | None
    result: dict[str, Any] | None

    @property
    def key(self) -> str:
        return EXTENSION if self.kind == EXTENSION else standard_key(self.standard)


@dataclass(frozen=True)
class PlanView:
    id: int
    team_id: int
    assessment_id: int
    assessment_name: str
    created_by: str
    groups: list[GroupView]

    @property
    def owners(self) -> list[str]:
        return list(dict.fromkeys(group.owner_id for group in self.groups))


@dataclass(frozen=True)
class Member:
    """A student of a group, for its owner and the facilitators only."""

    student: str
    teacher_id: str
    before: float
    after: float | None


@dataclass(frozen=True)
class Measured:
    group_id: int
    updated: bool  # measured before on the same assessment, now with more of its uploads


def _result(group: PlanGroup) -> dict[str, Any] | None:
    return json.loads(group.result) if group.result else None


class PlanService:
    def __init__(self, db: Database, assessments: AssessmentService, commitments: CommitmentService) -> None:
        self.db, self.assessments, self.commitments = db, assessments, commitments

    # ---------------------------------------------------------------- the form
    def latest_with_standards(self, team_id: int) -> str | None:
        """The name of the team's most recent assessment that has standards (None when there is none)."""
        with self.db.session() as session:
            rows = session.execute(
                select(Assessment.id, Assessment.name, Assessment.taken_on, Assessment.created_at)
                .join(AssessmentUpload, AssessmentUpload.assessment_id == Assessment.id)
                .join(AssessmentResult, AssessmentResult.upload_id == AssessmentUpload.id)
                .where(Assessment.team_id == team_id, AssessmentResult.standard.is_not(None)).distinct()).all()
        if not rows:
            return None
        return max(rows, key=lambda r: (r.taken_on or r.created_at.date(), r.id)).name

    def _proposed(self, team_id: int, name: str) -> tuple[Assessment | None, list[ProposedGroup], Thresholds]:
        thresholds = self.assessments.policy(team_id).thresholds()
        with self.db.session() as session:
            assessment = session.scalars(select(Assessment).where(Assessment.team_id == team_id,
                                                                  Assessment.name == name.strip())).first()
            if assessment is not None:
                session.expunge(assessment)
        if assessment is None:
            return None, [], thresholds
        results = self.assessments.team_results(team_id, assessment.name)
        if not standards_of(results):
            raise PlanError("plans.errors.no_standards", name=assessment.name)
        return assessment, propose_groups(results, thresholds, MAX_GROUPS), thresholds

    def draft(self, team_id: int, name: str) -> PlanDraft:
        """The groups of the assessment `name` for the plan form (PlanError when there is nothing to plan)."""
        assessment, proposed, thresholds = self._proposed(team_id, name)
        if assessment is None:
            raise PlanError("plans.errors.not_found", name=name.strip())
        if not proposed:
            raise PlanError("plans.errors.nobody", name=assessment.name)
        groups = [GroupDraft(g.key, g.kind, g.standard, len(g.students), g.mean_percent) for g in proposed]
        plan = self.plan_for(team_id, assessment.id)
        planned = {g.key: g for g in plan.groups if g.status == OPEN} if plan else {}
        return PlanDraft(assessment.id, assessment.name, thresholds, groups, planned)

    # ---------------------------------------------------------------- saving
    def save(self, team_id: int, assessment_id: int, inputs: Sequence[GroupInput], created_by: str,
             now: datetime | None = None) -> PlanView:
        """Save the plan (or its new version: a group planned again replaces its open predecessor, whose
        commitment is dropped); every group gets its students and its owner's commitment. PlanError (and
        nothing stored) for a gone assessment, an empty group, a past date or a missing owner or strategy."""
        now = now or datetime.now(UTC)
        if not inputs:
            raise PlanError("plans.errors.no_groups", group=0)
        with self.db.session() as session:
            assessment = session.get(Assessment, assessment_id)
            team = session.get(Team, team_id)
            if assessment is None or team is None or assessment.team_id != team_id:
                raise PlanError("plans.errors.assessment_gone")
            name = assessment.name
        _, proposed, _ = self._proposed(team_id, name)
        by_key = {group.key: group for group in proposed}
        today = local_today(team.timezone, now)
        for index, entry in enumerate(inputs):
            self._check(index, entry, by_key, today)
        texts = catalog(team.language)
        with self.db.session() as session:
            team = session.get(Team, team_id, with_for_update=True)
            assessment = session.get(Assessment, assessment_id)
            if team is None or assessment is None:
                raise PlanError("plans.errors.assessment_gone")
            plan = session.scalars(select(ActionPlan).where(ActionPlan.assessment_id == assessment_id)).first()
            if plan is None:
                plan = ActionPlan(team_id=team_id, assessment_id=assessment_id, created_by=created_by, created_at=now)
                session.add(plan)
                session.flush()
            for entry in inputs:
                self._replace_open(session, plan.id, entry.key, now, texts.t("plans.replaced_note"))
                group = by_key[entry.key]
                self._add_group(session, team, plan, assessment, group, entry, created_by, now, texts)
            session.flush()
            return self._plan_view(session, plan)

    @staticmethod
    def _check(index: int, entry: GroupInput, by_key: dict[str, ProposedGroup], today: date) -> None:
        group = by_key.get(entry.key)
        if group is None or not group.students:
            raise PlanError("plans.errors.empty_group", group=index)
        if not entry.owner_id:
            raise PlanError("plans.errors.no_owner", group=index, field="owner")
        strategy = " ".join(entry.strategy.split())
        if not strategy:
            raise PlanError("plans.errors.no_strategy", group=index, field="strategy")
        if len(strategy) > STRATEGY_LIMIT:
            raise PlanError("plans.errors.strategy_too_long", group=index, field="strategy", limit=STRATEGY_LIMIT)
        if entry.happens_on is not None and entry.happens_on < today:
            raise PlanError("plans.errors.past_date", group=index, field="when", day=entry.happens_on)
        if entry.recheck_on is not None and entry.recheck_on < today:
            raise PlanError("plans.errors.past_date", group=index, field="recheck", day=entry.recheck_on)
        if entry.recheck_on is not None and entry.happens_on is not None and entry.recheck_on < entry.happens_on:
            raise PlanError("plans.errors.recheck_before", group=index, field="recheck")

    @staticmethod
    def _replace_open(session: Session, plan_id: int, key: str, now: datetime, note: str) -> None:
        for old in session.scalars(select(PlanGroup).where(PlanGroup.plan_id == plan_id, PlanGroup.status == OPEN)):
            old_key = EXTENSION if old.kind == EXTENSION else standard_key(old.standard)
            if old_key == key:
                if old.commitment_id is not None:
                    CommitmentService.close_in(session, old.commitment_id, DROPPED, note, now)
                session.delete(old)
        session.flush()

    def _add_group(self, session: Session, team: Team, plan: ActionPlan, assessment: Assessment,
                   group: ProposedGroup, entry: GroupInput, created_by: str, now: datetime, texts: Any) -> None:
        strategy = " ".join(entry.strategy.split())
        count = len(group.students)
        shown = texts.t("plans.extension_name") if group.kind == EXTENSION else group.standard
        text = texts.t("plans.commitment_text", standard=shown, strategy=strategy, count=count,
                       assessment=assessment.name)
        commitment = self.commitments.add(session, team, text, entry.owner_id, created_by,
                                          entry.happens_on or entry.recheck_on,
                                          group.standard if group.kind == RETEACH else None, assessment.id, now)
        row = PlanGroup(plan_id=plan.id, team_id=team.id, kind=group.kind, standard=group.standard[:200],
                        owner_id=entry.owner_id, strategy=strategy,
                        tag=entry.tag if entry.tag in strategy_tags() else None,
                        happens_on=entry.happens_on, recheck_on=entry.recheck_on, commitment_id=commitment.id,
                        students=count, before_percent=group.mean_percent, status=OPEN, created_at=now)
        session.add(row)
        session.flush()
        session.add_all(PlanGroupStudent(group_id=row.id, student=mark.student, teacher_id=mark.teacher_id,
                                         before_percent=mark.percent) for mark in group.students)

    # ---------------------------------------------------------------- reading
    def plan(self, plan_id: int) -> PlanView | None:
        with self.db.session() as session:
            plan = session.get(ActionPlan, plan_id)
            return self._plan_view(session, plan) if plan is not None else None

    def plan_for(self, team_id: int, assessment_id: int) -> PlanView | None:
        with self.db.session() as session:
            plan = session.scalars(select(ActionPlan).where(ActionPlan.team_id == team_id,
                                                            ActionPlan.assessment_id == assessment_id)).first()
            return self._plan_view(session, plan) if plan is not None else None

    def group(self, group_id: int) -> GroupView | None:
        with self.db.session() as session:
            row = session.get(PlanGroup, group_id)
            return self._group_views(session, [row])[0] if row is not None else None

    def members(self, group_id: int) -> list[Member]:
        """The group's students (student data: for its owner and the team's facilitators only)."""
        with self.db.session() as session:
            rows = session.scalars(select(PlanGroupStudent).where(PlanGroupStudent.group_id == group_id)
                                   .order_by(PlanGroupStudent.id))
            return [Member(r.student, r.teacher_id, r.before_percent, r.after_percent) for r in rows]

    def groups_of_team(self, team_id: int, status: str | None = None) -> list[GroupView]:
        with self.db.session() as session:
            query = select(PlanGroup).where(PlanGroup.team_id == team_id)
            if status is not None:
                query = query.where(PlanGroup.status == status)
            return self._group_views(session, list(session.scalars(query.order_by(PlanGroup.id))))

    def measured_for_meeting(self, team_id: int, starts_at: datetime) -> list[GroupView]:
        """Groups measured since the team's previous meeting (before the one starting at `starts_at`)."""
        with self.db.session() as session:
            previous = session.scalar(select(func.max(Meeting.starts_at)).where(
                Meeting.team_id == team_id, Meeting.starts_at < starts_at, Meeting.status.in_(_HELD)))
            query = select(PlanGroup).where(PlanGroup.team_id == team_id, PlanGroup.status == MEASURED,
                                            PlanGroup.measured_at <= starts_at)
            if previous is not None:
                query = query.where(PlanGroup.measured_at > previous)
            return self._group_views(session, list(session.scalars(query.order_by(PlanGroup.id))))

    def _plan_view(self, session: Session, plan: ActionPlan) -> PlanView:
        rows = list(session.scalars(select(PlanGroup).where(PlanGroup.plan_id == plan.id).order_by(PlanGroup.id)))
        name = session.scalar(select(Assessment.name).where(Assessment.id == plan.assessment_id)) or ""
        return PlanView(plan.id, plan.team_id, plan.assessment_id, name, plan.created_by,
                        self._group_views(session, rows))

    @staticmethod
    def _group_views(session: Session, rows: list[PlanGroup]) -> list[GroupView]:
        plan_ids = {r.plan_id for r in rows}
        names = dict(session.execute(select(ActionPlan.id, Assessment.name).join(
            Assessment, Assessment.id == ActionPlan.assessment_id).where(ActionPlan.id.in_(plan_ids))).all()) \
            if plan_ids else {}
        measured_ids = {r.measured_assessment_id for r in rows if r.measured_assessment_id is not None}
        measured = dict(session.execute(select(Assessment.id, Assessment.name)
                                        .where(Assessment.id.in_(measured_ids))).all()) if measured_ids else {}
        views = []
        for r in rows:
            result = _result(r)
            views.append(GroupView(
                r.id, r.plan_id, r.team_id, r.kind, r.standard, r.owner_id, r.strategy, r.tag, r.happens_on,
                r.recheck_on, r.students, r.before_percent, r.status, r.commitment_id, names.get(r.plan_id, ""),
                measured.get(r.measured_assessment_id) or (result or {}).get("assessment"), result))
        return views

    # ---------------------------------------------------------------- measuring
    def measure(self, team_id: int, assessment_id: int, effect_key: str, now: datetime | None = None) -> list[Measured]:
        """Measure every open group of the team on the assessment `assessment_id` just stored (and again the
        groups measured on it before, when another upload changed their figures). Once per `effect_key`.

        One transaction that first takes the team's row lock (a no-op write: on SQLite, the write lock), so
        two uploads' jobs measure one after the other, the second on the figures of both."""
        now = now or datetime.now(UTC)
        with self.db.session() as session:
            if (earlier := EffectLedger.earlier_result(session, effect_key)) is not None:
                return [Measured(g, u) for g, u in earlier.get("measured", [])]
            session.execute(update(Team).where(Team.id == team_id).values(share_strategies=Team.share_strategies))
            if (earlier := EffectLedger.earlier_result(session, effect_key)) is not None:
                return [Measured(g, u) for g, u in earlier.get("measured", [])]  # a racing delivery did it
            done = self._measure(session, team_id, assessment_id, now)
            EffectLedger.record(session, effect_key, {"measured": [[m.group_id, m.updated] for m in done]})
            return done

    def _measure(self, session: Session, team_id: int, assessment_id: int, now: datetime) -> list[Measured]:
        later, team = session.get(Assessment, assessment_id), session.get(Team, team_id)
        if later is None or team is None:
            return []
        later_order = (given_on(later), later.id)
        candidates = session.execute(
            select(PlanGroup, Assessment.name, Assessment.taken_on, Assessment.created_at, Assessment.id)
            .join(ActionPlan, ActionPlan.id == PlanGroup.plan_id)
            .join(Assessment, Assessment.id == ActionPlan.assessment_id)
            .where(PlanGroup.team_id == team_id, ActionPlan.assessment_id != assessment_id,
                   (PlanGroup.status == OPEN) | (PlanGroup.measured_assessment_id == assessment_id))
            .order_by(PlanGroup.id)).all()
        wanted = [(group, name) for group, name, taken_on, created_at, aid in candidates
                  if (taken_on or created_at.date(), aid) < later_order]
        if not wanted:
            return []
        later_results = self.assessments.team_results(team_id, later.name)
        later_keys = set(standards_of(later_results))
        thresholds = self.assessments.policy(team_id).thresholds()
        texts = catalog(team.language)
        earlier_results: dict[str, Any] = {}
        done = []
        for group, earlier_name in wanted:
            if earlier_name not in earlier_results:
                earlier_results[earlier_name] = self.assessments.team_results(team_id, earlier_name)
            earlier = earlier_results[earlier_name]
            if group.kind == EXTENSION:
                keys = [k for k in standards_of(earlier) if k in later_keys]
                line = thresholds.extension_from
            else:
                keys = [standard_key(group.standard)] if standard_key(group.standard) in later_keys else []
                line = thresholds.intervention_below
            if not keys:
                continue
            students = {student_key(s.student): s.before_percent for s in session.scalars(
                select(PlanGroupStudent).where(PlanGroupStudent.group_id == group.id))}
            found = measure_group(students, keys, earlier, later_results, line)
            if found is None:
                continue
            aggregates = {**found.aggregates(), "assessment": later.name}
            if group.status == MEASURED and _result(group) == json.loads(json.dumps(aggregates)):
                continue
            updated = group.status == MEASURED
            self._store_measurement(session, group, team, assessment_id, later.name, found, now, texts)
            done.append(Measured(group.id, updated))
        return done

    @staticmethod
    def _store_measurement(session: Session, group: PlanGroup, team: Team, assessment_id: int, name: str,
                           found: Any, now: datetime, texts: Any) -> None:
        aggregates = {**found.aggregates(), "assessment": name}
        group.status, group.measured_assessment_id, group.measured_at = MEASURED, assessment_id, now
        group.result = json.dumps(aggregates)
        for student in session.scalars(select(PlanGroupStudent).where(PlanGroupStudent.group_id == group.id)):
            student.after_percent = found.after_by_student.get(student_key(student.student))
        if group.commitment_id is not None:
            note = texts.t("plans.evidence", assessment=name, crossed=found.crossed, matched=found.matched,
                           line=f"{found.line:g}", change=f"{found.change:+.0f}")
            if not CommitmentService.close_in(session, group.commitment_id, DONE, note, now):
                row = session.get(Commitment, group.commitment_id)
                if row is not None and row.status == DONE:
                    row.status_note = note  # re-measured: the evidence follows
        entry = session.scalars(select(StrategyEntry).where(StrategyEntry.group_id == group.id)).first()
        if entry is None:
            entry = StrategyEntry(group_id=group.id, created_at=now)
            session.add(entry)
        entry.workspace_id, entry.team_id, entry.kind, entry.standard = team.workspace_id, team.id, group.kind, \
            group.standard
        entry.grade_band, entry.subject, entry.team_name = team.grade_band or "", team.subject or "", team.name
        entry.strategy, entry.tag = group.strategy, group.tag
        entry.students, entry.crossed, entry.change = found.matched, found.crossed, found.change
        entry.others, entry.others_change, entry.line = found.others, found.others_change, found.line
        entry.measured_on = local_today(team.timezone, now)

    def share_owner_name(self, group_id: int, user_id: str, share: bool = True) -> bool:
        """The owner shows (or hides) their name on the group's library entry; False for anyone else."""
        with self.db.session() as session:
            group = session.get(PlanGroup, group_id)
            if group is None or group.owner_id != user_id:
                return False
            entry = session.scalars(select(StrategyEntry).where(StrategyEntry.group_id == group_id)).first()
            if entry is None:
                return False
            entry.owner_id = user_id if share else None
            return True
