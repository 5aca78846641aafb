"""Google Forms quiz responses: a Timestamp, an email, a "Score" column of "7 / 10" cells, answers."""

from __future__ import annotations

import re
from typing import Any

from bot.assessments.formats.grid import (
    BLANK,
    ERR,
    MAX_CELL,
    SECTION_NAMES,
    STUDENT_NAMES,
    TEACHER_NAMES,
    WARN,
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
    norm,
    parse_max,
    parse_score,
    text,
)

FORMS_TIMESTAMP = {"timestamp", "zaman damgasi", "marca temporal", "horodateur"}
FORMS_EMAIL = {"email address", "e posta adresi", "email", "e posta"}
FORMS_SCORE = {"score", "puan", "skor", "total score"}
_FORMS_SCORE_RE = re.compile(r"^\s*(-?[\d.,]+)\s*/\s*([\d.,]+)\s*$")
_FORMS_NAME_RE = re.compile(r"\bname\b|\bad soyad|\badiniz\b|\bisim\b|ogrenci adi|\badi soyadi")


def _is_forms(headers: list[str], grid: list[list[Cell]]) -> int | None:
    score = _find(headers, FORMS_SCORE)
    if score is None:
        return None
    values = [text(_cell(row, score)) for row in grid[1:] if text(_cell(row, score))]
    if values and all(_FORMS_SCORE_RE.match(v) for v in values):
        return score
    return None


def _forms_name_column(headers: list[str], skip: set[int]) -> int | None:
    for index, header in enumerate(headers):
        key = norm(header)
        if index in skip or not key:
            continue
        named = key in STUDENT_NAMES or _FORMS_NAME_RE.search(key)
        if named and key not in FORMS_EMAIL and not any(w in key for w in ("user", "teacher", "ogretmen")):
            return index
    return None


def _read_forms(grid: list[list[Cell]], score_col: int, teacher: str | None) -> ResultTable:
    headers = [text(c) for c in grid[0]]
    email = _find(headers, FORMS_EMAIL)
    skip = {score_col} | ({email} if email is not None else set())
    name = _forms_name_column(headers, skip)
    teacher_col = _find(headers, TEACHER_NAMES)
    section_col = _find(headers, SECTION_NAMES)
    if name is None and email is None:
        raise ReadProblem(ERR + "no_student_column", {})
    column = headers[score_col]
    results: list[dict[str, Any]] = []
    warnings: list[tuple[str, dict[str, object]]] = []
    seen: dict[str, int] = {}
    for index, row in enumerate(grid[1:], start=2):
        if not _filled(row):
            continue
        student = text(_cell(row, name)) if name is not None else ""
        if not student and email is not None:
            student = text(_cell(row, email))
        if not student:
            warnings.append((WARN + "row_without_name", {"row": index}))
            continue
        raw = text(_cell(row, score_col))
        match = _FORMS_SCORE_RE.match(raw)
        if match:
            max_points = parse_max(match.group(2), row=index, column=column)
            score = parse_score(match.group(1), row=index, column=column, max_points=max_points)
        elif raw.lower() in BLANK:
            raise ReadProblem(ERR + "forms_no_score", {"row": index, "column": column})
        else:
            raise ReadProblem(ERR + "not_a_number", {"row": index, "column": column, "value": raw[:MAX_CELL]})
        key = student.casefold()
        if key in seen:
            warnings.append((WARN + "duplicate_student", {"row": index, "first_row": seen[key]}))
        else:
            seen[key] = index
        who = _or_none(_cell(row, teacher_col)) if teacher_col is not None else teacher
        section = _or_none(_cell(row, section_col)) if section_col is not None else None
        results.append(_result(student, who, section, "Score", None, score, max_points))
    _no_students(results)
    return ResultTable("google_forms", _frame(results), warnings, [])


def detect(grid: list[list[Cell]]) -> int | None:
    """The score column, when the first row is a Forms header and every score reads "7 / 10"."""
    if not grid or not grid[0]:
        return None
    return _is_forms([text(c) for c in grid[0]], grid)


def read(grid: list[list[Cell]], found: int, *, column: str | None, teacher: str | None) -> ResultTable:
    return _read_forms(grid, found, teacher)
