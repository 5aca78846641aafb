"""Stored assessment results: each teacher's upload per assessment, combined for the team.

Plain Python (no Slack). One teacher has at most one upload per assessment: the same file again
changes nothing, another file replaces that teacher's rows in one transaction.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.assessments.goals import Goal, GoalPoint, goal_point, parse_standards, standard_key
from bot.assessments.item_standards import ItemMap
from bot.assessments.policy import AssessmentPolicy
from bot.jobs.effects import EffectLedger
from bot.portfolio.kept import keep_cycles
from storage.db import Database
from storage.models import Assessment, AssessmentResult, AssessmentUpload, Team, TeamGoal

if TYPE_CHECKING:  # pandas is imported when results are read, not when the app starts
    import pandas as pd

    from bot.assessments.readers import ResultTable

NAME_LIMIT = 150
COVERS_LIMIT = 200


@dataclass(frozen=True)
class StoreOutcome:
    assessment_id: int
    replaced: bool
    duplicate: bool


@dataclass(frozen=True)
class DeletedAssessment:
    """What deleting an assessment did beyond its results: how many plan groups' owners kept their
    copy of a group for their portfolios (`bot.portfolio.kept`; the groups' students are gone)."""

    kept_cycles: int


@dataclass(frozen=True)
class MappedStandards:
    """What `/plc data map` changed: distinct items, result rows, and uploads they belong to."""

    items: tuple[str, ...]  # as each upload names them, in upload order
    rows: int
    uploads: int


@dataclass(frozen=True)
class AssessmentInfo:
    name: str
    taken_on: date | None
    teachers: list[str]  # who uploaded, in upload order
    rows: int
    covers: str | None = None
    kept_until: date | None = None  # the last day its results are kept


@dataclass(frozen=True)
class StandardGrowth:
    """One standard's percent of points now and in the latest earlier assessment that had it."""

    standard: str
    before: float
    now: float
    since: str  # that earlier assessment's name

    @property
    def change(self) -> float:
        return self.now - self.before


def given_on(assessment: Assessment) -> date:
    """The day an assessment was given: its date, or the day it was first uploaded."""
    return assessment.taken_on or assessment.created_at.date()


def content_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _missing(value: Any) -> bool:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    try:
        return bool(value != value)  # NaN-like
    except (TypeError, ValueError):  # pandas.NA cannot be compared
        return True


def _text(value: Any) -> str | None:
    return None if _missing(value) else str(value)


def _number(value: Any) -> float | None:
    return None if _missing(value) else float(value)


class AssessmentService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def store(self, team_id: int, name: str, taken_on: date | None, teacher_id: str, filename: str,
              content: bytes, table: ResultTable, covers: str | None = None,
              effect_key: str | None = None) -> StoreOutcome:
        """Keep `teacher_id`'s results for the team's assessment `name` (created when new).

        With `effect_key` (a job's), the store happens once however often the job is delivered: a
        second call returns the first call's outcome and changes nothing.
        """
        name = name.strip()[:NAME_LIMIT]
        covers = (covers or "").strip()[:COVERS_LIMIT] or None
        digest = content_hash(content)
        # The chosen answer and the key are kept only when the export had them (else both stay NULL).
        rows = [
            {"student": str(r["student"]), "section": _text(r.get("section")), "item": str(r["item"]),
             "standard": _text(r.get("standard")), "score": _number(r.get("score")),
             "max_points": float(r["max_points"]), "status": str(r["status"]),
             "answer": _text(r.get("answer")), "correct_answer": _text(r.get("key"))}
            for r in table.results.to_dict("records")
        ]
        for attempt in range(2):  # a second try when another teacher created the assessment meanwhile
            try:
                with self.db.session() as session:
                    if effect_key is not None and (earlier := EffectLedger.earlier_result(session, effect_key)):
                        return StoreOutcome(**earlier)
                    outcome = self._store(session, team_id, name, taken_on, covers, teacher_id, filename[:255],
                                          digest, table.format, rows)
                    if effect_key is not None:
                        EffectLedger.record(session, effect_key, dataclasses.asdict(outcome))
                    return outcome
            except IntegrityError:
                if attempt:
                    raise
        raise AssertionError("unreachable")

    @staticmethod
    def _store(session: Session, team_id: int, name: str, taken_on: date | None, covers: str | None,
               teacher_id: str, filename: str, digest: str, format: str, rows: list[dict[str, Any]]) -> StoreOutcome:
        assessment = session.scalars(select(Assessment).where(Assessment.team_id == team_id,
                                                              Assessment.name == name)).first()
        if assessment is None:
            assessment = Assessment(team_id=team_id, name=name, taken_on=taken_on, covers=covers)
            session.add(assessment)
            session.flush()
        upload = session.scalars(select(AssessmentUpload).where(AssessmentUpload.assessment_id == assessment.id,
                                                                AssessmentUpload.teacher_id == teacher_id)).first()
        if upload is not None and upload.content_hash == digest:
            return StoreOutcome(assessment.id, replaced=False, duplicate=True)
        if taken_on is not None:
            assessment.taken_on = taken_on
        if covers is not None:
            assessment.covers = covers
        replaced = upload is not None
        if upload is None:
            upload = AssessmentUpload(assessment_id=assessment.id, teacher_id=teacher_id, content_hash=digest,
                                      filename=filename, format=format)
            session.add(upload)
            session.flush()
        else:
            session.execute(delete(AssessmentResult).where(AssessmentResult.upload_id == upload.id))
            upload.content_hash, upload.filename, upload.format = digest, filename, format
        if rows:
            session.execute(insert(AssessmentResult), [{**row, "upload_id": upload.id} for row in rows])
        return StoreOutcome(assessment.id, replaced=replaced, duplicate=False)

    def team_results(self, team_id: int, assessment_name: str) -> pd.DataFrame:
        """Every teacher's rows of the assessment, as `ResultTable.results` (teacher = uploader).

        The columns "answer" and "key" (`ANSWER_COLUMNS`) come too when some row has a chosen answer
        or a key, so a later analysis finds the misconceptions the upload's did.
        """
        import pandas as pd

        from bot.assessments.formats.grid import ANSWER_COLUMNS
        from bot.assessments.readers import RESULT_COLUMNS

        query = (select(AssessmentResult.student, AssessmentUpload.teacher_id, AssessmentResult.section,
                        AssessmentResult.item, AssessmentResult.standard, AssessmentResult.score,
                        AssessmentResult.max_points, AssessmentResult.status, AssessmentResult.answer,
                        AssessmentResult.correct_answer)
                 .join(AssessmentUpload, AssessmentResult.upload_id == AssessmentUpload.id)
                 .join(Assessment, AssessmentUpload.assessment_id == Assessment.id)
                 .where(Assessment.team_id == team_id, Assessment.name == assessment_name.strip())
                 .order_by(AssessmentUpload.id, AssessmentResult.id))
        with self.db.session() as session:
            records = [tuple(row) for row in session.execute(query)]
        frame = pd.DataFrame.from_records(records, columns=RESULT_COLUMNS + ANSWER_COLUMNS)
        frame["score"] = pd.to_numeric(frame["score"], errors="coerce").astype(float)
        frame["max_points"] = pd.to_numeric(frame["max_points"], errors="coerce").astype(float)
        if frame["answer"].isna().all() and frame["key"].isna().all():
            frame = frame.drop(columns=ANSWER_COLUMNS)
        return frame

    def uploaders(self, team_id: int, name: str) -> list[str]:
        query = (select(AssessmentUpload.teacher_id).join(Assessment)
                 .where(Assessment.team_id == team_id, Assessment.name == name.strip())
                 .order_by(AssessmentUpload.id))
        with self.db.session() as session:
            return list(session.scalars(query))

    def delete(self, team_id: int, name: str) -> DeletedAssessment | None:
        """Remove the assessment with every upload and result row (and its plan); None when there is none."""
        try:
            with self.db.session() as session:
                assessment = session.scalars(select(Assessment).where(Assessment.team_id == team_id,
                                                                      Assessment.name == name.strip())).first()
                if assessment is None:
                    return None
                return DeletedAssessment(kept_cycles=self._delete(session, assessment.id))
        except IntegrityError:  # deleted at this moment by another (SQLite locks no row: its copies clash)
            return None

    def map_standards(self, team_id: int, name: str, item_map: ItemMap) -> MappedStandards | None:
        """Give the items of every teacher's upload of `name` the standards of `item_map`, in one
        transaction (a later correction: it replaces the file's own standard of a mapped item).

        None when the team has no such assessment; MapProblem (nothing changed) when an item of the
        map is in no upload, or the map is ambiguous or contradictory for an upload's items.
        """
        with self.db.session() as session:
            assessment = session.scalars(select(Assessment).where(Assessment.team_id == team_id,
                                                                  Assessment.name == name.strip())).first()
            if assessment is None:
                return None
            rows = session.execute(
                select(AssessmentUpload.id, AssessmentResult.item).distinct()
                .join(AssessmentResult, AssessmentResult.upload_id == AssessmentUpload.id)
                .where(AssessmentUpload.assessment_id == assessment.id)
                .order_by(AssessmentUpload.id, AssessmentResult.item)).all()
            items_of: dict[int, list[str]] = defaultdict(list)
            for upload_id, item in rows:
                items_of[upload_id].append(str(item))
            item_map.check_found(items_of.values())
            assigned = {upload_id: item_map.resolve(items, require_all=False) for upload_id, items in items_of.items()}
            changed_rows, changed_items, touched = 0, dict[str, None](), set()
            for upload_id, by_item in assigned.items():
                items_by_standard: dict[str, list[str]] = defaultdict(list)
                for item, standard in by_item.items():
                    items_by_standard[standard].append(item)
                    changed_items[item] = None
                    touched.add(upload_id)
                # One statement per standard of an upload (a handful), not one per item.
                for standard, items in items_by_standard.items():
                    result = session.execute(update(AssessmentResult)
                                             .where(AssessmentResult.upload_id == upload_id,
                                                    AssessmentResult.item.in_(items))
                                             .values(standard=standard))
                    changed_rows += int(result.rowcount or 0)
            return MappedStandards(tuple(changed_items), changed_rows, len(touched))

    def list(self, team_id: int) -> list[AssessmentInfo]:  # noqa: A003 - the brief's name
        """The team's assessments, newest first, with who uploaded, how many rows are kept and until when."""
        policy = self.policy(team_id)
        with self.db.session() as session:
            assessments = session.scalars(select(Assessment).where(Assessment.team_id == team_id)
                                          .order_by(Assessment.created_at.desc(), Assessment.id.desc())).all()
            # Every upload of the team's assessments with its row count, in one query.
            uploads: dict[int, list[tuple[str, int]]] = defaultdict(list)
            for assessment_id, teacher_id, rows in session.execute(
                    select(AssessmentUpload.assessment_id, AssessmentUpload.teacher_id, func.count(AssessmentResult.id))
                    .join(Assessment, Assessment.id == AssessmentUpload.assessment_id)
                    .outerjoin(AssessmentResult, AssessmentResult.upload_id == AssessmentUpload.id)
                    .where(Assessment.team_id == team_id)
                    .group_by(AssessmentUpload.id, AssessmentUpload.assessment_id, AssessmentUpload.teacher_id)
                    .order_by(AssessmentUpload.id)):
                uploads[assessment_id].append((teacher_id, int(rows)))
            infos = []
            for assessment in assessments:
                kept_until = date.fromordinal(policy.expires_on(given_on(assessment)).toordinal() - 1)
                found = uploads.get(assessment.id, [])
                infos.append(AssessmentInfo(assessment.name, assessment.taken_on, [u[0] for u in found],
                                            sum(u[1] for u in found), assessment.covers, kept_until))
            return infos

    # -- the team's policy: thresholds and retention -------------------------------------------

    def policy(self, team_id: int) -> AssessmentPolicy:
        with self.db.session() as session:
            team = session.get(Team, team_id)
            if team is None:
                return AssessmentPolicy()
            return AssessmentPolicy(team.intervention_below, team.extension_from, team.retention_days,
                                    team.school_year_end)

    def set_policy(self, team_id: int, policy: AssessmentPolicy) -> None:
        with self.db.session() as session:
            team = session.get(Team, team_id)
            if team is None:
                raise LookupError(team_id)
            team.intervention_below, team.extension_from = policy.intervention_below, policy.extension_from
            team.retention_days, team.school_year_end = policy.retention_days, policy.school_year_end

    def purge_expired(self, now: datetime) -> list[tuple[int, str]]:
        """Delete every assessment whose retention ended (by each team's own date); (team id, name) of each.

        Another process purging at the same moment: on PostgreSQL each assessment's row lock makes one of
        them delete it; on SQLite (no row locks) the later one's copies clash and it purges nothing this
        time (the earlier one did, or the next run does).
        """
        try:
            return self._purge_expired(now)
        except IntegrityError:
            return []

    def _purge_expired(self, now: datetime) -> list[tuple[int, str]]:
        with self.db.session() as session:
            rows = session.execute(
                select(Assessment, Team.timezone, Team.retention_days, Team.school_year_end)
                .join(Team, Assessment.team_id == Team.id).order_by(Assessment.id)).all()  # one lock order
            expired = []
            for assessment, timezone, retention_days, school_year_end in rows:
                try:
                    today = now.astimezone(ZoneInfo(timezone)).date()
                except (ValueError, KeyError):
                    today = now.date()
                policy = AssessmentPolicy(retention_days=retention_days, school_year_end=school_year_end)
                if policy.expires_on(given_on(assessment)) <= today:
                    expired.append((assessment.id, assessment.team_id, assessment.name))
            for assessment_id, _, _ in expired:
                self._delete(session, assessment_id)
            return [(team_id, name) for _, team_id, name in expired]

    @staticmethod
    def _delete(session: Session, assessment_id: int) -> int:
        """Delete the assessment, its uploads and results (its plan, groups and their students cascade),
        after the groups' owners got their copy for their portfolios (aggregates only); how many copies.

        The assessment's row is locked first: another process deleting it at the same time (a second
        scheduler's purge, a person) waits, then finds it gone and copies nothing again.
        """
        locked = session.scalar(select(Assessment.id).where(Assessment.id == assessment_id).with_for_update())
        if locked is None:
            return 0
        kept = keep_cycles(session, assessment_id)
        uploads = select(AssessmentUpload.id).where(AssessmentUpload.assessment_id == assessment_id)
        session.execute(delete(AssessmentResult).where(AssessmentResult.upload_id.in_(uploads)))
        session.execute(delete(AssessmentUpload).where(AssessmentUpload.assessment_id == assessment_id))
        session.execute(delete(Assessment).where(Assessment.id == assessment_id))
        return kept

    # -- growth and the team's goal --------------------------------------------------------------

    def growth(self, team_id: int, name: str) -> list[StandardGrowth]:
        """For each standard of `name`: its percent now and in the latest earlier assessment that had it."""
        scored = (AssessmentResult.status == "scored") & AssessmentResult.score.is_not(None)
        query = (select(Assessment.id, Assessment.name, Assessment.taken_on, Assessment.created_at,
                        AssessmentResult.standard, func.sum(AssessmentResult.score),
                        func.sum(AssessmentResult.max_points))
                 .join(AssessmentUpload, AssessmentUpload.assessment_id == Assessment.id)
                 .join(AssessmentResult, AssessmentResult.upload_id == AssessmentUpload.id)
                 .where(Assessment.team_id == team_id, AssessmentResult.standard.is_not(None), scored)
                 .group_by(Assessment.id, Assessment.name, Assessment.taken_on, Assessment.created_at,
                           AssessmentResult.standard))
        with self.db.session() as session:
            rows = session.execute(query).all()
        totals: dict[int, dict[str, list]] = defaultdict(dict)  # assessment -> key -> [shown, points, max]
        order: dict[int, tuple[date, int, str]] = {}
        for assessment_id, assessment_name, taken_on, created_at, standard, points, max_points in rows:
            order[assessment_id] = (taken_on or created_at.date(), assessment_id, assessment_name)
            entry = totals[assessment_id].setdefault(standard_key(str(standard)), [str(standard), 0.0, 0.0])
            entry[1] += float(points or 0)
            entry[2] += float(max_points or 0)
        percents = {a: {key: (shown, 100.0 * points / top) for key, (shown, points, top) in by_key.items() if top > 0}
                    for a, by_key in totals.items()}
        current = next((a for a, (_, _, n) in order.items() if n == name.strip()), None)
        if current is None:
            return []
        earlier = sorted((a for a in order if order[a][:2] < order[current][:2]), key=lambda a: order[a][:2],
                         reverse=True)
        changes = []
        for key, (standard, now) in percents[current].items():
            other = next((a for a in earlier if key in percents[a]), None)
            if other is not None:
                changes.append(StandardGrowth(standard, percents[other][key][1], now, order[other][2]))
        from bot.assessments.analysis import natural_key

        return sorted(changes, key=lambda change: natural_key(change.standard))

    def goal(self, team_id: int) -> Goal | None:
        with self.db.session() as session:
            row = session.scalars(select(TeamGoal).where(TeamGoal.team_id == team_id)).first()
            if row is None:
                return None
            return Goal(parse_standards(row.standards), row.target_percent, row.due_on, row.set_by)

    def set_goal(self, team_id: int, goal: Goal) -> None:
        with self.db.session() as session:
            row = session.scalars(select(TeamGoal).where(TeamGoal.team_id == team_id)).first()
            if row is None:
                row = TeamGoal(team_id=team_id)
                session.add(row)
            row.standards, row.target_percent = ", ".join(goal.standards), goal.target_percent
            row.due_on, row.set_by = goal.due_on, goal.set_by

    def clear_goal(self, team_id: int) -> bool:
        with self.db.session() as session:
            return bool(session.execute(delete(TeamGoal).where(TeamGoal.team_id == team_id)).rowcount)

    def goal_progress(self, team_id: int, goal: Goal) -> list[GoalPoint]:
        """The goal's measure in each of the team's assessments with items on its standards, oldest first."""
        import pandas as pd

        from bot.assessments.readers import RESULT_COLUMNS

        thresholds = self.policy(team_id).thresholds()
        query = (select(Assessment.id, Assessment.name, Assessment.taken_on, Assessment.created_at,
                        AssessmentResult.student, AssessmentUpload.teacher_id, AssessmentResult.section,
                        AssessmentResult.item, AssessmentResult.standard, AssessmentResult.score,
                        AssessmentResult.max_points, AssessmentResult.status)
                 .join(AssessmentUpload, AssessmentUpload.assessment_id == Assessment.id)
                 .join(AssessmentResult, AssessmentResult.upload_id == AssessmentUpload.id)
                 .where(Assessment.team_id == team_id, AssessmentResult.standard.is_not(None))
                 .order_by(Assessment.id, AssessmentUpload.id, AssessmentResult.id))
        with self.db.session() as session:
            records = [tuple(row) for row in session.execute(query)]
        frame = pd.DataFrame.from_records(records, columns=["assessment_id", "name", "taken_on", "created_at",
                                                             *RESULT_COLUMNS])
        points = []
        for _, rows in frame.groupby("assessment_id", sort=False):
            first = rows.iloc[0]
            day = first["taken_on"] or pd.Timestamp(first["created_at"]).date()
            results = rows[list(RESULT_COLUMNS)].reset_index(drop=True)
            results = results.assign(score=pd.to_numeric(results["score"], errors="coerce").astype(float),
                                     max_points=pd.to_numeric(results["max_points"], errors="coerce").astype(float))
            point = goal_point(str(first["name"]), day, results, goal, thresholds)
            if point is not None:
                points.append(point)
        return sorted(points, key=lambda point: point.given_on)
