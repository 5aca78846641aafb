"""Misconceptions: the wrong answer most students chose on each item, from the answers and the key."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bot.assessments.analysis import analyse, to_json
from bot.assessments.cli import add_analyze_parser, run_analyze
from bot.assessments.readers import read_grid, read_results, read_table
from bot.i18n import catalog
from tests.assessments.answers_fixtures import EXPECTED, STUDENTS, answers_csv, answers_xlsx
from tests.assessments.fixtures import plain
from tests.assessments.test_analysis import results_table


def figures(frame: pd.DataFrame) -> list[tuple]:
    return [(item, standard, pytest.approx(percent), key, int(missed), int(blank), answer, int(chosen))
            for item, standard, percent, key, missed, blank, answer, chosen in frame.itertuples(index=False)]


def test_long_csv_reads_answer_and_key_columns(tmp_path: Path) -> None:
    table = read_results(answers_csv(tmp_path))
    results = table.results
    assert table.format == "long"
    assert list(results.columns[-2:]) == ["answer", "key"]
    ela_q1 = results.loc[(results["student"] == "Ela Yıldız") & (results["item"] == "Q1")].iloc[0]
    assert pd.isna(ela_q1["answer"]) and ela_q1["key"] == "A"  # left blank
    fatma_q2 = results.loc[(results["student"] == "Fatma Aliye") & (results["item"] == "Q2")].iloc[0]
    assert (fatma_q2["answer"], fatma_q2["key"], fatma_q2["status"]) == ("D", "C", "excused")


@pytest.mark.parametrize("source", ["csv fast path", "csv cell by cell", "xlsx", "turkish headers"])
def test_hand_computed_misconceptions(tmp_path: Path, source: str) -> None:
    if source == "csv fast path":
        results = read_results(answers_csv(tmp_path)).results
    elif source == "csv cell by cell":
        results = read_table(read_grid(answers_csv(tmp_path).read_bytes(), "answers.csv")).results
    elif source == "xlsx":
        results = read_results(answers_xlsx(tmp_path)).results
    else:
        results = read_results(answers_csv(tmp_path, turkish=True)).results
    assert figures(analyse(results).misconceptions) == EXPECTED


def test_fast_and_cell_by_cell_paths_give_the_same_answer_columns(tmp_path: Path) -> None:
    data = answers_csv(tmp_path).read_bytes()
    fast = read_results(data, filename="answers.csv").results
    slow = read_table(read_grid(data, "answers.csv")).results
    pd.testing.assert_frame_equal(plain(fast), slow)


def test_no_answer_columns_no_misconceptions() -> None:
    analysis = analyse(results_table())
    assert analysis.misconceptions.empty
    assert to_json(analysis, "long", [])["misconceptions"] == []


def test_json_figures(tmp_path: Path) -> None:
    data = to_json(analyse(read_results(answers_csv(tmp_path)).results), "long", [])
    json.dumps(data)
    assert data["misconceptions"] == [
        {"item": "Q1", "standard": "4.NF.1", "percent": 33.3, "key": "A", "missed": 4, "blank": 1, "answer": "B",
         "chosen": 2},
        {"item": "Q2", "standard": "4.NF.2", "percent": 60.0, "key": "C", "missed": 2, "blank": 0, "answer": "B",
         "chosen": 1},
        {"item": "Q3", "standard": "4.NF.2", "percent": 80.0, "key": "D", "missed": 1, "blank": 0, "answer": "A",
         "chosen": 1},
    ]


def test_rows_without_answer_or_key_and_items_without_answers_are_left_out() -> None:
    # Q1: two teachers' rows; Mr. B's export had no answers (answer and key None): his wrong row is not
    # a blank answer. Q2 has no chosen answer anywhere: not listed. A key that differs only in case
    # is another answer: "b" counts as wrong for key "B".
    table = pd.DataFrame({
        "student": ["a", "b", "c", "d", "a", "b"],
        "teacher": ["A", "A", "A", "B", "A", "A"], "section": [None] * 6,
        "item": ["Q1", "Q1", "Q1", "Q1", "Q2", "Q2"], "standard": [None] * 6,
        "score": [0.0, 0.0, 1.0, 0.0, 0.0, 1.0], "max_points": [1.0] * 6, "status": ["scored"] * 6,
        "answer": ["b", "C", "B", None, None, None], "key": ["B", "B", "B", None, "A", "A"]})
    got = analyse(table).misconceptions
    assert figures(got) == [("Q1", None, 100 / 4, "B", 2, 0, "C", 1)]


def test_partial_credit_and_the_key_chosen() -> None:
    # A missed row (score below max) whose answer is the key is neither blank nor a wrong answer.
    table = pd.DataFrame({
        "student": ["a", "b", "c"], "teacher": ["A"] * 3, "section": [None] * 3, "item": ["Q1"] * 3,
        "standard": ["S"] * 3, "score": [1.0, 0.0, 2.0], "max_points": [2.0] * 3, "status": ["scored"] * 3,
        "answer": ["A", "", "A"], "key": ["A"] * 3})
    assert figures(analyse(table).misconceptions) == [("Q1", "S", 50.0, "A", 2, 1, None, 0)]


def test_categorical_columns_give_the_same_misconceptions(tmp_path: Path) -> None:
    results = read_results(answers_csv(tmp_path)).results
    categorical = results.astype({name: "category" for name in ["student", "item", "answer", "key"]})
    assert figures(analyse(categorical).misconceptions) == EXPECTED


def test_a_million_rows_stay_vectorised() -> None:
    import time

    rng = np.random.default_rng(7)
    n = 1_000_000
    items = rng.integers(0, 40, n)
    answers = np.array(["A", "B", "C", "D", None], dtype=object)[rng.integers(0, 5, n)]
    keys = np.array(["A", "B", "C", "D"], dtype=object)[items % 4]
    score = (answers == keys).astype(float)
    table = pd.DataFrame({"student": (np.arange(n) // 40).astype(str).astype(object), "teacher": "T",
                          "section": None, "item": np.char.add("Q", items.astype(str)).astype(object),
                          "standard": None, "score": score, "max_points": 1.0, "status": "scored",
                          "answer": answers, "key": keys})
    start = time.perf_counter()
    got = analyse(table).misconceptions
    elapsed = time.perf_counter() - start
    assert elapsed < 10
    # Item Q0 (key A) by brute force.
    rows = items == 0
    wrong = pd.Series(answers[rows & (score == 0)]).dropna()
    counts = wrong.value_counts()
    row = got.loc[got["item"] == "Q0"].iloc[0]
    assert row["missed"] == int((rows & (score == 0)).sum())
    assert row["blank"] == int((rows & (score == 0) & pd.isna(answers)).sum())
    assert (row["answer"], row["chosen"]) == (sorted(counts[counts == counts.max()].index)[0], counts.max())


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str], lang: str = "en") -> tuple[int, str]:
    import argparse

    parser = argparse.ArgumentParser(prog="plc-bot")
    add_analyze_parser(parser.add_subparsers(dest="command", required=True), catalog(lang))
    code = run_analyze(parser.parse_args(["analyze", *argv, "--lang", lang]))
    return code, capsys.readouterr().out


def test_analyze_text_shows_the_misconceptions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_cli([str(answers_csv(tmp_path))], capsys)
    assert code == 0
    lines = out.splitlines()
    at = lines.index("  Q1 (4.NF.1): 33.3% (4 below)")
    assert lines[at + 1] == "    2 of 4 who missed it chose B (key: A); 1 left it blank"
    assert lines[at + 2] == "  Q2 (4.NF.2): 60.0% (2 below)"
    assert lines[at + 3] == "    1 of 2 who missed it chose B (key: C)"
    assert lines[at + 5] == "    1 of 1 who missed it chose A (key: D)"
    assert not any(name.split()[0] in out for name in STUDENTS)


def test_analyze_text_in_turkish(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_cli([str(answers_csv(tmp_path, turkish=True))], capsys, "tr")
    assert code == 0
    assert ("    yanlış yapan 4 öğrenciden 2 öğrenci B seçeneğini işaretledi (doğru cevap: A); 1 öğrenci boş bıraktı"
            in out.splitlines())


def test_analyze_json_has_the_figures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_cli([str(answers_csv(tmp_path)), "--json"], capsys)
    assert code == 0
    first = json.loads(out)["misconceptions"][0]
    assert (first["item"], first["missed"], first["blank"], first["answer"], first["chosen"]) == ("Q1", 4, 1, "B", 2)


def test_chart_caption_names_the_wrong_answers_most_chosen(tmp_path: Path) -> None:
    from bot.assessments.chart import misconception_caption, standards_chart

    results = read_results(answers_csv(tmp_path)).results
    frame = analyse(results).misconceptions
    assert misconception_caption(catalog("en"), frame) == (
        "Wrong answer most chosen: Q1 → B: 2 of 4 · Q2 → B: 1 of 2 · Q3 → A: 1 of 1")
    assert misconception_caption(catalog("tr"), frame) == (
        "En çok seçilen yanlış cevap: Q1 → B: 4 yanlıştan 2 · Q2 → B: 2 yanlıştan 1 · Q3 → A: 1 yanlıştan 1")
    assert misconception_caption(catalog("en"), analyse(results_table()).misconceptions) is None
    standards_chart(results, catalog("en"), tmp_path / "chart.png", frame)
    assert (tmp_path / "chart.png").read_bytes().startswith(b"\x89PNG")
