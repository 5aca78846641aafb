"""Kahoot! reports and Microsoft Forms quizzes, in their real shape (tests/assessments/quiz_exports.py)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from bot.assessments.formats import registry
from bot.assessments.formats.grid import read_grid, sheet_names
from bot.assessments.readers import ReadProblem, read_results
from bot.i18n import catalog
from tests.assessments import fixtures, quiz_exports

E = "assessments_read.errors."
W = "assessments_read.warnings."


def percents(table: object) -> tuple[dict[str, float], dict[str, float]]:
    from bot.assessments.analysis import analyse, round_1

    analysis = analyse(table.results)  # type: ignore[attr-defined]
    students = {row["student"]: round_1(row["percent"]) for row in analysis.students.to_dict("records")}
    items = {row["item"]: round_1(row["percent"]) for row in analysis.items.to_dict("records")}
    return students, items


def problem(path: Path, **kwargs: object) -> ReadProblem:
    with pytest.raises(ReadProblem) as found:
        read_results(path, **kwargs)  # type: ignore[arg-type]
    return found.value


# Kahoot! ---------------------------------------------------------------------------------------------
#
# By hand (1 per correct answer, out of 1 per question; the poll Q4 is not an item):
#   Ada 9 ✔ 2/3 ✔ True ✔ = 3/3 = 100 %; Ben 8 ✘ 2/3 ✔ (no answer) ✘ = 1/3 = 33.3 %;
#   Cem 8 ✘ 3/5 ✘ True ✔ = 33.3 %; Deniz 9 ✔ 3/5 ✘ True ✔ = 2/3 = 66.7 %.
#   Q1 Ada, Deniz = 2/4 = 50 %; Q2 Ada, Ben = 50 %; Q3 Ada, Cem, Deniz = 3/4 = 75 %.

Q1, Q2, Q3 = "1. What is 3/4 of 12?", "2. Which is greater?", "3. 0.5 is the same as 1/2"
KAHOOT_STUDENTS = {"Ada": 100.0, "Ben": 33.3, "Cem": 33.3, "Deniz": 66.7}
KAHOOT_ITEMS = {Q1: 50.0, Q2: 50.0, Q3: 75.0}


def test_the_kahoot_report_is_read_from_its_raw_data_sheet(tmp_path: Path) -> None:
    path = quiz_exports.kahoot_report(tmp_path)
    assert sheet_names(path.read_bytes())[:3] == ["Overview", "Final Scores", "Kahoot! Summary"]
    assert sheet_names(path.read_bytes())[-1] == "RawReportData Data"
    table = read_results(path)
    assert table.format == "kahoot"
    assert table.warnings == []
    assert percents(table) == (KAHOOT_STUDENTS, KAHOOT_ITEMS)
    assert set(table.results["max_points"]) == {1.0}


def test_kahoot_answers_and_keys_with_a_blank_answer(tmp_path: Path) -> None:
    results = read_results(quiz_exports.kahoot_report(tmp_path)).results
    chosen = {(r["student"], r["item"]): (r["answer"], r["key"], r["score"]) for r in results.to_dict("records")}
    assert chosen[("Ben", Q1)] == ("8", "9", 0.0)
    assert chosen[("Cem", Q1)] == ("8", "9", 0.0)
    assert chosen[("Deniz", Q2)] == ("3/5", "2/3", 0.0)
    assert chosen[("Ada", Q3)] == ("True", "True", 1.0)
    assert chosen[("Ben", Q3)] == (None, "True", 0.0)  # no answer before the time ran out: incorrect
    assert len(chosen) == 12  # 4 players x 3 questions: the poll is not there


def test_the_first_sheets_of_the_kahoot_report_are_not_what_is_read(tmp_path: Path) -> None:
    path = quiz_exports.kahoot_report(tmp_path)
    assert read_grid(path.read_bytes(), path.name)[0][0] == quiz_exports.TITLE  # the first sheet is Overview
    assert read_grid(path.read_bytes(), path.name, sheet="Final Scores")[2][:2] == ["Rank", "Player"]


def test_a_kahoot_report_without_its_raw_data_sheet_is_not_guessed_at(tmp_path: Path) -> None:
    # Like the trimmed real report (Overview and Final Scores only): the totals are speed points.
    path = quiz_exports.kahoot_report(tmp_path, with_raw=False)
    assert problem(path).key == E + "unknown_layout"


def test_the_raw_data_sheet_saved_as_csv_is_read_too(tmp_path: Path) -> None:
    path = fixtures.write_csv(tmp_path, "raw.csv", quiz_exports.kahoot_raw_rows())
    table = read_results(path)
    assert table.format == "kahoot"
    assert percents(table) == (KAHOOT_STUDENTS, KAHOOT_ITEMS)


def test_a_kahoot_player_listed_twice_for_a_question_is_flagged(tmp_path: Path) -> None:
    # Ben's Q2 row (row 7: header, Q1 x 4, Ada's Q2) again at the end (row 18): both counted,
    # Ben 1 + 1 + 1 + 0 = 2/4 = 50 %; Q2 Ada, Ben, Ben = 3/5 = 60 %.
    rows = quiz_exports.kahoot_raw_rows(duplicate=True)
    table = read_results(quiz_exports.kahoot_report(tmp_path, raw_rows=rows))
    assert table.warnings == [(W + "duplicate_student", {"row": 18, "first_row": 7})]
    students, items = percents(table)
    assert students["Ben"] == 50.0 and items[Q2] == 60.0


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_a_bad_kahoot_verdict_is_one_message_with_row_and_column(lang: str, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import main

    rows = quiz_exports.kahoot_raw_rows(verdict="Maybe")  # Cem, Q1: row 4 of the raw-data sheet
    path = quiz_exports.kahoot_report(tmp_path, raw_rows=rows)
    found = problem(path)
    assert (found.key, found.params) == (E + "not_correct_or_incorrect",
                                         {"row": 4, "column": "Correct / Incorrect", "value": "Maybe"})
    code = main(["analyze", str(path), "--lang", lang])
    out, err = capsys.readouterr()
    assert (code, out) == (1, "")
    assert err.strip() == catalog(lang).t(E + "not_correct_or_incorrect", file=path.name, row=4,
                                          column="Correct / Incorrect", value="Maybe")


def test_kahoot_with_a_forced_format(tmp_path: Path) -> None:
    assert read_results(quiz_exports.kahoot_report(tmp_path), format="kahoot").format == "kahoot"
    found = problem(fixtures.teacher_xlsx(tmp_path), format="kahoot")
    assert (found.key, found.params) == (E + "not_this_format", {"format": "kahoot"})
    found = problem(quiz_exports.kahoot_report(tmp_path), format="teacher_sheet")
    assert found.key == E + "not_this_format"


# Microsoft Forms ---------------------------------------------------------------------------------------
#
# The export has no max points: each question's is the highest score seen (2, 1 and 3 here, the real
# ones). Ada answered twice; both responses count, as for Google Forms. By hand:
#   Ada (2+1+3) + (2+0+2) = 10/12 = 83.3 %; Ben 0+1+0 = 1/6 = 16.7 %; Cem 2+0+1 = 3/6 = 50 %.
#   Q1 2+0+2+2 = 6/8 = 75 %; Q2 1+1+0+0 = 2/4 = 50 %; Q3 3+0+1+2 = 6/12 = 50 %.

FQ1, FQ2, FQ3 = quiz_exports.FORMS_QUESTIONS
FORMS_STUDENTS = {"Ada Yılmaz": 83.3, "Ben Kaya": 16.7, "Cem Demir": 50.0}
FORMS_ITEMS = {FQ1: 75.0, FQ2: 50.0, FQ3: 50.0}


@pytest.mark.parametrize("last_modified", [False, True])
def test_microsoft_forms_quiz(last_modified: bool, tmp_path: Path) -> None:
    path = quiz_exports.microsoft_forms(tmp_path, rows=quiz_exports.forms_rows(last_modified=last_modified))
    table = read_results(path)
    assert table.format == "microsoft_forms"
    assert percents(table) == (FORMS_STUDENTS, FORMS_ITEMS)
    assert table.warnings == [(W + "duplicate_student", {"row": 5, "first_row": 2}),
                              (W + "max_from_highest", {"count": 3})]
    maxima = table.results.groupby("item")["max_points"].max().to_dict()
    assert maxima == {FQ1: 2.0, FQ2: 1.0, FQ3: 3.0}


def test_microsoft_forms_identifiers_and_the_ungraded_class_question_are_not_items(tmp_path: Path) -> None:
    results = read_results(quiz_exports.microsoft_forms(tmp_path)).results
    assert set(results["item"]) == {FQ1, FQ2, FQ3}  # not ID, Total points, Class, Points - ..., Feedback - ...
    by_student = results.drop_duplicates("student").set_index("student")["section"].to_dict()
    assert by_student == {"Ada Yılmaz": "7A", "Ben Kaya": "7A", "Cem Demir": "7B"}


def test_microsoft_forms_answers_without_a_key(tmp_path: Path) -> None:
    results = read_results(quiz_exports.microsoft_forms(tmp_path)).results
    rows = {(r["student"], r["item"]): r for r in results.iloc[:9].to_dict("records")}
    assert rows[("Ben Kaya", FQ1)]["answer"] == "8"
    assert rows[("Ben Kaya", FQ3)]["answer"] is None and rows[("Ben Kaya", FQ3)]["score"] == 0.0  # left blank
    assert all(key is None for key in results["key"])  # Forms does not export the right answer


def test_an_anonymous_forms_response_is_skipped(tmp_path: Path) -> None:
    path = quiz_exports.microsoft_forms(tmp_path, rows=quiz_exports.forms_rows(anonymous=True))
    table = read_results(path)
    assert (W + "row_without_name", {"row": 4}) in table.warnings
    assert set(table.results["student"]) == set(FORMS_STUDENTS)


def test_a_forms_question_nobody_scored_on_counts_as_worth_one(tmp_path: Path) -> None:
    rows = quiz_exports.forms_rows()
    column = rows[0].index(f"Points - {FQ2}")
    for row in rows[1:]:
        row[column] = 0
    results = read_results(quiz_exports.microsoft_forms(tmp_path, rows=rows)).results
    q2 = results[results["item"] == FQ2]
    assert set(q2["max_points"]) == {1.0} and set(q2["score"]) == {0.0}


def test_a_forms_question_left_ungraded_for_one_student_is_missing(tmp_path: Path) -> None:
    rows = quiz_exports.forms_rows()
    rows[3][rows[0].index(f"Points - {FQ3}")] = None  # Cem's explanation not graded yet
    results = read_results(quiz_exports.microsoft_forms(tmp_path, rows=rows)).results
    cem = results[(results["student"] == "Cem Demir") & (results["item"] == FQ3)].iloc[0]
    assert cem["status"] == "missing" and math.isnan(cem["score"])


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_a_bad_forms_score_is_one_message_with_row_and_column(lang: str, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import main

    rows = quiz_exports.forms_rows()
    rows[2][rows[0].index(f"Points - {FQ1}")] = "two"  # Ben, spreadsheet row 3
    path = quiz_exports.microsoft_forms(tmp_path, rows=rows)
    found = problem(path)
    params = {"row": 3, "column": f"Points - {FQ1}", "value": "two"}
    assert (found.key, found.params) == (E + "not_a_number", params)
    code = main(["analyze", str(path), "--lang", lang])
    out, err = capsys.readouterr()
    assert (code, out) == (1, "")
    assert err.strip() == catalog(lang).t(E + "not_a_number", file=path.name, **params)


# The registry ----------------------------------------------------------------------------------------------


def test_the_quiz_formats_come_before_the_teacher_sheet() -> None:
    names = list(registry.NAMES)
    assert names.index("microsoft_forms") < names.index("teacher_sheet")
    assert names.index("kahoot") < names.index("teacher_sheet")
    # A Forms header has a Name column: the teacher sheet would take it, so order is what keeps it apart.
    assert registry.get("teacher_sheet").detect([quiz_exports.forms_header()]) is not None


@pytest.mark.parametrize("make", [fixtures.google_forms, fixtures.google_forms_tr, fixtures.canvas,
                                  fixtures.teacher_xlsx, fixtures.teacher_csv_bom, fixtures.turkish_cp1254,
                                  fixtures.binary_sheet, fixtures.long_csv, fixtures.long_xlsx_tr])
def test_no_existing_fixture_is_read_as_a_quiz_export(make: object, tmp_path: Path) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    assert read_results(path).format not in {"kahoot", "microsoft_forms"}
