"""School tools' exports (tests/assessments/school_exports.py): ZipGrade's full and summary CSVs."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from bot.assessments.readers import ReadProblem, read_results
from bot.i18n import catalog
from tests.assessments import school_exports
from tests.assessments.test_formats import percents

E = "assessments_read.errors."
W = "assessments_read.warnings."


def answers(table: object) -> dict[tuple[str, str], tuple[object, object, float]]:
    """(student, item) -> (answer, key, score) of the first row of each pair."""
    found: dict[tuple[str, str], tuple[object, object, float]] = {}
    for row in table.results.itertuples():  # type: ignore[attr-defined]
        found.setdefault((row.student, row.item), (row.answer, row.key, row.score))
    return found


# ZipGrade, current full format --------------------------------------------------------------------
#
# By hand (Q1-Q3 and Q5 worth 1, Q4 worth 2; 6 points): Walter 1+1+0+2+0 = 4/6 = 66.7 %, Denise
# 1+0+1+0+0 = 2/6 = 33.3 %, Jean twice 0+1+1+2+0 = 4/6 each, 8/12 = 66.7 %. Items over the four
# papers: Q1 2/4 = 50 %, Q2 3/4 = 75 %, Q3 3/4 = 75 %, Q4 6/8 = 75 %, Q5 0/4 = 0 % (nobody got Q5:
# its worth is what Possible Points leaves, 6 - 5 = 1).


def test_zipgrade_full_format_scores_answers_and_keys(tmp_path: Path) -> None:
    table = read_results(school_exports.zipgrade_full(tmp_path))
    assert table.format == "zipgrade"
    assert percents(table) == ({"Walter Lee": 66.7, "Denise Simmons": 33.3, "Jean Cook": 66.7},
                               {"Q1": 50.0, "Q2": 75.0, "Q3": 75.0, "Q4": 75.0, "Q5": 0.0})
    assert sorted(set(table.results["item"])) == ["Q1", "Q2", "Q3", "Q4", "Q5"]  # no StudentID, no CustomID
    assert list(table.results.columns)[-2:] == ["answer", "key"]
    found = answers(table)
    assert found[("Walter Lee", "Q3")] == ("A", "C", 0.0)
    assert found[("Walter Lee", "Q4")] == ("AC", "AC", 2.0)
    assert found[("Denise Simmons", "Q2")] == (None, "B", 0.0)  # left blank: no answer, still the key
    assert found[("Denise Simmons", "Q4")] == ("BC", "AC", 0.0)
    maxima = dict(zip(table.results["item"], table.results["max_points"], strict=True))
    assert maxima == {"Q1": 1.0, "Q2": 1.0, "Q3": 1.0, "Q4": 2.0, "Q5": 1.0}
    assert dict(zip(table.results["student"], table.results["section"], strict=True)) == {
        "Walter Lee": "2nd Period", "Denise Simmons": "6th Period", "Jean Cook": "2nd Period"}
    assert table.warnings == [(W + "duplicate_student", {"row": 5, "first_row": 4})]


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_zipgrade_bad_points_cell_names_row_and_column(lang: str, tmp_path: Path) -> None:
    path = school_exports.zipgrade_full(tmp_path, bad_points="bir")
    with pytest.raises(ReadProblem) as caught:
        read_results(path)
    assert (caught.value.key, caught.value.params) == (E + "not_a_number",
                                                       {"row": 3, "column": "Points2", "value": "bir"})
    message = catalog(lang).t(caught.value.key, file=path.name, **caught.value.params)
    assert "3" in message and "Points2" in message and "bir" in message and path.name in message


def test_zipgrade_points_above_a_question_s_worth_are_refused(tmp_path: Path) -> None:
    # Denise's Points2 of 3 on a question worth 1 (what the correct answers earned).
    path = school_exports.zipgrade_full(tmp_path, bad_points="3")
    with pytest.raises(ReadProblem) as caught:
        read_results(path)
    assert caught.value.key == E + "above_max"
    assert caught.value.params == {"row": 3, "column": "Points2", "value": "3", "max": 1}


# ZipGrade, older headers -----------------------------------------------------------------------------
#
# By hand: Ada 1+1+2 = 4/4 = 100 %, Alan 1+0+0 = 1/4 = 25 %; Q1 2/2 = 100 %, Q2 1/2 = 50 %, Q3 2/4 =
# 50 %. The 17 unused questions of the sheet (",,0,0") are not items; the "Average" row is skipped.


def test_zipgrade_older_headers_skip_unused_questions_and_the_average_row(tmp_path: Path) -> None:
    table = read_results(school_exports.zipgrade_old(tmp_path))
    assert table.format == "zipgrade"
    assert percents(table) == ({"Ada Byron": 100.0, "Alan Turing": 25.0}, {"Q1": 100.0, "Q2": 50.0, "Q3": 50.0})
    found = answers(table)
    assert found[("Alan Turing", "Q2")] == ("D", "A", 0.0)
    assert found[("Alan Turing", "Q3")] == (None, "B", 0.0)
    assert table.warnings == [(W + "summary_row", {"row": 4})]
    assert not any(math.isnan(s) for s in table.results["score"])


# ZipGrade, Q columns beside a ZipGrade ID --------------------------------------------------------------
#
# By hand (worth: Q1 1, Q2 1, Q3 2, the most anyone earned): Ada 1+0+2 = 3/4 = 75 %, Alan 0+1+0 =
# 25 %, Grace 1+0+2 = 75 %; Q1 2/3 = 66.7 %, Q2 1/3 = 33.3 %, Q3 4/6 = 66.7 %; Q4 is on no paper.


def test_zipgrade_question_columns_count_numbers_as_points_and_letters_as_wrong(tmp_path: Path) -> None:
    table = read_results(school_exports.zipgrade_marked(tmp_path))
    assert table.format == "zipgrade"
    assert percents(table) == ({"Ada Byron": 75.0, "Alan Turing": 25.0, "Grace Hopper": 75.0},
                               {"Q1": 66.7, "Q2": 33.3, "Q3": 66.7})
    assert "answer" not in table.results.columns  # the letters of right answers are not in this export


def test_zipgrade_question_columns_refuse_other_text(tmp_path: Path) -> None:
    with pytest.raises(ReadProblem) as caught:
        read_results(school_exports.zipgrade_marked(tmp_path, bad="2?"))
    assert (caught.value.key, caught.value.params) == (E + "not_a_number", {"row": 3, "column": "Q3", "value": "2?"})


# ZipGrade, named columns only -------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "cp1254"])
def test_zipgrade_summary_gives_one_score_per_paper(encoding: str, tmp_path: Path) -> None:
    path = school_exports.zipgrade_summary(tmp_path)
    if encoding == "cp1254":
        path.write_bytes(path.read_text(encoding="utf-8").encode("cp1254"))
    table = read_results(path)
    assert table.format == "zipgrade"
    assert percents(table) == ({"Ayşe Yılmaz": 90.0, "Mehmet Öz": 60.0}, {"Fractions Quiz": 75.0})
    assert "answer" not in table.results.columns


# Google Classroom -------------------------------------------------------------------------------------
#
# By hand: Fractions Quiz (10 points) Maya 9 = 90 %, Leo 10 twice = 100 %, Işıl 6 = 60 %; item
# 35/40 = 87.5 %. Unit 3 Test (20) Maya 15 = 75 %, Leo 100 %, Işıl 12 = 60 %; item 67/80 = 83.8 %.
# Decimals Exit Ticket (5): Işıl's blank is missing, not 0.


@pytest.mark.parametrize("encoding", ["utf-8", "cp1254"])
def test_google_classroom_one_assignment_at_a_time(encoding: str, tmp_path: Path) -> None:
    path = school_exports.google_classroom(tmp_path, encoding=encoding)
    table = read_results(path, column="Fractions Quiz")
    assert table.format == "google_classroom"
    assert percents(table) == ({"Maya Chen": 90.0, "Leo Park": 100.0, "Işıl Öztürk": 60.0}, {"Fractions Quiz": 87.5})
    assert [(a.title, a.max_points) for a in table.assessments] == [
        ("Fractions Quiz", 10.0), ("Decimals Exit Ticket", 5.0), ("Unit 3 Test", 20.0)]
    assert table.warnings == [(W + "duplicate_student", {"row": 8, "first_row": 6})]

    test = read_results(path, column="unit 3")
    assert percents(test) == ({"Maya Chen": 75.0, "Leo Park": 100.0, "Işıl Öztürk": 60.0}, {"Unit 3 Test": 83.8})

    ticket = read_results(path, column="Decimals Exit Ticket")
    statuses = dict(zip(ticket.results["student"], ticket.results["status"], strict=False))
    assert statuses["Işıl Öztürk"] == "missing" and statuses["Maya Chen"] == "scored"


def test_google_classroom_asks_which_assignment(tmp_path: Path) -> None:
    path = school_exports.google_classroom(tmp_path)
    with pytest.raises(ReadProblem) as caught:
        read_results(path)
    assert caught.value.key == E + "choose_column"
    assert caught.value.params["columns"] == ["Fractions Quiz", "Decimals Exit Ticket", "Unit 3 Test"]
    with pytest.raises(ReadProblem) as unknown:
        read_results(path, column="Spelling")
    assert unknown.value.key == E + "unknown_column"


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_google_classroom_bad_score_names_row_and_column(lang: str, tmp_path: Path) -> None:
    path = school_exports.google_classroom(tmp_path, test_cell="on iki")
    with pytest.raises(ReadProblem) as caught:
        read_results(path, column="Unit 3 Test")
    assert (caught.value.key, caught.value.params) == (E + "not_a_number",
                                                       {"row": 7, "column": "Unit 3 Test", "value": "on iki"})
    message = catalog(lang).t(caught.value.key, file=path.name, **caught.value.params)
    assert "7" in message and "Unit 3 Test" in message and "on iki" in message
    # The other assignments of the same file still read.
    assert read_results(path, column="Fractions Quiz").format == "google_classroom"


def test_google_classroom_score_above_the_points_is_refused(tmp_path: Path) -> None:
    path = school_exports.google_classroom(tmp_path, test_cell=21)
    with pytest.raises(ReadProblem) as caught:
        read_results(path, column="Unit 3 Test")
    assert caught.value.params == {"row": 7, "column": "Unit 3 Test", "value": "21", "max": 20}
