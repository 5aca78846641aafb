"""A team's rules for its assessment results: group thresholds and how long results are kept.

Plain Python (no Slack, no storage). The default keeps results until the end of the school year
in which the assessment was given; a team may choose a number of days instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # analysis needs pandas, which loads with the first results, not at start
    from bot.assessments.analysis import Thresholds

DEFAULT_SCHOOL_YEAR_END = "06-30"
RETENTION_CHOICES = (None, 30, 90, 180, 365)  # None: until the end of the school year
MAX_RETENTION_DAYS = 3 * 365


@dataclass(frozen=True)
class AssessmentPolicy:
    """Thresholds for the groups, and the retention of results."""

    intervention_below: float = 70.0
    extension_from: float = 90.0
    retention_days: int | None = None
    school_year_end: str = DEFAULT_SCHOOL_YEAR_END  # "MM-DD"

    def thresholds(self) -> Thresholds:
        from bot.assessments.analysis import Thresholds

        return Thresholds(self.intervention_below, self.extension_from)

    def expires_on(self, given_on: date) -> date:
        """The first day on which results of an assessment given on `given_on` are no longer kept."""
        if self.retention_days is not None:
            return given_on + timedelta(days=self.retention_days)
        return school_year_end_after(given_on, self.school_year_end) + timedelta(days=1)


def parse_month_day(text: str) -> tuple[int, int] | None:
    """`"06-30"` -> `(6, 30)`; None for anything that is not a day of the year (29 Feb counts as 28)."""
    try:
        month_text, day_text = text.strip().split("-")
        month, day = int(month_text), int(day_text)
        date(2001 if (month, day) != (2, 29) else 2004, month, day)
    except ValueError:
        return None
    return month, day


def _on(year: int, month: int, day: int) -> date:
    return date(year, month, 28 if (month, day) == (2, 29) else day)


def school_year_end_after(day: date, school_year_end: str) -> date:
    """The end of the school year that `day` belongs to (`day` itself when the year ends that day)."""
    month, end_day = parse_month_day(school_year_end) or parse_month_day(DEFAULT_SCHOOL_YEAR_END) or (6, 30)
    end = _on(day.year, month, end_day)
    return end if day <= end else _on(day.year + 1, month, end_day)


def check_policy(intervention_below: float | None, extension_from: float | None, retention_days: int | None,
                 school_year_end: str) -> dict[str, str]:
    """Problems of a new policy as field -> catalog key (empty when it can be stored)."""
    problems: dict[str, str] = {}
    if intervention_below is None or not 0 < intervention_below <= 100:
        problems["intervention_below"] = "assessment_settings.errors.percent"
    if extension_from is None or not 0 < extension_from <= 100:
        problems["extension_from"] = "assessment_settings.errors.percent"
    elif intervention_below is not None and extension_from <= intervention_below:
        problems["extension_from"] = "assessment_settings.errors.order"
    if retention_days is not None and not 1 <= retention_days <= MAX_RETENTION_DAYS:
        problems["retention_days"] = "assessment_settings.errors.retention"
    if parse_month_day(school_year_end) is None:
        problems["school_year_end"] = "assessment_settings.errors.year_end"
    return problems
