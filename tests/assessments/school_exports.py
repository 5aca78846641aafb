"""School tools' exports, built by code in the exact shape of real files (each cites where its shape is from).

The numbers are small enough to check by hand in tests/assessments/test_school_exports.py.
"""

from __future__ import annotations

from pathlib import Path

from tests.assessments.fixtures import write_csv

# ZipGrade ------------------------------------------------------------------------------------------
#
# Current "Full Format (with student responses)": the header of joncoop/zipgrade-reporter,
# sample/sample_data.csv (exported 10-10-2019); per question Stu (answer), PriKey (key), Points
# (earned) and Mark (C correct, X not). Multi-answer keys ("AC") and the dates are as there.

ZIPGRADE_NAMED = ["QuizName", "QuizClass", "FirstName", "LastName", "StudentID", "CustomID", "Earned Points",
                  "Possible Points", "PercentCorrect", "QuizCreated", "DataExported", "Key Version"]
# Q1 D, Q2 B, Q3 C (1 point each), Q4 AC (2 points), Q5 B (1 point; nobody got it right).
ZIPGRADE_KEY = ["D", "B", "C", "AC", "B"]
ZIPGRADE_WORTH = [1, 1, 1, 2, 1]


def _zipgrade_row(first: str, last: str, period: str, student_id: str, answers: list[str]) -> list[object]:
    cells: list[object] = []
    earned = 0
    for answer, key, worth in zip(answers, ZIPGRADE_KEY, ZIPGRADE_WORTH, strict=True):
        right = answer == key
        earned += worth if right else 0
        cells += [answer, key, worth if right else 0, "C" if right else "X"]
    possible = sum(ZIPGRADE_WORTH)
    return ["Unit 4 Test", period, first, last, student_id, "", earned, possible, round(100 * earned / possible, 2),
            "10-8-2019 0:00", "10-10-2019 15:23", 1, *cells]


def zipgrade_full(folder: Path, *, bad_points: str | None = None) -> Path:
    """Three students; Denise left Q2 blank; Jean's paper was scanned twice. `bad_points` replaces Points2 of row 3."""
    header = ZIPGRADE_NAMED + [f"{p}{n}" for n in range(1, 6) for p in ("Stu", "PriKey", "Points", "Mark")]
    rows = [header,
            _zipgrade_row("Walter", "Lee", "2nd Period", "44304", ["D", "B", "A", "AC", "A"]),
            _zipgrade_row("Denise", "Simmons", "6th Period", "33176", ["D", "", "C", "BC", "C"]),
            _zipgrade_row("Jean", "Cook", "2nd Period", "76682", ["A", "B", "C", "AC", ""]),
            _zipgrade_row("Jean", "Cook", "2nd Period", "76682", ["A", "B", "C", "AC", "A"])]
    if bad_points is not None:
        rows[2][len(ZIPGRADE_NAMED) + 4 + 2] = bad_points  # Points2 of Denise (row 3)
    return write_csv(folder, "UnitTest4Export.csv", rows)


# Older headers of the same export: joncoop/zipgrade-reporter, apcsa2014practiceexamExport.csv
# (exported May 02 2018): ZipGradeID, ExternalID, EarnedPts, PossiblePts, KeyVersion; per question
# Stu, Key, EarnedPt, PossPt; the questions of the 50-question sheet the quiz does not use are
# ",,0,0". Here a 20-question sheet with a 3-question quiz (Q3 worth 2), and a teacher's
# "Average" row added at the bottom.

ZIPGRADE_OLD_NAMED = ["QuizName", "QuizClass", "FirstName", "LastName", "ZipGradeID", "ExternalID", "EarnedPts",
                      "PossiblePts", "PercentCorrect", "QuizCreated", "DataExported", "KeyVersion"]


def zipgrade_old(folder: Path) -> Path:
    header = ZIPGRADE_OLD_NAMED + [f"{p}{n}" for n in range(1, 21) for p in ("Stu", "Key", "EarnedPt", "PossPt")]
    unused = ["", "", 0, 0] * 17

    def paper(first: str, last: str, zid: str, answers: list[tuple[str, str, int, int]]) -> list[object]:
        earned = sum(a[2] for a in answers)
        return ["apcs-a practice exam", "APCS-A (2nd)", first, last, zid, "", earned, 4, 100 * earned / 4,
                "Apr 26 2018 10:08 AM", "May 02 2018 02:14 PM", "A", *[c for a in answers for c in a], *unused]

    rows = [header,
            paper("Ada", "Byron", "53643", [("C", "C", 1, 1), ("A", "A", 1, 1), ("B", "B", 2, 2)]),
            paper("Alan", "Turing", "95620", [("C", "C", 1, 1), ("D", "A", 0, 1), ("", "B", 0, 2)]),
            ["", "", "Average", "", "", "", 2.5, 4, 62.5]]
    return write_csv(folder, "apcsa-practice-exam-export.csv", rows)


def zipgrade_marked(folder: Path, *, bad: str | None = None) -> Path:
    """Q columns beside a ZipGrade ID, as tazzben/Assessment-Disaggregation (src/readcsv.js) reads ZipGrade's:
    a positive number is a correct answer's points, 0 or a letter a wrong answer, blank a question the
    paper does not have (Q4 here). Only these columns of that export are established. `bad` is Alan's Q3."""
    return write_csv(folder, "zipgrade-questions.csv", [
        ["First Name", "Last Name", "ZipGrade ID", "Q1", "Q2", "Q3", "Q4"],
        ["Ada", "Byron", "101", "1", "b", "2", ""],
        ["Alan", "Turing", "102", "0", "1", bad if bad is not None else "c", ""],
        ["Grace", "Hopper", "103", "1", "a", "2", ""],
    ])


def zipgrade_summary(folder: Path) -> Path:
    """The named columns only (no per-question columns): one score per paper."""
    return write_csv(folder, "quiz-summary.csv", [
        ZIPGRADE_NAMED,
        ["Fractions Quiz", "4A", "Ayşe", "Yılmaz", "1234", "", 18, 20, 90, "10-8-2019 0:00", "10-10-2019 15:23", 1],
        ["Fractions Quiz", "4A", "Mehmet", "Öz", "1301", "", 12, 20, 60, "10-8-2019 0:00", "10-10-2019 15:23", 1],
    ])


# Google Classroom ------------------------------------------------------------------------------------
#
# The grades CSV: Last Name, First Name, Email Address, then one column per assignment; above the
# students, rows without an email: the dates, the points and the class average (the shape the
# parser of Classroom's CSV in sjasthi/learnandhelp_2026, admin_progress_report.php, reads: header,
# dates row, points row, students; rows without an email skipped). Işıl left the exit ticket blank;
# Leo's row appears twice (two enrolments, one email).

CLASSROOM_HEADER = ["Last Name", "First Name", "Email Address", "Fractions Quiz", "Decimals Exit Ticket",
                    "Unit 3 Test"]


def google_classroom(folder: Path, *, test_cell: object = 12, encoding: str = "utf-8") -> Path:
    """Three students; `test_cell` is Işıl's Unit 3 Test score (row 7)."""
    return write_csv(folder, "Math 4_scores.csv", [
        CLASSROOM_HEADER,
        ["Date", "", "", "Oct 1, 2024", "Oct 3, 2024", ""],
        ["Points", "", "", 10, 5, 20],
        ["Class average", "", "", 8.33, 4.5, 15.67],
        ["Chen", "Maya", "maya.c@school.org", 9, 4, 15],
        ["Park", "Leo", "leo.p@school.org", 10, 5, 20],
        ["Öztürk", "Işıl", "isil.o@school.org", 6, "", test_cell],
        ["Park", "Leo", "leo.p@school.org", 10, 5, 20],
    ], encoding=encoding)
