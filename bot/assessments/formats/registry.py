"""The formats `read_results` knows, in the order it tries them.

Each format is one module of this package with `detect(grid)` (something truthy, passed on to
`read`, when the grid has its layout; None otherwise) and `read(grid, found, column=, teacher=)`.
Adding a format is adding its module and one `Format` line below. The order matters: a Canvas,
Canvas, ZipGrade, Google Classroom, Google Forms, Microsoft Forms or Kahoot header is recognised on the
first row before the looser layouts are looked for, and the teacher-made sheet (any sheet with a
student-name header) comes last. A format whose data is not on a workbook's first sheet (Kahoot's
report) names the sheet it reads with `sheet`; that sheet is looked at before the first one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.assessments.formats import (
    canvas,
    google_classroom,
    google_forms,
    kahoot,
    long,
    microsoft_forms,
    teacher_sheet,
    zipgrade,
)
from bot.assessments.formats.grid import ERR, Cell, ReadProblem, ResultTable, _load, _trim, read_grid, sheet_names


@dataclass(frozen=True)
class Format:
    """One export format: its name (as `--format` takes it), an example header line, detect and read.

    `sheet`, for a format whose data is on a named sheet of a workbook, picks that sheet's name from
    the workbook's sheet names (None when the workbook has none of its sheets).
    """

    name: str
    example: str
    detect: Callable[[list[list[Cell]]], Any]
    read: Callable[..., ResultTable]
    sheet: Callable[[list[str]], str | None] | None = None


FORMATS: list[Format] = [
    Format("canvas", "Student,ID,SIS User ID,SIS Login ID,Section,Fractions Quiz (10231)",
           canvas.detect, canvas.read),
    Format("zipgrade", "QuizName,QuizClass,FirstName,LastName,StudentID,CustomID,Earned Points,Possible Points,"
           "PercentCorrect,QuizCreated,DataExported,Key Version,Stu1,PriKey1,Points1,Mark1", zipgrade.detect,
           zipgrade.read),
    Format("google_classroom", "Last Name,First Name,Email Address,Fractions Quiz,Unit 3 Test",
           google_classroom.detect, google_classroom.read),
    Format("google_forms", "Timestamp,Email Address,Score,Your name,1. What is 3/4 of 12?",
           google_forms.detect, google_forms.read),
    Format("microsoft_forms", "ID,Start time,Completion time,Email,Name,Total points,Quiz feedback,"
           "What is 3/4 of 12?,Points - What is 3/4 of 12?,Feedback - What is 3/4 of 12?",
           microsoft_forms.detect, microsoft_forms.read),
    Format("kahoot", "Question Number,Question,Answer 1,Answer 2,Correct Answers,Player,Answer,Correct / Incorrect",
           kahoot.detect, kahoot.read, sheet=kahoot.sheet),
    Format("long", "student,teacher,section,item,standard,score,max", long.detect, long.read),
    Format("teacher_sheet", "Student,Q1 (4.NF.1),Q2 (4.NF.1),Q3 (2 pts),Total", teacher_sheet.detect,
           teacher_sheet.read),
]
NAMES = tuple(f.name for f in FORMATS)


def get(name: str) -> Format:
    """The format called `name`; KeyError when there is none."""
    for candidate in FORMATS:
        if candidate.name == name:
            return candidate
    raise KeyError(name)


def read_table(grid: list[list[Cell]], *, column: str | None = None, teacher: str | None = None,
               format: str | None = None) -> ResultTable:
    """The results in a grid of cells: the first format that detects its layout reads it.

    `format` (a name in NAMES) reads the grid as that format only, or raises `not_this_format`.
    """
    grid = _trim(grid)
    while grid and not grid[-1]:
        grid.pop()
    if not any(grid):
        raise ReadProblem(ERR + "empty", {})
    for candidate in [get(format)] if format is not None else FORMATS:
        found = candidate.detect(grid)
        if found is not None:
            return candidate.read(grid, found, column=column, teacher=teacher)
    if format is not None:
        raise ReadProblem(ERR + "not_this_format", {"format": format})
    if len([r for r in grid if r]) <= 1:
        raise ReadProblem(ERR + "empty", {})
    raise ReadProblem(ERR + "unknown_layout", {})


def read_results(path_or_bytes: str | Path | bytes, *, filename: str | None = None, column: str | None = None,
                 teacher: str | None = None, format: str | None = None,
                 table_reader: Callable[..., ResultTable] | None = None) -> ResultTable:
    """Read one results export (CSV, XLSX or XLS, from a path or its bytes) into a `ResultTable`.

    `column` picks the assignment of a gradebook with several; `teacher` is the teacher of rows in
    files without a teacher column; `format` forces one format (KeyError for a name not in NAMES).
    Raises `ReadProblem` (only) when the file cannot be used. `table_reader` replaces `read_table`.
    """
    if format is not None:
        get(format)
    reader = table_reader or read_table
    try:
        if filename is None and isinstance(path_or_bytes, str | Path):
            filename = Path(path_or_bytes).name
        data = _load(path_or_bytes)
        if format in (None, "long"):
            fast = long._read_long_fast(data, filename, teacher)
            if fast is not None:
                return fast
        on_sheet = _named_sheet(data, filename, format)
        if on_sheet is not None:
            return reader(on_sheet[1], column=column, teacher=teacher, format=on_sheet[0])
        if format is None:
            return reader(read_grid(data, filename), column=column, teacher=teacher)
        return reader(read_grid(data, filename), column=column, teacher=teacher, format=format)
    except ReadProblem:
        raise
    except RecursionError:
        raise ReadProblem(ERR + "unreadable", {}) from None
    except Exception:
        raise ReadProblem(ERR + "unreadable", {}) from None


def _named_sheet(data: bytes, filename: str | None, format: str | None) -> tuple[str, list[list[Cell]]] | None:
    """(format name, grid) of the first format that reads a named sheet of this workbook and finds its layout there."""
    candidates = [f for f in ([get(format)] if format is not None else FORMATS) if f.sheet is not None]
    names = sheet_names(data) if candidates else []
    for candidate in candidates:
        name = candidate.sheet(names) if candidate.sheet is not None and names else None
        if name is None:
            continue
        grid = read_grid(data, filename, sheet=name)
        if candidate.detect(_trim(grid)) is not None:
            return candidate.name, grid
    return None
