"""A Canvas gradebook export: Student, ID, SIS ids, Section, assignment columns "Title (id)", Points Possible."""

from __future__ import annotations

import re
from typing import Any

from bot.assessments.formats.grid import (
    ERR,
    WARN,
    AssessmentColumn,
    Cell,
    ReadProblem,
    ResultTable,
    _cell,
    _filled,
    _find,
    _frame,
    _no_students,
    _or_none,
    _result,
    choose_column,
    norm,
    parse_max,
    parse_number,
    parse_score,
    text,
)

_CANVAS_ITEM_RE = re.compile(r"^(.*\S)\s*\((\d+)\)\s*$")


def _is_canvas(headers: list[str]) -> bool:
    keys = [norm(h) for h in headers]
    return bool(keys) and keys[0] == "student" and "id" in keys and (
        "sis user id" in keys or "sis login id" in keys or "section" in keys)


def _read_canvas(grid: list[list[Cell]], column: str | None, teacher: str | None) -> ResultTable:
    headers = [text(c) for c in grid[0]]
    section_col = _find(headers, {"section"})
    assignment_cols = [i for i, h in enumerate(headers) if i > 0 and _CANVAS_ITEM_RE.match(h)]
    if not assignment_cols:
        raise ReadProblem(ERR + "unknown_layout", {})
    points_row: int | None = None
    for index in range(1, min(len(grid), 4)):
        if norm(_cell(grid[index], 0)) == "points possible":
            points_row = index
            break
    raw_titles = [_CANVAS_ITEM_RE.match(headers[i]).group(1) for i in assignment_cols]  # type: ignore[union-attr]
    titles = [t if raw_titles.count(t) == 1 else headers[i] for t, i in zip(raw_titles, assignment_cols, strict=True)]
    maxima: list[float | None] = []
    for col in assignment_cols:
        value = _cell(grid[points_row], col) if points_row is not None else None
        try:
            number = parse_number(value)
        except ValueError:
            number = None
        maxima.append(number if number is not None and number > 0 else None)
    assessments = [AssessmentColumn(t, m) for t, m in zip(titles, maxima, strict=True)]
    chosen = choose_column(titles, [headers[i] for i in assignment_cols], column)
    col, title = assignment_cols[chosen], titles[chosen]
    if points_row is None:
        raise ReadProblem(ERR + "no_max", {"column": headers[col]})
    max_points = parse_max(_cell(grid[points_row], col), row=points_row + 1, column=headers[col])
    results: list[dict[str, Any]] = []
    warnings: list[tuple[str, dict[str, object]]] = []
    for index in range(1, len(grid)):
        row = grid[index]
        if index == points_row or not _filled(row):
            continue
        student = text(_cell(row, 0))
        key = norm(student)
        if key in {"points possible", "manual posting"} or (not student and index < 4):
            continue
        if key in {"student test", "test student", "ogrenci test", "test ogrenci"}:
            warnings.append((WARN + "test_student", {"row": index + 1}))
            continue
        if not student:
            warnings.append((WARN + "row_without_name", {"row": index + 1}))
            continue
        score = parse_score(_cell(row, col), row=index + 1, column=headers[col], max_points=max_points)
        section = _or_none(_cell(row, section_col)) if section_col is not None else None
        results.append(_result(student, teacher, section, title, None, score, max_points))
    _no_students(results)
    return ResultTable("canvas", _frame(results), warnings, assessments)


def detect(grid: list[list[Cell]]) -> bool | None:
    if not grid or not grid[0]:
        return None
    return True if _is_canvas([text(c) for c in grid[0]]) else None


def read(grid: list[list[Cell]], found: bool, *, column: str | None, teacher: str | None) -> ResultTable:
    return _read_canvas(grid, column, teacher)
