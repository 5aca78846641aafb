"""`plc-bot analyze`: JSON figures, the summary, the chart, and clean failures, run in-process."""

from __future__ import annotations

import argparse
import json
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from bot.assessments.cli import add_analyze_parser, run_analyze
from bot.i18n import catalog
from tests.assessments.test_analysis import results_table

LONG_CSV = """student,teacher,item,standard,score,max_points
Ada,Ms. A,Q1,S1,4,4
Ada,Ms. A,Q2,S2,3,4
Ben,Ms. A,Q1,S1,2,4
Ben,Ms. A,Q2,S2,,4
Cem,Mr. B,Q1,S1,4,4
Cem,Mr. B,Q2,S2,4,4
"""
# Ada 7/8 = 87.5 (on track), Ben 2/4 = 50 (Q2 blank: missing, not a zero; intervention), Cem 8/8 = 100.
# S1: 10/12 = 83.3 %, below: Ben; S2: 7/8 = 87.5 %, below: nobody. Q1 83.3 %, Q2 87.5 %.

CANVAS_CSV = """Student,ID,SIS User ID,SIS Login ID,Section,Quiz 1 (101),Quiz 2 (102)
    Points Possible,,,,,10.00,10.00
"Lovelace, Ada",1,s1,ada,Period 1,9.00,8.00
"Babbage, Charles",2,s2,charles,Period 1,5.00,6.00
"""


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="plc-bot")
    add_analyze_parser(parser.add_subparsers(dest="command", required=True), catalog("en"))
    return parser.parse_args(["analyze", *argv])


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = run_analyze(parse(argv))
    out, err = capsys.readouterr()
    return code, out, err


@dataclass
class FakeTable:
    format: str
    results: pd.DataFrame
    warnings: list[tuple[str, dict]] = field(default_factory=list)
    assessments: list = field(default_factory=list)


class FakeProblem(Exception):
    def __init__(self, key: str, params: dict[str, Any]) -> None:
        super().__init__(key)
        self.key, self.params = key, params


@pytest.fixture
def fake_reader(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """`bot.assessments.readers` replaced by one that returns the hand-made table of test_analysis."""
    behaviour: dict[str, Any] = {"raise": None, "calls": []}

    def read_results(path_or_bytes: Any, *, filename: str | None = None, column: str | None = None,
                     teacher: str | None = None) -> FakeTable:
        behaviour["calls"].append({"path": path_or_bytes, "filename": filename, "column": column})
        if behaviour["raise"] is not None:
            raise behaviour["raise"]
        return FakeTable("long", results_table(), [("assessments.no_standard", {})])

    module = types.ModuleType("bot.assessments.readers")
    module.ReadProblem = FakeProblem  # type: ignore[attr-defined]
    module.read_results = read_results  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "bot.assessments.readers", module)
    return behaviour


@pytest.fixture
def some_file(tmp_path: Path) -> Path:
    path = tmp_path / "results.csv"
    path.write_text("anything", encoding="utf-8")
    return path


def test_json_figures(fake_reader: dict[str, Any], some_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run([str(some_file), "--json", "--column", "Score %"], capsys)
    assert (code, err) == (0, "")
    data = json.loads(out)
    # The command reads the file itself (on a thread, while pandas loads) and hands the reader its bytes.
    assert fake_reader["calls"] == [{"path": b"anything", "filename": "results.csv", "column": "Score %"}]
    assert data["groups"] == {"intervention": 2, "on_track": 2, "extension": 3}
    assert data["standards"] == [{"standard": "S1", "percent": 81.3, "below": 1},
                                 {"standard": "S2", "percent": 78.6, "below": 2}]
    assert [i["item"] for i in data["items"]] == ["Q5", "Q3", "Q2", "Q4", "Q1"]
    assert data["missing"] == ["s8"]
    assert data["warnings"] == [{"key": "assessments.no_standard", "params": {}, "message": "no standard"}]


def test_thresholds_change_groups(fake_reader: dict[str, Any], some_file: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run([str(some_file), "--json", "--intervention-below", "56", "--extension-from", "95"], capsys)
    # 55 and 62.5 -> only s4 (55) below 56; from 95: s1 (100) only (s5 is 94.4)
    assert code == 0
    assert json.loads(out)["groups"] == {"intervention": 1, "on_track": 5, "extension": 1}


def test_bad_thresholds(fake_reader: dict[str, Any], some_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run([str(some_file), "--intervention-below", "95", "--extension-from", "90"], capsys)
    assert code == 2 and out == "" and "thresholds" in err


def test_summary_in_both_languages(fake_reader: dict[str, Any], some_file: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run([str(some_file)], capsys)
    assert code == 0
    assert "Assessment results: results table (one row per student and item)" in out
    assert "intervention (below 70%): 2 · on track: 2 · extension (from 90%): 3" in out
    assert "  S1: 81.3% (1 below)" in out
    assert out.index("Q5 (S2): 74.3%") < out.index("Q1 (S1): 85.7%")
    assert "  Mr. B: students 3, mean 70.6%" in out
    assert "Students with no scored item: 1" in out
    assert "s1" not in out  # no student names in the summary
    code, out, _ = run([str(some_file), "--lang", "tr"], capsys)
    assert code == 0 and "S1: %81,3 (1 öğrenci altında)" in out and "Uyarılar:" in out


def test_chart_is_a_png(fake_reader: dict[str, Any], some_file: Path, tmp_path: Path,
                        capsys: pytest.CaptureFixture[str]) -> None:
    chart = tmp_path / "chart.png"
    code, out, _ = run([str(some_file), "--json", "--chart", str(chart)], capsys)
    assert code == 0
    json.loads(out)  # stdout stays pure JSON
    assert chart.read_bytes().startswith(b"\x89PNG")


def test_chart_with_no_standards_still_draws(tmp_path: Path) -> None:
    from bot.assessments.chart import standards_chart

    table = results_table()
    table["standard"] = None
    standards_chart(table, catalog("tr"), tmp_path / "empty.png")
    assert (tmp_path / "empty.png").read_bytes().startswith(b"\x89PNG")


def test_read_problem_is_a_message(fake_reader: dict[str, Any], some_file: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    fake_reader["raise"] = FakeProblem("assessments.chart_failed", {"path": "x.png", "error": "disk full"})
    code, out, err = run([str(some_file)], capsys)
    assert (code, out) == (1, "")
    assert err.strip() == "The chart could not be written to x.png: disk full"


@pytest.mark.parametrize("error", [ValueError("bad zip"), UnicodeDecodeError("utf-8", b"\xff", 0, 1, "bad")])
def test_any_reading_error_is_unreadable(fake_reader: dict[str, Any], some_file: Path, error: Exception,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    fake_reader["raise"] = error
    code, out, err = run([str(some_file)], capsys)
    assert (code, out) == (1, "")
    assert "results.csv could not be read" in err and "Traceback" not in err


def test_no_such_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run([str(tmp_path / "nope.csv")], capsys)
    assert (code, out) == (1, "") and "There is no file at" in err


def test_a_file_that_cannot_be_read_is_a_message(fake_reader: dict[str, Any], some_file: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    def refused(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refused)  # (this machine's tests run as root: chmod would not do)
    code, out, err = run([str(some_file), "--json"], capsys)
    assert (code, out) == (1, "") and "results.csv could not be read" in err and "Traceback" not in err
    assert fake_reader["calls"] == []


# With the real reader ----------------------------------------------------------------------------------------


@pytest.fixture
def readers() -> types.ModuleType:
    return pytest.importorskip("bot.assessments.readers")


def test_long_csv(readers: types.ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "long.csv"
    path.write_text(LONG_CSV, encoding="utf-8")
    chart = tmp_path / "long.png"
    code, out, err = run([str(path), "--json", "--chart", str(chart)], capsys)
    assert code == 0, err
    data = json.loads(out)
    students = {s["name"]: (s["percent"], s["group"]) for s in data["students"]}
    assert students == {"Ada": (87.5, "on_track"), "Ben": (50.0, "intervention"), "Cem": (100.0, "extension")}
    assert data["standards"] == [{"standard": "S1", "percent": 83.3, "below": 1},
                                 {"standard": "S2", "percent": 87.5, "below": 0}]
    assert [(i["item"], i["percent"]) for i in data["items"]] == [("Q1", 83.3), ("Q2", 87.5)]
    assert data["teachers"] == [{"teacher": "Mr. B", "students": 1, "mean": 100.0},
                                {"teacher": "Ms. A", "students": 2, "mean": 68.8}]
    assert chart.read_bytes().startswith(b"\x89PNG")


def test_canvas_csv(readers: types.ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "canvas.csv"
    path.write_text(CANVAS_CSV, encoding="utf-8")
    code, out, err = run([str(path), "--json"], capsys)  # two assignments: which one?
    assert (code, out) == (1, "")
    assert err.strip() == "canvas.csv has several assessments: Quiz 1, Quiz 2. Which one should I read?"

    code, out, err = run([str(path), "--json", "--column", "Quiz 1"], capsys)
    assert code == 0, err
    data = json.loads(out)
    # Quiz 1: Ada 9/10 = 90 (extension, exactly 90), Charles 5/10 = 50 (intervention); 14/20 = 70 %.
    assert data["format"] == "canvas"
    assert sorted((s["percent"], s["group"]) for s in data["students"]) == [(50.0, "intervention"),
                                                                           (90.0, "extension")]
    assert [i["percent"] for i in data["items"]] == [70.0]
    assert data["groups"] == {"intervention": 1, "on_track": 0, "extension": 1}

    code, out, _ = run([str(path), "--column", "Quiz 1"], capsys)
    assert code == 0 and "Assessment results: Canvas gradebook" in out


@pytest.mark.parametrize("content", [b"\x89PNG\r\n\x1a\n\x00\x00binary\xff\xfe", b"PK\x03\x04broken zip", b""])
def test_bad_file_exits_1_without_traceback(readers: types.ModuleType, tmp_path: Path, content: bytes,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "results.xlsx"
    path.write_bytes(content)
    code, out, err = run([str(path)], capsys)
    assert (code, out) == (1, "")
    assert err.strip() and "Traceback" not in err
