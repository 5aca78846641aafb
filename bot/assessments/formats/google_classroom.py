"""A Google Classroom grades export (CSV): Last Name, First Name, Email Address, one column per assignment.

Shape: the first row is Last Name, First Name, Email Address and then the assignments' titles; under
it, before the students, rows without an email address: the assignments' dates, their points
("Points") and the class average. Every assignment column is one assessment (`column` picks one, as
in a Canvas gradebook). Source: a public parser of Classroom's grades CSV, sjasthi/learnandhelp_2026
`admin_progress_report.php` (row 1 the headers with the assignments from the fourth column, row 2
the dates, row 3 the points, then the students; rows without an email are skipped), and the shape
issue 14 quotes from Classroom's help ("Export grades to Google Sheets or CSV"), which is not in
the searchable copies. The order of the rows above the students is not relied on.
"""

from __future__ import annotations

from typing import Any

from bot.assessments.formats.grid import (
    ERR,
    SUMMARY_LABELS,
    TOTAL_NAMES,
    WARN,
    AssessmentColumn,
    Cell,
    ReadProblem,
    ResultTable,
    _cell,
    _filled,
    _frame,
    _no_students,
    _result,
    choose_column,
    norm,
    parse_max,
    parse_number,
    parse_score,
    text,
)

_HEAD = ("last name", "first name", "email address")
_META = {"date", "dates", "due date", "points", "class average", "average"}


def detect(grid: list[list[Cell]]) -> bool | None:
    """Last Name, First Name, Email Address as the first three headers, and an assignment after them."""
    if not grid or len(grid[0]) < 4:
        return None
    head = tuple(norm(c) for c in grid[0][:3])
    return True if head == _HEAD and any(text(c) for c in grid[0][3:]) else None


def _label(row: list[Cell]) -> str:
    return next((norm(c) for c in row[:3] if text(c)), "")


def _titles(headers: list[str], cols: list[int], dates: list[Cell] | None) -> list[str]:
    """The assignments' names; two of the same title are told apart by their date (or their place)."""
    titles = []
    for place, col in enumerate(cols, start=1):
        title = headers[col]
        if sum(1 for c in cols if headers[c] == title) > 1:
            date = text(_cell(dates, col)) if dates is not None else ""
            title = f"{title} ({date or place})"
        titles.append(title)
    return titles


def read(grid: list[list[Cell]], found: bool, *, column: str | None, teacher: str | None) -> ResultTable:
    headers = [text(c) for c in grid[0]]
    cols = [i for i in range(3, len(headers)) if headers[i] and norm(headers[i]) not in TOTAL_NAMES]
    if not cols:
        raise ReadProblem(ERR + "unknown_layout", {})
    points_row: int | None = None
    dates: list[Cell] | None = None
    students: list[int] = []
    warnings: list[tuple[str, dict[str, object]]] = []
    seen: dict[str, int] = {}
    for index in range(1, len(grid)):
        row = grid[index]
        if not _filled(row):
            continue
        label = _label(row)
        email = text(_cell(row, 2))
        if not email and label in _META:
            if label == "points" and points_row is None:
                points_row = index
            elif label in {"date", "dates", "due date"}:
                dates = row
            continue
        if label in SUMMARY_LABELS and not email:
            warnings.append((WARN + "summary_row", {"row": index + 1}))
            continue
        if not (text(_cell(row, 0)) or text(_cell(row, 1)) or email):
            warnings.append((WARN + "row_without_name", {"row": index + 1}))
            continue
        key = (email or label).casefold()
        if key in seen:
            warnings.append((WARN + "duplicate_student", {"row": index + 1, "first_row": seen[key]}))
        else:
            seen[key] = index + 1
        students.append(index)

    titles = _titles(headers, cols, dates)
    maxima: list[float | None] = []
    for col in cols:
        try:
            value = parse_number(_cell(grid[points_row], col)) if points_row is not None else None
        except ValueError:
            value = None
        maxima.append(value if value is not None and value > 0 else None)
    assessments = [AssessmentColumn(t, m) for t, m in zip(titles, maxima, strict=True)]
    chosen = choose_column(titles, [headers[c] for c in cols], column)
    col, title = cols[chosen], titles[chosen]
    if points_row is None or not text(_cell(grid[points_row], col)):
        raise ReadProblem(ERR + "no_max", {"column": headers[col]})
    max_points = parse_max(_cell(grid[points_row], col), row=points_row + 1, column=headers[col])

    results: list[dict[str, Any]] = []
    for index in students:
        row = grid[index]
        name = " ".join(p for p in (text(_cell(row, 1)), text(_cell(row, 0))) if p) or text(_cell(row, 2))
        score = parse_score(_cell(row, col), row=index + 1, column=headers[col], max_points=max_points)
        results.append(_result(name, teacher, None, title, None, score, max_points))
    _no_students(results)
    return ResultTable("google_classroom", _frame(results), warnings, assessments)
