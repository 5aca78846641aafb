"""Quiz-platform exports built by code in the real shape: a Kahoot! report and a Microsoft Forms quiz.

Kahoot!: the sheets Overview, Final Scores, Kahoot! Summary, one sheet per question and
"RawReportData Data". Overview and Final Scores (titles, labels, merged cells, numbers stored as text
cells) copy the real report enics-labs/kahoot-merger `reports/Lec 1.xlsx`; the question sheets
follow the cells read by MDecker-MobileComputing/KahootResult2Word's `KahootResultXlsxReader` (question in
B2, players correct in C4, answer options in D8/F8/H8/J8, ✔/✘ in C9/E9/G9/I9); the Summary sheet
("Q1" then the question's text on row 3, the player's points then their answer under them) follows
the public parsers of that sheet; the raw-data header is the one the public readers of the report use.

Microsoft Forms: "Sheet1" holding an Excel table whose header is ID, Start time, Completion time,
Email, Name, Total points, Quiz feedback and then "<question>", "Points - <question>", "Feedback -
<question>" per question (the Go reader `checkXLSTitles` of a public Forms grader checks exactly this).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.table import Table

TITLE = "Fractions review"

# Kahoot! -------------------------------------------------------------------------------------------
#
# Questions: (number, text, options, correct options); Q4 is a poll (no right answer).
KAHOOT_QUESTIONS = [
    (1, "What is 3/4 of 12?", ["6", "9", "8", "12"], ["9"]),
    (2, "Which is greater?", ["2/3", "3/5"], ["2/3"]),
    (3, "0.5 is the same as 1/2", ["True", "False"], ["True"]),
    (4, "How sure do you feel about fractions?", ["Very", "A bit", "Not yet", ""], []),
]
# Each player's answer per question ("" = no answer before the time ran out).
KAHOOT_ANSWERS = {
    "Ada": ["9", "2/3", "True", "Very"],
    "Ben": ["8", "2/3", "", "A bit"],
    "Cem": ["8", "3/5", "True", "Not yet"],
    "Deniz": ["9", "3/5", "True", "Very"],
}
RAW_HEADER = ["Question Number", "Question", "Answer 1", "Answer 2", "Answer 3", "Answer 4", "Answer 5", "Answer 6",
              "Correct Answers", "Time Allotted to Answer (seconds)", "Player", "Answer", "Correct / Incorrect",
              "Correct", "Incorrect", "Score (points)", "Score without Answer Streak Bonus (points)",
              "Current Total Score (points)", "Answer Time (%)", "Answer Time (seconds)"]


def _points(player: str, number: int) -> int:
    """Speed-based points for a correct answer (made up, but shaped like Kahoot's: up to 1000)."""
    return 1000 - 37 * len(player) - 11 * number


def kahoot_raw_rows(*, duplicate: bool = False, verdict: str | None = None) -> list[list[object]]:
    """The raw-data sheet: header, then one row per question and player (question by question).

    `duplicate` repeats Ben's row for question 2 at the end; `verdict` replaces Cem's Correct / Incorrect
    on question 1.
    """
    rows: list[list[object]] = [list(RAW_HEADER)]
    totals = dict.fromkeys(KAHOOT_ANSWERS, 0)
    for number, question, options, correct in KAHOOT_QUESTIONS:
        for player, answers in KAHOOT_ANSWERS.items():
            answer = answers[number - 1]
            poll = not correct
            right = answer in correct
            points = _points(player, number) if right else 0
            totals[player] += points
            status = "" if poll else ("Correct" if right else "Incorrect")
            if verdict is not None and (player, number) == ("Cem", 1):
                status = verdict
            padded = [o or None for o in (options + [""] * 6)[:6]]
            rows.append([number, question, *padded, ", ".join(correct) or None, 20, player, answer or None,
                         status or None,
                         None if poll else int(right), None if poll else int(not right), points, points,
                         totals[player], 0.41, 8.2])
    if duplicate:
        rows.append(list(rows[1 + 4 + 1]))  # question 2, Ben: answered twice
    return rows


def kahoot_report(folder: Path, *, raw_rows: list[list[object]] | None = None, name: str = "Fractions.xlsx",
                  with_raw: bool = True) -> Path:
    """The whole downloaded Kahoot! report, with the raw-data sheet last."""
    workbook = Workbook()
    overview = workbook.active
    assert overview is not None
    overview.title = "Overview"
    players = len(KAHOOT_ANSWERS)
    for row in ([TITLE], ["Played on", "2 Dec 2026"], ["Hosted by", "mrs.yilmaz"],
                ["Played with", f"{players} players"],
                ["Played", "4 of 4"], [], ["Overall Performance"], ["Total correct answers (%)", None, 0.5833],
                ["Total incorrect answers (%)", None, 0.4167], ["Average score (points)", None, 1652.5], [],
                ["Feedback"], ["Number of responses", None, 0], [], [], [], [], [],
                ["Switch tabs/pages to view other result breakdown"]):
        overview.append(row)
    for cells in ("A1:H1", "B2:H2", "B3:H3", "B4:H4", "B5:H5", "A6:H6", "A7:H7", "A8:B8", "C8:H8", "A9:B9", "C9:H9",
                  "A10:B10", "C10:H10", "A11:H11", "A12:H12", "A13:B13", "C13:H13", "A18:H18", "A19:H19"):
        overview.merge_cells(cells)
    overview["C8"].number_format = overview["C9"].number_format = "0.00%"

    raw = raw_rows if raw_rows is not None else kahoot_raw_rows()
    per_player: dict[str, list[tuple[object, object]]] = {}
    for row in raw[1:]:
        per_player.setdefault(str(row[10]), []).append((row[15], row[11]))
    ranked = sorted(per_player, key=lambda p: -sum(int(str(points)) for points, _ in per_player[p]))

    final = workbook.create_sheet("Final Scores")
    final.append([TITLE])
    final.append(["Final Scores"])
    final.append(["Rank", "Player", "Total Score (points)", "Correct Answers", "Incorrect Answers"])
    for rank, player in enumerate(ranked, start=1):
        right = sum(1 for number, *_ in KAHOOT_QUESTIONS[:3] if KAHOOT_ANSWERS[player][number - 1]
                    in KAHOOT_QUESTIONS[number - 1][3])
        final.append([rank, player, sum(int(str(p)) for p, _ in per_player[player]), right, 3 - right])
    final.merge_cells("A1:F1")
    final.merge_cells("A2:F2")
    for row in final.iter_rows(min_row=4):
        for cell in row:
            cell.number_format = "@"

    summary = workbook.create_sheet("Kahoot! Summary")
    summary.append([TITLE])
    summary.append(["Kahoot! Summary"])
    header: list[object] = ["Rank", "Player", "Total Score (points)"]
    for number, question, *_ in KAHOOT_QUESTIONS:
        header += [f"Q{number}", question]
    summary.append(header)
    for rank, player in enumerate(ranked, start=1):
        line: list[object] = [rank, player, sum(int(str(p)) for p, _ in per_player[player])]
        for points, answer in per_player[player][:len(KAHOOT_QUESTIONS)]:
            line += [points, answer]
        summary.append(line)

    for number, question, options, correct in KAHOOT_QUESTIONS:
        sheet = workbook.create_sheet(f"{number} Quiz" if correct else f"{number} Poll")
        sheet["A1"] = TITLE
        sheet["A2"], sheet["B2"] = f"{number} Quiz" if correct else f"{number} Poll", question
        sheet["A3"], sheet["C3"] = "Correct answers", ", ".join(correct)
        chosen = [answers[number - 1] for answers in KAHOOT_ANSWERS.values()]
        sheet["A4"], sheet["C4"] = "Players correct (%)", sum(a in correct for a in chosen) / players
        sheet["C4"].number_format = "0.00%"
        sheet["A7"] = "Answer Summary"
        sheet["A8"] = "Answer options"
        for offset, option in enumerate(o for o in options if o):
            sheet.cell(row=8, column=4 + 2 * offset, value=option)
            sheet.cell(row=9, column=3 + 2 * offset, value="✔︎" if option in correct else "✘")
        sheet["A9"] = "Is answer correct?"
        sheet["A12"] = "Answer Details"
        sheet.append(["Player", "Answer", "Correct / Incorrect", "Score (points)", "Current Total Score (points)",
                      "Answer Time (seconds)"])
        sheet.merge_cells("A1:J1")

    if with_raw:
        data = workbook.create_sheet("RawReportData Data")
        for row in raw:
            data.append(row)
    path = folder / name
    workbook.save(path)
    return path


# Microsoft Forms ------------------------------------------------------------------------------------

FORMS_QUESTIONS = ["What is 3/4 of 12?", "Which is greater: 2/3 or 3/5?", "Explain 1/2 + 1/4"]
FORMS_CLASS = "Class"
# (name, email, class, [(answer, points) per question]); Ada answered twice (a retry).
FORMS_RESPONSES = [
    ("Ada Yılmaz", "ada@okul.org", "7A", [("9", 2), ("2/3", 1), ("3/4 because 1/2 is 2/4", 3)]),
    ("Ben Kaya", "ben@okul.org", "7A", [("8", 0), ("2/3", 1), ("", 0)]),
    ("Cem Demir", "cem@okul.org", "7B", [("9", 2), ("3/5", 0), ("2/6", 1)]),
    ("Ada Yılmaz", "ada@okul.org", "7A", [("9", 2), ("3/5", 0), ("3/4", 2)]),
]


def forms_header(*, last_modified: bool = False) -> list[str]:
    header = ["ID", "Start time", "Completion time", "Email", "Name"]
    header += ["Last modified time"] if last_modified else []
    header += ["Total points", "Quiz feedback", FORMS_CLASS, f"Points - {FORMS_CLASS}", f"Feedback - {FORMS_CLASS}"]
    for question in FORMS_QUESTIONS:
        header += [question, f"Points - {question}", f"Feedback - {question}"]
    return header


def forms_rows(*, last_modified: bool = False, anonymous: bool = False) -> list[list[object]]:
    """The sheet's rows: header, then one row per response; `anonymous` adds an anonymous response."""
    responses = list(FORMS_RESPONSES)
    if anonymous:
        responses.insert(2, ("anonymous", "anonymous", "7B", [("9", 2), ("2/3", 1), ("3/4", 3)]))
    rows: list[list[object]] = [forms_header(last_modified=last_modified)]
    start = dt.datetime(2026, 12, 1, 9, 0, 0)
    for number, (name, email, klass, answers) in enumerate(responses, start=1):
        begun = start + dt.timedelta(minutes=7 * number)
        row: list[object] = [number, begun, begun + dt.timedelta(minutes=5), email, name]
        row += [begun + dt.timedelta(minutes=5)] if last_modified else []
        row += [sum(points for _, points in answers), None, klass, None, None]
        for answer, points in answers:
            row += [answer or None, points, None]
        rows.append(row)
    return rows


def microsoft_forms(folder: Path, *, rows: list[list[object]] | None = None, name: str = "Fractions quiz.xlsx") -> Path:
    """The responses workbook Forms' "Open in Excel" downloads: Sheet1 holding one Excel table."""
    rows = rows if rows is not None else forms_rows()
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Sheet1"
    for row in rows:
        sheet.append(row)
    for cell in sheet["B"][1:] + sheet["C"][1:]:
        cell.number_format = "m/d/yy h:mm:ss"
    last = sheet.cell(row=len(rows), column=len(rows[0])).coordinate
    sheet.add_table(Table(displayName="Table1", ref=f"A1:{last}"))
    path = folder / name
    workbook.save(path)
    return path
