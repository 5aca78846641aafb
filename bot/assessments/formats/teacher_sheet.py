"""A teacher-made wide sheet: a student-name column, one column per item, optional max-points and standards rows."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from bot.assessments.formats.grid import (
    ERR,
    HEADER_SEARCH_ROWS,
    IGNORED_NAMES,
    MAX_LABELS,
    SECTION_NAMES,
    STANDARD_LABELS,
    STUDENT_NAMES,
    SUMMARY_LABELS,
    TEACHER_NAMES,
    TOTAL_NAMES,
    WARN,
    Cell,
    ReadProblem,
    ResultTable,
    _binary,
    _cell,
    _filled,
    _find,
    _frame,
    _no_students,
    _or_none,
    _result,
    is_identifier,
    norm,
    parse_max,
    parse_number,
    parse_score,
    text,
)

_PAREN_RE = re.compile(r"^(.*?\S)\s*[(\[]\s*([^()\[\]]*?\S)\s*[)\]]\s*$")
_POINTS_RE = re.compile(r"^(?:/\s*|out of\s*)?(\d+(?:[.,]\d+)?)\s*(?:pts?|points?|puan|p)\.?$|^/\s*(\d+(?:[.,]\d+)?)$",
                        re.IGNORECASE)


def _is_student_header(value: Cell) -> bool:
    return norm(value) in STUDENT_NAMES


def _find_header(grid: list[list[Cell]]) -> tuple[int, int] | None:
    """(row index, student column) of the first row with a student-name header and another cell."""
    for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        filled = _filled(row)
        if len(filled) < 2:
            continue
        for col in filled:
            if _is_student_header(row[col]):
                return index, col
    return None


def _label(row: Sequence[Cell], item_cols: set[int]) -> str:
    """The label of a row: its first non-empty cell outside the item columns."""
    for index in _filled(row):
        if index not in item_cols:
            return norm(row[index])
        return ""
    return ""


def _numbers_column(grid: list[list[Cell]], rows: list[int], col: int) -> bool:
    """Whether the cells of `col` in `rows` are all filled with distinct whole numbers (at least two)."""
    seen: set[float] = set()
    for index in rows:
        try:
            number = parse_number(_cell(grid[index], col))
        except ValueError:
            return False
        if number is None or not float(number).is_integer() or number in seen:
            return False
        seen.add(number)
    return len(seen) >= 2


def _split_header(header: str) -> tuple[str, str | None, str | None]:
    """"Q3 (4.NF.1)" -> ("Q3", "4.NF.1", None); "Q3 (2 pts)" -> ("Q3", None, "2")."""
    match = _PAREN_RE.match(header)
    if not match:
        return header, None, None
    inner = match.group(2)
    points = _POINTS_RE.match(inner)
    if points:
        return match.group(1), None, points.group(1) or points.group(2)
    return match.group(1), inner, None


def _read_sheet(grid: list[list[Cell]], start: int, student_col: int, teacher: str | None) -> ResultTable:
    headers = [text(c) for c in grid[start]]
    teacher_col = _find(headers, TEACHER_NAMES)
    section_col = _find(headers, SECTION_NAMES)
    roles = {student_col} | {c for c in (teacher_col, section_col) if c is not None}
    candidates = [i for i, h in enumerate(headers) if i not in roles and h and norm(h) not in IGNORED_NAMES
                  and not _is_student_header(h) and not is_identifier(h)]
    totals = [i for i in candidates
              if norm(headers[i]) in TOTAL_NAMES or norm(headers[i]).startswith(("total ", "toplam "))]
    items = [i for i in candidates if i not in totals] or totals[:1]
    if not items:
        raise ReadProblem(ERR + "unknown_layout", {})
    item_set = set(items)

    standards: dict[int, str | None] = {}
    header_max: dict[int, str] = {}
    names: dict[int, str] = {}
    for col in items:
        name, standard, points = _split_header(headers[col])
        names[col], standards[col] = name, standard
        if points is not None:
            header_max[col] = points
    if len(set(names.values())) < len(names):  # two columns would become one item: keep the headers
        names = {col: headers[col] for col in items}

    max_row: int | None = None
    standard_row: int | None = None
    data_rows: list[int] = []
    warnings: list[tuple[str, dict[str, object]]] = []
    for index in range(start + 1, len(grid)):
        row = grid[index]
        if not _filled(row):
            continue
        label = _label(row, item_set)
        meta = not data_rows or " " in label  # a student called "Max" is not the max row
        if label in MAX_LABELS and max_row is None and meta:
            max_row = index
        elif label in STANDARD_LABELS and standard_row is None and meta:
            standard_row = index
        elif label in SUMMARY_LABELS or (label and not text(_cell(row, student_col))
                                         and label in SUMMARY_LABELS | MAX_LABELS | STANDARD_LABELS):
            warnings.append((WARN + "summary_row", {"row": index + 1}))
        elif not text(_cell(row, student_col)):
            if any(text(_cell(row, c)) for c in items):
                warnings.append((WARN + "row_without_name", {"row": index + 1}))
        else:
            data_rows.append(index)
    # A max row may also sit above the header (under the title rows).
    if max_row is None:
        for index in range(start):
            if _label(grid[index], item_set) in MAX_LABELS:
                max_row = index
                break
    if standard_row is not None:
        for col in items:
            value = _or_none(_cell(grid[standard_row], col))
            if value is not None:
                standards[col] = value

    # Left of the names, a column of distinct whole numbers without a max of its own is a row or
    # student number, whatever its header says.
    items = [c for c in items if not (c < student_col and c not in header_max and _numbers_column(grid, data_rows, c)
                                      and (max_row is None or not text(_cell(grid[max_row], c))))]

    # Columns with nothing in them (not even a max) are not items.
    items = [c for c in items if c in header_max or any(text(_cell(grid[r], c)) for r in data_rows)
             or (max_row is not None and text(_cell(grid[max_row], c)))]
    if not items:
        raise ReadProblem(ERR + "unknown_layout", {})

    maxima: dict[int, float] = {}
    for col in items:
        if max_row is not None and text(_cell(grid[max_row], col)):
            maxima[col] = parse_max(_cell(grid[max_row], col), row=max_row + 1, column=headers[col])
        elif col in header_max:
            maxima[col] = parse_max(header_max[col], row=start + 1, column=headers[col])
        elif max_row is not None:
            raise ReadProblem(ERR + "bad_max", {"row": max_row + 1, "column": headers[col], "value": ""})
    missing_max = [c for c in items if c not in maxima]
    for col in missing_max:
        if not _binary(_cell(grid[r], col) for r in data_rows):
            raise ReadProblem(ERR + "no_max", {"column": headers[col]})
    if missing_max:
        for col in missing_max:
            maxima[col] = 1.0
        warnings.append((WARN + "assumed_binary", {"column": ", ".join(headers[c] for c in missing_max)}))

    results: list[dict[str, Any]] = []
    for index in data_rows:
        row = grid[index]
        student = text(_cell(row, student_col))
        who = _or_none(_cell(row, teacher_col)) if teacher_col is not None else teacher
        section = _or_none(_cell(row, section_col)) if section_col is not None else None
        for col in items:
            score = parse_score(_cell(row, col), row=index + 1, column=headers[col], max_points=maxima[col])
            results.append(_result(student, who, section, names[col], standards[col], score, maxima[col]))
    _no_students(results)
    return ResultTable("teacher_sheet", _frame(results), warnings, [])


def detect(grid: list[list[Cell]]) -> tuple[int, int] | None:
    return _find_header(grid)


def read(grid: list[list[Cell]], found: tuple[int, int], *, column: str | None, teacher: str | None) -> ResultTable:
    start, student_col = found
    if not any(_filled(r) for r in grid[start + 1:]):
        raise ReadProblem(ERR + "no_students", {})
    return _read_sheet(grid, start, student_col, teacher)
