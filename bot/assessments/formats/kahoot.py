"""A Kahoot! report (the xlsx "Download report"): one row per player and question on its raw-data sheet.

The workbook's sheets are "Overview", "Final Scores", "Kahoot! Summary", one sheet per question and
last "RawReportData Data" (per MDecker-MobileComputing/KahootResult2Word's `KahootResultXlsxReader`; the first two
as in the real report enics-labs/kahoot-merger reports/Lec 1.xlsx). The raw-data sheet has its
header on row 1: Question Number, Question, Answer 1..4 (newer reports up to Answer 6), Correct
Answers, Time Allotted to Answer (seconds), Player, Answer, Correct / Incorrect, Correct, Incorrect,
Score (points), Score without Answer Streak Bonus (points), Current Total Score (points), Answer Time
(%), Answer Time (seconds). Some readers of the report name two of them "Quiz Question Number" and
"Player Answer"; both spellings are read.

Kahoot's points depend on how fast a player answered, so they say little about what was learned: each
question is read as 1 point when the player's answer is Correct and 0 when it is Incorrect (max 1).
A row with no Correct / Incorrect and no correct answer is a poll or a slide, not a question: skipped.
"""

from __future__ import annotations

from typing import Any

from bot.assessments.formats.grid import (
    ERR,
    MAX_CELL,
    WARN,
    Cell,
    ReadProblem,
    ResultTable,
    Score,
    _cell,
    _filled,
    _frame,
    _no_students,
    _or_none,
    _result,
    norm,
    text,
)

RAW_SHEETS = ("rawreportdata data", "raw report data", "rawreportdata")
_COLUMNS = {
    "number": {"question number", "quiz question number"},
    "question": {"question"},
    "key": {"correct answers", "correct answer"},
    "player": {"player"},
    "answer": {"answer", "player answer"},
    "correct": {"correct incorrect"},
}
_REQUIRED = ("question", "player", "correct")
CORRECT, INCORRECT = "correct", "incorrect"


def sheet(names: list[str]) -> str | None:
    """The raw-data sheet among a workbook's sheet names, when it has one."""
    for name in names:
        if norm(name) in RAW_SHEETS:
            return name
    return None


def detect(grid: list[list[Cell]]) -> dict[str, int] | None:
    """The columns by role, when row 1 is the raw-data header (Question, Player, Correct / Incorrect...)."""
    if not grid or not grid[0]:
        return None
    found: dict[str, int] = {}
    for index, header in enumerate(grid[0]):
        key = norm(header)
        for role, names in _COLUMNS.items():
            if key in names and role not in found:
                found[role] = index
    return found if all(role in found for role in _REQUIRED) else None


def _item(row: list[Cell], columns: dict[str, int], index: int, header: str) -> str:
    """The question of a row, "3. What is 3/4 of 12?" (its number first when the sheet has one)."""
    number = text(_cell(row, columns["number"])) if "number" in columns else ""
    question = text(_cell(row, columns["question"]))
    if not question:
        raise ReadProblem(ERR + "no_item", {"row": index, "column": header})
    return f"{number}. {question}" if number else question


def read(grid: list[list[Cell]], found: dict[str, int], *, column: str | None, teacher: str | None) -> ResultTable:
    """One result per player and question: 1 for Correct, 0 for Incorrect, out of 1."""
    results: list[dict[str, Any]] = []
    warnings: list[tuple[str, dict[str, object]]] = []
    seen: dict[tuple[str, str], int] = {}
    correct_header = text(grid[0][found["correct"]])
    question_header = text(grid[0][found["question"]])
    for index, row in enumerate(grid[1:], start=2):
        if not _filled(row):
            continue
        player = text(_cell(row, found["player"]))
        if not player:
            warnings.append((WARN + "row_without_name", {"row": index}))
            continue
        item = _item(row, found, index, question_header)
        key = _or_none(_cell(row, found["key"])) if "key" in found else None
        answer = _or_none(_cell(row, found["answer"])) if "answer" in found else None
        verdict = norm(_cell(row, found["correct"]))
        if verdict == CORRECT:
            score = Score(1.0, "scored")
        elif verdict == INCORRECT:
            score = Score(0.0, "scored")
        elif not verdict and key is None:
            continue  # a poll, word cloud or slide: it has no right answer
        elif not verdict:
            score = Score(float("nan"), "missing")
        else:
            raw = text(_cell(row, found["correct"]))
            raise ReadProblem(ERR + "not_correct_or_incorrect",
                              {"row": index, "column": correct_header, "value": raw[:MAX_CELL]})
        pair = (player.casefold(), item)
        if pair in seen:
            warnings.append((WARN + "duplicate_student", {"row": index, "first_row": seen[pair]}))
        else:
            seen[pair] = index
        results.append(_result(player, teacher, None, item, None, score, 1.0, answer=answer, key=key))
    _no_students(results)
    return ResultTable("kahoot", _frame(results), warnings, [])
