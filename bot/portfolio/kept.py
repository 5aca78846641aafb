"""A plan group's owner keeps their copy when the group's assessment is deleted (storage's `KeptCycle`).

Deleting an assessment (a person's `/plc data delete`, or its retention ending) deletes its plan, the
plan's groups and their students. What a group's owner tried and what it did (counts and means) stays
in their portfolio: it is copied here first, in the deleting transaction. No student is copied.
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from storage.models import ActionPlan, Assessment, KeptCycle, PlanGroup


def keep_cycles(session: Session, assessment_id: int) -> int:
    """Copy the plan groups planned on `assessment_id` for their owners, before it is deleted; how many.

    Groups measured on it (planned on an earlier one) lose their link to it: its name stays in their
    result, as the portfolio shows it.
    """
    later = aliased(Assessment)
    rows = session.execute(
        select(PlanGroup, ActionPlan.created_at, Assessment.name, Assessment.taken_on, later.name)
        .join(ActionPlan, ActionPlan.id == PlanGroup.plan_id)
        .join(Assessment, Assessment.id == ActionPlan.assessment_id)
        .outerjoin(later, later.id == PlanGroup.measured_assessment_id)
        .where(ActionPlan.assessment_id == assessment_id)
        .order_by(PlanGroup.id)).all()
    for group, planned_at, name, taken_on, later_name in rows:
        session.add(KeptCycle(
            group_id=group.id, team_id=group.team_id, owner_id=group.owner_id, kind=group.kind,
            standard=group.standard, assessment=name, assessment_on=taken_on, strategy=group.strategy,
            tag=group.tag, students=group.students, before_percent=group.before_percent,
            happens_on=group.happens_on, recheck_on=group.recheck_on, planned_at=planned_at, status=group.status,
            measured_at=group.measured_at, result=_named(group.result, later_name)))
    deleted_name = session.scalar(select(Assessment.name).where(Assessment.id == assessment_id))
    for group in session.scalars(select(PlanGroup).where(PlanGroup.measured_assessment_id == assessment_id)):
        group.result = _named(group.result, deleted_name)
    return len(rows)


def _named(result: str | None, assessment: str | None) -> str | None:
    """A group's JSON result that names the assessment it was measured on (as it is when it has one)."""
    if not result or not assessment:
        return result
    data = json.loads(result)
    if data.get("assessment"):
        return result
    return json.dumps({**data, "assessment": assessment})
