"""Reading common-assessment exports (CSV/XLSX/XLS) into one long results table.

The readers live in `bot.assessments.formats`: a shared grid/cell layer (`grid`), one module per
format (Google Forms quiz responses, a Canvas gradebook, a tidy long table, a teacher-made wide
sheet) and a registry (`registry.FORMATS`) that `read_results` tries in order. This module keeps
the names the rest of the code imports. A bad file raises `ReadProblem`, whose key names a text in
`prompts/*/assessments_read.toml`; no other exception leaves `read_results`.
"""

from __future__ import annotations

from pathlib import Path

from bot.assessments.formats import registry as _registry
from bot.assessments.formats.grid import (
    ERR,
    RESULT_COLUMNS,
    WARN,
    AssessmentColumn,
    Cell,
    ReadProblem,
    ResultTable,
    _trim,
    norm,
    parse_max,
    parse_number,
    parse_score,
    read_grid,
    text,
)
from bot.assessments.formats.long import _HEAD_BYTES, _read_long_fast
from bot.assessments.formats.registry import read_table

FORMATS = _registry.NAMES

__all__ = ["FORMATS", "RESULT_COLUMNS", "AssessmentColumn", "Cell", "ReadProblem", "ResultTable", "_HEAD_BYTES",
           "_read_long_fast", "_trim", "norm", "parse_max", "parse_number", "parse_score", "read_grid", "read_results",
           "read_table", "text"]

# Every problem and warning a reader may give (each has a text in both languages; a test checks
# that this list names all those the format modules use).
PROBLEMS = (
    ERR + "above_max", ERR + "bad_max", ERR + "choose_column", ERR + "corrupt_workbook", ERR + "empty",
    ERR + "forms_no_score", ERR + "negative", ERR + "no_item", ERR + "no_max", ERR + "no_student_column",
    ERR + "no_students", ERR + "not_a_number", ERR + "not_correct_or_incorrect", ERR + "not_this_format",
    ERR + "unknown_column", ERR + "unknown_layout", ERR + "unreadable",
)
WARNINGS = (
    WARN + "assumed_binary", WARN + "duplicate_student", WARN + "max_from_highest", WARN + "row_without_name",
    WARN + "summary_row", WARN + "test_student",
)


def read_results(path_or_bytes: str | Path | bytes, *, filename: str | None = None, column: str | None = None,
                 teacher: str | None = None, format: str | None = None) -> ResultTable:
    """Read one results export (CSV or XLSX, from a path or its bytes) into a `ResultTable`.

    `column` picks the assignment of a gradebook with several; `teacher` is the teacher of rows in
    files without a teacher column; `format` (a name in `FORMATS`) forces one format. Raises
    `ReadProblem` (only) when the file cannot be used; KeyError for an unknown `format`.
    """
    return _registry.read_results(path_or_bytes, filename=filename, column=column, teacher=teacher, format=format,
                                  table_reader=read_table)
