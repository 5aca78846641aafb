"""A team's SMART goal: "by DATE, TARGET % of our students proficient on STANDARDS".

Plain Python. Proficient means not in the intervention group: a student's percent of points on
the goal's standards is at or above the team's intervention threshold. Progress is measured on
every stored assessment that has items on those standards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from bot.assessments.analysis import Thresholds

MAX_STANDARDS = 20
STANDARD_LIMIT = 40


@dataclass(frozen=True)
class Goal:
    standards: tuple[str, ...]
    target_percent: float  # share of students proficient, 0-100
    due_on: date
    set_by: str


@dataclass(frozen=True)
class GoalPoint:
    """Where the team stood on the goal's standards in one assessment."""

    assessment: str
    given_on: date
    proficient: int
    students: int

    @property
    def percent(self) -> float:
        return 100.0 * self.proficient / self.students if self.students else 0.0


def standard_key(code: str) -> str:
    """How standards are matched: case and spaces do not matter ("4.nf.1 " is "4.NF.1")."""
    return re.sub(r"\s+", "", code).casefold()


def parse_standards(text: str) -> tuple[str, ...]:
    """`"4.NF.1, 4.NF.2; M.4.1.2.3"` -> the codes, in order, without repeats (commas, semicolons, new lines)."""
    seen: dict[str, str] = {}
    for part in re.split(r"[,;\n]+", text):
        code = part.strip()
        if code and standard_key(code) not in seen:
            seen[standard_key(code)] = code
    return tuple(seen.values())


def check_goal(standards: tuple[str, ...], target_percent: float | None, due_on: date | None,
               today: date) -> dict[str, str]:
    """Problems of a goal as field -> catalog key (empty when it can be stored)."""
    problems: dict[str, str] = {}
    if not standards:
        problems["standards"] = "goal.errors.no_standards"
    elif len(standards) > MAX_STANDARDS or any(len(code) > STANDARD_LIMIT for code in standards):
        problems["standards"] = "goal.errors.too_many"
    if target_percent is None or not 0 < target_percent <= 100:
        problems["target"] = "goal.errors.target"
    if due_on is None or due_on < today:
        problems["due_on"] = "goal.errors.past"
    return problems


def goal_point(assessment: str, given_on: date, results: pd.DataFrame, goal: Goal,
               thresholds: Thresholds) -> GoalPoint | None:
    """The goal's measure in one assessment's results; None when it has no scored item on the standards."""
    from bot.assessments.analysis import INTERVENTION, analyse

    wanted = {standard_key(code) for code in goal.standards}
    keys = results["standard"].map(lambda s: standard_key(str(s)) if isinstance(s, str) else None)
    on_goal = results.loc[keys.isin(wanted).to_numpy()].reset_index(drop=True)
    if on_goal.empty:
        return None
    analysis = analyse(on_goal, thresholds)
    students = len(analysis.students)
    if not students:
        return None
    proficient = students - int((analysis.students["group"] == INTERVENTION).sum())
    return GoalPoint(assessment, given_on, proficient, students)
