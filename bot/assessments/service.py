"""Stored assessment results: each teacher's upload per assessment, combined for the team.

Plain Python (no Slack). One teacher has at most one upload per assessment: the same file again
changes nothing, another file replaces that teacher's rows in one transaction.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.db import Database
from storage.models import Assessment, AssessmentResult, AssessmentUpload

if TYPE_CHECKING:  # pandas is imported when results are read, not when the app starts
    import pandas as pd

    from bot.assessments.readers import ResultTable

NAME_LIMIT = 150


@dataclass(frozen=True)
class StoreOutcome:
    assessment_id: int
    replaced: bool
    duplicate: bool


@dataclass(frozen=True)
class AssessmentInfo:
    name: str
    taken_on: date | None
    teachers: list[str]  # who uploaded, in upload order
    rows: int


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
              content: bytes, table: ResultTable) -> StoreOutcome:
        """Keep `teacher_id`'s results for the team's assessment `name` (created when new)."""
        name = name.strip()[:NAME_LIMIT]
        digest = content_hash(content)
        rows = [
            {"student": str(r["student"]), "section": _text(r.get("section")), "item": str(r["item"]),
             "standard": _text(r.get("standard")), "score": _number(r.get("score")),
             "max_points": float(r["max_points"]), "status": str(r["status"])}
            for r in table.results.to_dict("records")
        ]
        for attempt in range(2):  # a second try when another teacher created the assessment meanwhile
            try:
                with self.db.session() as session:
                    return self._store(session, team_id, name, taken_on, teacher_id, filename[:255], digest,
                                       table.format, rows)
            except IntegrityError:
                if attempt:
                    raise
        raise AssertionError("unreachable")

    @staticmethod
    def _store(session: Session, team_id: int, name: str, taken_on: date | None, teacher_id: str, filename: str,
               digest: str, format: str, rows: list[dict[str, Any]]) -> StoreOutcome:
        assessment = session.scalars(select(Assessment).where(Assessment.team_id == team_id,
                                                              Assessment.name == name)).first()
        if assessment is None:
            assessment = Assessment(team_id=team_id, name=name, taken_on=taken_on)
            session.add(assessment)
            session.flush()
        upload = session.scalars(select(AssessmentUpload).where(AssessmentUpload.assessment_id == assessment.id,
                                                                AssessmentUpload.teacher_id == teacher_id)).first()
        if upload is not None and upload.content_hash == digest:
            return StoreOutcome(assessment.id, replaced=False, duplicate=True)
        if taken_on is not None:
            assessment.taken_on = taken_on
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
        """Every teacher's rows of the assessment, as `ResultTable.results` (teacher = uploader)."""
        import pandas as pd

        from bot.assessments.readers import RESULT_COLUMNS

        query = (select(AssessmentResult.student, AssessmentUpload.teacher_id, AssessmentResult.section,
                        AssessmentResult.item, AssessmentResult.standard, AssessmentResult.score,
                        AssessmentResult.max_points, AssessmentResult.status)
                 .join(AssessmentUpload, AssessmentResult.upload_id == AssessmentUpload.id)
                 .join(Assessment, AssessmentUpload.assessment_id == Assessment.id)
                 .where(Assessment.team_id == team_id, Assessment.name == assessment_name.strip())
                 .order_by(AssessmentUpload.id, AssessmentResult.id))
        with self.db.session() as session:
            records = [tuple(row) for row in session.execute(query)]
        frame = pd.DataFrame.from_records(records, columns=RESULT_COLUMNS)
        frame["score"] = pd.to_numeric(frame["score"], errors="coerce").astype(float)
        frame["max_points"] = pd.to_numeric(frame["max_points"], errors="coerce").astype(float)
        return frame

    def uploaders(self, team_id: int, name: str) -> list[str]:
        query = (select(AssessmentUpload.teacher_id).join(Assessment)
                 .where(Assessment.team_id == team_id, Assessment.name == name.strip())
                 .order_by(AssessmentUpload.id))
        with self.db.session() as session:
            return list(session.scalars(query))

    def delete(self, team_id: int, name: str) -> bool:
        """Remove the assessment with every upload and result row; False when there is none."""
        with self.db.session() as session:
            assessment = session.scalars(select(Assessment).where(Assessment.team_id == team_id,
                                                                  Assessment.name == name.strip())).first()
            if assessment is None:
                return False
            uploads = select(AssessmentUpload.id).where(AssessmentUpload.assessment_id == assessment.id)
            session.execute(delete(AssessmentResult).where(AssessmentResult.upload_id.in_(uploads)))
            session.execute(delete(AssessmentUpload).where(AssessmentUpload.assessment_id == assessment.id))
            session.delete(assessment)
            return True

    def list(self, team_id: int) -> list[AssessmentInfo]:  # noqa: A003 - the brief's name
        """The team's assessments, newest first, with who uploaded and how many rows are kept."""
        with self.db.session() as session:
            assessments = session.scalars(select(Assessment).where(Assessment.team_id == team_id)
                                          .order_by(Assessment.created_at.desc(), Assessment.id.desc())).all()
            infos = []
            for assessment in assessments:
                uploads = session.execute(
                    select(AssessmentUpload.teacher_id, func.count(AssessmentResult.id))
                    .outerjoin(AssessmentResult, AssessmentResult.upload_id == AssessmentUpload.id)
                    .where(AssessmentUpload.assessment_id == assessment.id)
                    .group_by(AssessmentUpload.id, AssessmentUpload.teacher_id).order_by(AssessmentUpload.id)).all()
                infos.append(AssessmentInfo(assessment.name, assessment.taken_on, [u[0] for u in uploads],
                                            sum(int(u[1]) for u in uploads)))
            return infos
