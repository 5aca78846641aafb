"""A Microsoft Forms quiz's responses opened in Excel: one row per response, three columns per question.

The header (row 1 of "Sheet1") is ID, Start time, Completion time, Email, Name (newer exports add Last
modified time), Total points, Quiz feedback, then for each question "<question>", "Points -
<question>" and "Feedback - <question>". Sources: public Go code grading Forms exports with excelize
(`readXLSX`/`checkXLSTitles` checks exactly these titles and triples), and public Python scripts that
read Forms quiz exports (they drop "Total points", "Quiz feedback" and the "Points - " and "Feedback - "
columns, or find the right answers from the "Points - " ones). Forms translates these titles into the
account's language; only the English ones are known here. A question whose Points cells are all
empty is not graded (a "Class" question): it is not an item, and a Class or Teacher question gives the
section or teacher.

The export does not say what each question is worth. The highest score any student got on a question
is taken as its maximum (1 when everyone got 0), and the reader says so in a warning. The export has
each student's answer but not the right one: `answer` is filled and `key` is left empty.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from bot.assessments.formats.grid import (
    ERR,
    MAX_CELL,
    SECTION_NAMES,
    TEACHER_NAMES,
    WARN,
    Cell,
    ReadProblem,
    ResultTable,
    _cell,
    _filled,
    _frame,
    _no_students,
    _or_none,
    _result,
    norm,
    parse_number,
    parse_score,
    text,
)

POINTS_PREFIX = "Points - "
_ANONYMOUS = {"anonymous", "anonim"}


@dataclass(frozen=True)
class Layout:
    """Where things are in a Forms header: the name and email columns, (answer, points) per question."""

    name: int | None
    email: int | None
    questions: list[tuple[int, int]]
    teacher: int | None
    section: int | None


def detect(grid: list[list[Cell]]) -> Layout | None:
    """The layout, when row 1 has Start time, Completion time and a "Points - " column after its question."""
    if not grid or not grid[0]:
        return None
    headers = [text(c) for c in grid[0]]
    keys = [norm(h) for h in headers]
    if "start time" not in keys or "completion time" not in keys:
        return None
    questions: list[tuple[int, int]] = []
    for index, header in enumerate(headers):
        if header.startswith(POINTS_PREFIX):
            asked = header[len(POINTS_PREFIX):].strip()
            answer = next((i for i in range(index - 1, -1, -1) if headers[i] == asked), None)
            if answer is not None:
                questions.append((answer, index))
    if not questions:
        return None
    points = {p for _, p in questions}

    def find(names: set[str]) -> int | None:
        return next((i for i, k in enumerate(keys) if k in names and i not in points), None)

    return Layout(find({"name"}), find({"email"}), questions, find(TEACHER_NAMES), find(SECTION_NAMES))


def _points(grid: list[list[Cell]], headers: list[str], layout: Layout) -> dict[int, float]:
    """The highest score on each graded question (by its points column); a non-number stops the read."""
    highest: dict[int, float] = {}
    for index, row in enumerate(grid[1:], start=2):
        for _, col in layout.questions:
            value = _cell(row, col)
            try:
                number = parse_number(value)
            except ValueError:
                raise ReadProblem(ERR + "not_a_number", {"row": index, "column": headers[col],
                                                         "value": text(value)[:MAX_CELL]}) from None
            if number is not None and math.isfinite(number):
                highest[col] = max(highest.get(col, 0.0), number)
    return highest


def read(grid: list[list[Cell]], found: Layout, *, column: str | None, teacher: str | None) -> ResultTable:
    """One result per response and graded question, out of the highest score seen on it."""
    headers = [text(c) for c in grid[0]]
    highest = _points(grid, headers, found)
    graded = [(answer, points) for answer, points in found.questions if points in highest]
    answers = {answer for answer, _ in graded}  # a graded question is not the teacher or the class
    teacher_col = found.teacher if found.teacher not in answers else None
    section_col = found.section if found.section not in answers else None
    results: list[dict[str, Any]] = []
    warnings: list[tuple[str, dict[str, object]]] = []
    seen: dict[str, int] = {}
    for index, row in enumerate(grid[1:], start=2):
        if not _filled(row):
            continue
        student = ""
        for col in (found.name, found.email):
            value = text(_cell(row, col)) if col is not None else ""
            if value and norm(value) not in _ANONYMOUS:
                student = value
                break
        if not student:
            warnings.append((WARN + "row_without_name", {"row": index}))
            continue
        key = student.casefold()
        if key in seen:
            warnings.append((WARN + "duplicate_student", {"row": index, "first_row": seen[key]}))
        else:
            seen[key] = index
        who = _or_none(_cell(row, teacher_col)) if teacher_col is not None else teacher
        section = _or_none(_cell(row, section_col)) if section_col is not None else None
        for answer_col, points_col in graded:
            max_points = highest[points_col] or 1.0
            score = parse_score(_cell(row, points_col), row=index, column=headers[points_col], max_points=max_points)
            results.append(_result(student, who, section, headers[answer_col], None, score, max_points,
                                   answer=_or_none(_cell(row, answer_col)), key=None))
    _no_students(results)
    if graded:
        warnings.append((WARN + "max_from_highest", {"count": len(graded)}))
    return ResultTable("microsoft_forms", _frame(results), warnings, [])
