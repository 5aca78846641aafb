"""Who needs what, by standard: the groups an action plan starts from, and how a group is measured later.

Plain Python over the long results table (`bot.assessments.readers.RESULT_COLUMNS`). A student's
percent on a standard is their points over the maximum of that standard's scored items (missing and
excused items count for nothing, as everywhere). Students are matched between two assessments by
their name as the exports wrote it, with case and spacing ignored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.assessments.goals import standard_key

if TYPE_CHECKING:
    import pandas as pd

    from bot.assessments.analysis import Thresholds

RETEACH = "reteach"
EXTENSION = "extension"
# Percents are rounded before they are compared with a line, as in the analysis (7/10 is 70).
_DECIMALS = 9


def student_key(name: str) -> str:
    """How a student is recognised in a later export: case and spacing do not matter."""
    return " ".join(str(name).split()).casefold()


@dataclass(frozen=True)
class StudentMark:
    """A student's percent on a standard (or on several), with the teacher who uploaded them."""

    student: str
    teacher_id: str
    percent: float


@dataclass(frozen=True)
class ProposedGroup:
    """A group the plan form offers: students below the line on `standard`, or the extension group."""

    key: str  # the standard's key, or EXTENSION
    kind: str
    standard: str  # as the export wrote it; the extension group: its standards, ", "-separated
    students: tuple[StudentMark, ...]

    @property
    def mean_percent(self) -> float:
        return sum(s.percent for s in self.students) / len(self.students) if self.students else 0.0


def _below(percent: float, line: float) -> bool:
    return round(percent, _DECIMALS) < line


def standards_of(results: pd.DataFrame) -> dict[str, str]:
    """The standards of an assessment: key -> the code as first written, in natural order."""
    from bot.assessments.analysis import natural_key

    seen: dict[str, str] = {}
    for code in results["standard"].dropna():
        text = str(code).strip()
        if text and standard_key(text) not in seen:
            seen[standard_key(text)] = text
    return dict(sorted(seen.items(), key=lambda pair: natural_key(pair[1])))


def percents_by_student(results: pd.DataFrame, keys: Iterable[str] | None = None) -> dict[str, StudentMark]:
    """Each student's percent on the standards `keys` together (None: on every item), by student key."""
    scored = results[(results["status"] == "scored") & results["score"].notna() & (results["max_points"] > 0)]
    if keys is not None:
        wanted = set(keys)
        codes = scored["standard"].map(lambda code: standard_key(str(code)) if isinstance(code, str) else None)
        scored = scored[codes.isin(wanted)]
    marks: dict[str, list] = {}
    for student, teacher, score, top in zip(scored["student"], scored["teacher"], scored["score"],
                                            scored["max_points"], strict=True):
        entry = marks.setdefault(student_key(student), [str(student), str(teacher), 0.0, 0.0])
        entry[2] += float(score)
        entry[3] += float(top)
    return {key: StudentMark(name, teacher, 100.0 * points / top)
            for key, (name, teacher, points, top) in marks.items() if top > 0}


def propose_groups(results: pd.DataFrame, thresholds: Thresholds, limit: int) -> list[ProposedGroup]:
    """One group per standard with students below the intervention line (those with most students
    first, at most `limit - 1`, then in natural order), and the extension group (at or above the
    extension line on all the assessment's items) when it has students."""
    standards = standards_of(results)
    reteach = []
    for key, code in standards.items():
        marks = percents_by_student(results, [key])
        below = tuple(sorted((m for m in marks.values() if _below(m.percent, thresholds.intervention_below)),
                             key=lambda m: (m.percent, student_key(m.student))))
        if below:
            reteach.append(ProposedGroup(key, RETEACH, code, below))
    order = {group.key: index for index, group in enumerate(reteach)}
    kept = sorted(reteach, key=lambda g: (-len(g.students), order[g.key]))[:max(limit - 1, 0)]
    groups = sorted(kept, key=lambda g: order[g.key])
    overall = percents_by_student(results, list(standards))
    extension = tuple(sorted((m for m in overall.values() if not _below(m.percent, thresholds.extension_from)),
                             key=lambda m: (-m.percent, student_key(m.student))))
    if extension and standards:
        groups.append(ProposedGroup(EXTENSION, EXTENSION, ", ".join(standards.values()), extension))
    return groups


@dataclass(frozen=True)
class Measurement:
    """A group measured on a later assessment: aggregates, and each student's percent after (None: missing)."""

    matched: int  # students with a percent on the standard in both assessments
    missing: int  # group students the later assessment does not have (on that standard)
    before: float  # the matched students' mean percent before
    after: float  # ... and after
    crossed: int  # matched students now at or above the line (`line`)
    line: float
    others: int  # the team's other students with a percent in both: the comparison
    others_before: float | None
    others_after: float | None
    after_by_student: dict[str, float | None]  # student key -> percent after

    @property
    def change(self) -> float:
        return self.after - self.before

    @property
    def others_change(self) -> float | None:
        if self.others_before is None or self.others_after is None:
            return None
        return self.others_after - self.others_before

    def aggregates(self) -> dict[str, float | int | None]:
        """What may be stored and shown beyond the owner: counts and means only."""
        return {"matched": self.matched, "missing": self.missing, "before": self.before, "after": self.after,
                "change": self.change, "crossed": self.crossed, "line": self.line, "others": self.others,
                "others_change": self.others_change}


def measure(group_students: dict[str, float], standard_keys: list[str], earlier: pd.DataFrame,
            later: pd.DataFrame, line: float, *, at_or_above: bool = True) -> Measurement | None:
    """The group (student key -> percent before) on the later assessment's items of `standard_keys`.

    `crossed` counts matched students at or above `line` afterwards (for a reteach group: the
    intervention line, for the extension group: the extension line). The comparison is every other
    student of the team with a percent on those standards in both assessments. None when no student
    of the group has a percent on them in the later assessment.
    """
    after = percents_by_student(later, standard_keys)
    matched = {key: after[key].percent for key in group_students if key in after}
    if not matched:
        return None
    before_all = percents_by_student(earlier, standard_keys)
    others = [key for key in after if key not in group_students and key in before_all]
    before_mean = sum(group_students[key] for key in matched) / len(matched)
    after_mean = sum(matched.values()) / len(matched)
    crossed = sum(1 for value in matched.values() if not _below(value, line)) if at_or_above else 0
    return Measurement(
        matched=len(matched), missing=len(group_students) - len(matched), before=before_mean, after=after_mean,
        crossed=crossed, line=line, others=len(others),
        others_before=sum(before_all[k].percent for k in others) / len(others) if others else None,
        others_after=sum(after[k].percent for k in others) / len(others) if others else None,
        after_by_student={key: matched.get(key) for key in group_students},
    )
