"""The formats `read_results` knows, in the order it tries them.

Each format is one module of this package with `detect(grid)` (something truthy, passed on to
`read`, when the grid has its layout; None otherwise) and `read(grid, found, column=, teacher=)`.
Adding a format is adding its module and one `Format` line below. The order matters: a Canvas,
ZipGrade, Google Classroom or Google Forms header is recognised on the first row before the looser
layouts are looked for, and the teacher-made sheet (any sheet with a student-name header) comes last.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.assessments.formats import canvas, google_classroom, google_forms, long, teacher_sheet, zipgrade
from bot.assessments.formats.grid import ERR, Cell, ReadProblem, ResultTable, _load, _trim, read_grid


@dataclass(frozen=True)
class Format:
    """One export format: its name (as `--format` takes it), an example header line, detect and read."""

    name: str
    example: str
    detect: Callable[[list[list[Cell]]], Any]
    read: Callable[..., ResultTable]


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
        if format is None:
            return reader(read_grid(data, filename), column=column, teacher=teacher)
        return reader(read_grid(data, filename), column=column, teacher=teacher, format=format)
    except ReadProblem:
        raise
    except RecursionError:
        raise ReadProblem(ERR + "unreadable", {}) from None
    except Exception:
        raise ReadProblem(ERR + "unreadable", {}) from None
