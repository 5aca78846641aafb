"""ZipGrade's CSV exports: one row per scanned paper, the quiz's summary columns, then per question.

Shapes, from real exports in public repositories (ZipGrade's help pages do not list the columns):

* "Full Format (with student responses)", current headers (joncoop/zipgrade-reporter,
  sample/sample_data.csv, exported 2019): QuizName, QuizClass, FirstName, LastName, StudentID,
  CustomID, Earned Points, Possible Points, PercentCorrect, QuizCreated, DataExported, Key Version,
  then per question n: Stun (the student's answer), PriKeyn (the key), Pointsn (points earned),
  Markn (C or X). A question's worth is not in the file: it is the points of a correct answer.
* the same export, older headers (joncoop/zipgrade-reporter, apcsa2014practiceexamExport.csv,
  exported 2018): ZipGradeID, ExternalID, EarnedPts, PossiblePts, KeyVersion, then Stun, Keyn,
  EarnedPtn, PossPtn. Questions of the answer sheet the quiz does not use have an empty key and
  PossPt 0.
* the same named columns without per-question columns (a summary export): one score per paper,
  Earned Points out of Possible Points.
* question columns Q1, Q2... next to a "ZipGrade ID" column (the columns tazzben/Assessment-
  Disaggregation reads as ZipGrade's, src/readcsv.js and its "Exam Files" page): a positive number
  is a correct answer's points, 0 or a letter a wrong answer, blank a question the paper does not
  have. Only that much of this export is established: no answers or keys are taken from it, and a
  question's worth is the most points anyone earned on it (or what Possible Points leaves).
"""

from __future__ import annotations

import re
from typing import Any

from bot.assessments.formats.grid import (
    ERR,
    SUMMARY_LABELS,
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
    parse_max,
    parse_number,
    parse_score,
    text,
)

# Named columns, by their header without spaces after `norm` ("Earned Points" -> "earnedpoints").
_NAMED = {
    "quizname": "quiz", "quizclass": "section", "firstname": "first", "lastname": "last",
    "studentid": "id", "zipgradeid": "id", "externalid": "external", "customid": "external",
    "earnedpoints": "earned", "earnedpts": "earned", "possiblepoints": "possible", "possiblepts": "possible",
    "percentcorrect": "percent", "quizcreated": "created", "dataexported": "exported",
    "keyversion": "version",
}
# Per-question columns: the answer, the key, the points earned, the mark or the points possible.
_SERIES_RE = re.compile(r"^(stu|prikey|key|points|mark|earnedpt|posspt|q)(\d{1,3})$")
_ROLE = {"stu": "answer", "prikey": "key", "key": "key", "points": "earned", "earnedpt": "earned",
         "mark": "mark", "posspt": "possible", "q": "marked"}
_LETTERS_RE = re.compile(r"^[A-Za-z]{1,10}$")


def _key(header: Cell) -> str:
    return norm(header).replace(" ", "")


def _columns(headers: list[Cell]) -> tuple[dict[str, int], dict[int, dict[str, int]]]:
    """The named columns (role -> index) and the questions (number -> role -> index)."""
    named: dict[str, int] = {}
    questions: dict[int, dict[str, int]] = {}
    for index, header in enumerate(headers):
        key = _key(header)
        if key in _NAMED:
            named.setdefault(_NAMED[key], index)
            continue
        match = _SERIES_RE.match(key)
        if match:
            questions.setdefault(int(match.group(2)), {}).setdefault(_ROLE[match.group(1)], index)
    return named, questions


def detect(grid: list[list[Cell]]) -> tuple[dict[str, int], dict[int, dict[str, int]]] | None:
    """ZipGrade's named columns on the first row: the earned and possible points and a name or quiz,
    or a ZipGrade ID column with Q1, Q2... columns."""
    if not grid or not grid[0]:
        return None
    named, questions = _columns(grid[0])
    if {"earned", "possible"} <= named.keys() and ({"first", "last"} <= named.keys() or "quiz" in named):
        return named, questions
    marked = any("marked" in cols for cols in questions.values())
    if marked and any(_key(h) == "zipgradeid" for h in grid[0]):
        return named, questions
    return None


def _student(row: list[Cell], named: dict[str, int]) -> str:
    parts = [text(_cell(row, named[part])) for part in ("first", "last") if part in named]
    name = " ".join(p for p in parts if p)
    if not name:  # a paper scanned without a student: its ids are all there is
        name = next((text(_cell(row, named[k])) for k in ("id", "external") if k in named
                     and text(_cell(row, named[k]))), "")
    return name


def _worth(grid: list[list[Cell]], rows: list[int], headers: list[str], named: dict[str, int],
           questions: dict[int, dict[str, int]]) -> dict[int, float]:
    """The points of each question in the current export: what a correct answer (mark C) earned.

    A question nobody answered correctly takes its share of Possible Points left over by the others.
    """
    worth: dict[int, float] = {}
    for number, cols in questions.items():
        for index in rows:
            if text(_cell(grid[index], cols["mark"])).upper() == "C":
                value = parse_max(_cell(grid[index], cols["earned"]), row=index + 1, column=headers[cols["earned"]])
                worth[number] = max(worth.get(number, 0.0), value)
    unknown = [n for n in questions if n not in worth]
    if unknown:
        first = rows[0]
        possible = parse_max(_cell(grid[first], named["possible"]), row=first + 1,
                             column=headers[named["possible"]])
        left = possible - sum(worth.values())
        if left <= 0:
            raise ReadProblem(ERR + "no_max", {"column": headers[questions[unknown[0]]["earned"]]})
        for number in unknown:
            worth[number] = left / len(unknown)
    return worth


def _marked_worth(grid: list[list[Cell]], rows: list[int], headers: list[str], named: dict[str, int],
                  marked: dict[int, int]) -> dict[int, float]:
    """The points of each Q column: the most anyone earned on it; the rest of Possible Points otherwise."""
    worth: dict[int, float] = {}
    for number, col in marked.items():
        for index in rows:
            raw = _cell(grid[index], col)
            if _LETTERS_RE.match(text(raw)):
                continue
            try:
                value = parse_number(raw)
            except ValueError:
                continue  # refused with its row and column when the score is read
            if value is not None and value > 0:
                worth[number] = max(worth.get(number, 0.0), value)
    unknown = [n for n in marked if n not in worth]
    if unknown:
        if "possible" not in named:
            raise ReadProblem(ERR + "no_max", {"column": headers[marked[unknown[0]]]})
        first = rows[0]
        left = parse_max(_cell(grid[first], named["possible"]), row=first + 1,
                         column=headers[named["possible"]]) - sum(worth.values())
        if left <= 0:
            raise ReadProblem(ERR + "no_max", {"column": headers[marked[unknown[0]]]})
        for number in unknown:
            worth[number] = left / len(unknown)
    return worth


def read(grid: list[list[Cell]], found: tuple[dict[str, int], dict[int, dict[str, int]]], *,
         column: str | None, teacher: str | None) -> ResultTable:
    named, all_questions = found
    headers = [text(c) for c in grid[0]]
    # Questions need points: earned and possible (older export), or earned and the mark (current).
    questions = {n: cols for n, cols in sorted(all_questions.items())
                 if "earned" in cols and ("possible" in cols or "mark" in cols)}
    warnings: list[tuple[str, dict[str, object]]] = []
    rows: list[int] = []
    seen: dict[str, int] = {}
    for index in range(1, len(grid)):
        row = grid[index]
        if not _filled(row):
            continue
        student = _student(row, named)
        if norm(student) in SUMMARY_LABELS:
            warnings.append((WARN + "summary_row", {"row": index + 1}))
            continue
        if not student:
            warnings.append((WARN + "row_without_name", {"row": index + 1}))
            continue
        key = student.casefold()
        if key in seen:
            warnings.append((WARN + "duplicate_student", {"row": index + 1, "first_row": seen[key]}))
        else:
            seen[key] = index + 1
        rows.append(index)
    if not rows:
        raise ReadProblem(ERR + "no_students", {})
    current = any("mark" in cols for cols in questions.values())
    worth = _worth(grid, rows, headers, named, questions) if current else {}
    marked = {} if questions else {n: cols["marked"] for n, cols in sorted(all_questions.items()) if "marked" in cols
                                   and any(text(_cell(grid[r], cols["marked"])) for r in rows)}
    if marked:
        worth = _marked_worth(grid, rows, headers, named, marked)

    results: list[dict[str, Any]] = []
    for index in rows:
        row = grid[index]
        student = _student(row, named)
        section = _or_none(_cell(row, named["section"])) if "section" in named else None
        if marked:
            for number, col in marked.items():
                raw = _cell(row, col)
                if not text(raw):
                    continue  # a question this paper does not have
                value = 0 if _LETTERS_RE.match(text(raw)) else raw  # a wrong answer's letter
                points = parse_score(value, row=index + 1, column=headers[col], max_points=worth[number])
                results.append(_result(student, teacher, section, f"Q{number}", None, points, worth[number]))
            continue
        if not questions:
            possible_col, earned_col = named["possible"], named["earned"]
            maximum = parse_max(_cell(row, possible_col), row=index + 1, column=headers[possible_col])
            score = parse_score(_cell(row, earned_col), row=index + 1, column=headers[earned_col],
                                max_points=maximum)
            title = text(_cell(row, named["quiz"])) if "quiz" in named else ""
            results.append(_result(student, teacher, section, title or headers[earned_col], None, score, maximum))
            continue
        for number, cols in questions.items():
            earned = cols["earned"]
            if current:
                maximum = worth[number]
            else:
                raw_max = _cell(row, cols["possible"])
                try:
                    unused = parse_number(raw_max) == 0
                except ValueError:
                    unused = False
                if unused and not ("key" in cols and text(_cell(row, cols["key"]))):
                    continue  # a question of the answer sheet this quiz does not have
                maximum = parse_max(raw_max, row=index + 1, column=headers[cols["possible"]])
            points = parse_score(_cell(row, earned), row=index + 1, column=headers[earned],
                                        max_points=maximum)
            answer = _or_none(_cell(row, cols["answer"])) if "answer" in cols else None
            right = _or_none(_cell(row, cols["key"])) if "key" in cols else None
            results.append(_result(student, teacher, section, f"Q{number}", None, points, maximum,
                                   answer=answer, key=right))
    _no_students(results)
    return ResultTable("zipgrade", _frame(results), warnings, [])
