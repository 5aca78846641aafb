"""The analysis of a hand-made results table: every figure checked against a hand computation."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from bot.assessments.analysis import Thresholds, analyse, compact_json, growth, students_json, to_json

# Standard S1: Q1 (4 points), Q2 (4), Q3 (2) = 10. Standard S2: Q4 (5), Q5 (5) = 10. Total 20.
ITEMS = {"Q1": ("S1", 4.0), "Q2": ("S1", 4.0), "Q3": ("S1", 2.0), "Q4": ("S2", 5.0), "Q5": ("S2", 5.0)}
M, E = "missing", "excused"
# student: (teacher, scores of Q1..Q5); M = missing, E = excused
SCORES: dict[str, tuple[str, list[float | str]]] = {
    "s1": ("Ms. A", [4, 4, 2, 5, 5]),  # 20/20 = 100     -> extension
    "s2": ("Ms. A", [4, 3, 2, 5, 4]),  # 18/20 = 90      -> extension (exactly 90)
    "s3": ("Ms. A", [3, 3, 1, 4, 3]),  # 14/20 = 70      -> on track (exactly 70)
    "s4": ("Mr. B", [2, 2, 1, 3, 3]),  # 11/20 = 55      -> intervention
    "s5": ("Mr. B", [4, 4, E, 5, 4]),  # 17/18 = 94.44.. -> extension (Q3 excused: not in points nor max)
    "s6": ("Mr. B", [3, M, 2, 2, 3]),  # 10/16 = 62.5    -> intervention (Q2 missing: not a zero)
    "s7": ("Dr. C", [4, 3, 1, 5, 4]),  # 17/20 = 85      -> on track
    "s8": ("Dr. C", [M, M, M, M, E]),  # nothing scored  -> missing
}


def results_table(scores: dict[str, tuple[str, list[float | str]]] = SCORES) -> pd.DataFrame:
    rows = []
    for student, (teacher, values) in scores.items():
        for (item, (standard, max_points)), value in zip(ITEMS.items(), values, strict=True):
            status = value if isinstance(value, str) else "scored"
            rows.append({"student": student, "teacher": teacher, "section": None, "item": item,
                         "standard": standard, "score": np.nan if isinstance(value, str) else float(value),
                         "max_points": max_points, "status": status})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def result():
    return analyse(results_table())


def test_student_percents_and_groups(result) -> None:
    s = result.students.set_index("student")
    assert list(s.index) == ["s1", "s2", "s3", "s4", "s5", "s6", "s7"]
    assert s["points"].tolist() == [20, 18, 14, 11, 17, 10, 17]
    assert s["max_points"].tolist() == [20, 20, 20, 20, 18, 16, 20]
    assert s["percent"].tolist() == pytest.approx([100, 90, 70, 55, 100 * 17 / 18, 62.5, 85])
    assert s["group"].to_dict() == {"s1": "extension", "s2": "extension", "s3": "on_track", "s4": "intervention",
                                    "s5": "extension", "s6": "intervention", "s7": "on_track"}
    assert s.loc["s4", "teacher"] == "Mr. B"
    assert result.groups == {"intervention": 2, "on_track": 2, "extension": 3}
    assert result.missing == ["s8"]


def test_thresholds_are_inclusive_where_they_should_be() -> None:
    # 70 is the intervention limit (below 70): s3 at exactly 70 is on track; at 70.01 limit it is not.
    moved = analyse(results_table(), Thresholds(intervention_below=70.01, extension_from=90.01))
    groups = moved.students.set_index("student")["group"]
    assert groups["s3"] == "intervention"
    assert groups["s2"] == "on_track"
    assert moved.groups == {"intervention": 3, "on_track": 2, "extension": 2}


def test_standards(result) -> None:
    # S1 per student: s1 10/10, s2 9/10, s3 7/10, s4 5/10, s5 8/8, s6 5/6, s7 8/10 = 52/64 = 81.25 %
    #   below 70: s4 (50 %) -> 1 (s3 at exactly 70 is not below)
    # S2 per student: s1 10, s2 9, s3 7, s4 6, s5 9, s6 5, s7 9 (all /10) = 55/70 = 78.571.. %
    #   below 70: s4 (60 %), s6 (50 %) -> 2
    st = result.standards
    assert st["standard"].tolist() == ["S1", "S2"]
    assert st["percent"].tolist() == pytest.approx([81.25, 100 * 55 / 70])
    assert st["below"].tolist() == [1, 2]


def test_items_most_missed_first(result) -> None:
    # Q1: 4+4+3+2+4+3+4 = 24/28 = 85.71 %, below: s4 (2/4)                 -> 1
    # Q2: 4+3+3+2+4+3 (s6 missing) = 19/24 = 79.17 %, below: s4             -> 1
    # Q3: 2+2+1+1+2+1 (s5 excused) = 9/12 = 75 %, below: s3, s4, s7 (1/2)   -> 3
    # Q4: 5+5+4+3+5+2+5 = 29/35 = 82.86 %, below: s4 (3/5), s6 (2/5)        -> 2
    # Q5: 5+4+3+3+4+3+4 = 26/35 = 74.29 %, below: s3, s4, s6 (3/5)          -> 3
    it = result.items
    assert it["item"].tolist() == ["Q5", "Q3", "Q2", "Q4", "Q1"]
    assert it["standard"].tolist() == ["S2", "S1", "S1", "S2", "S1"]
    assert it["percent"].tolist() == pytest.approx([100 * 26 / 35, 75, 100 * 19 / 24, 100 * 29 / 35, 100 * 24 / 28])
    assert it["below"].tolist() == [3, 3, 1, 2, 1]


def test_teachers(result) -> None:
    # Dr. C: s7 85 (s8 has nothing scored); Mr. B: (55 + 94.44 + 62.5) / 3 = 70.65; Ms. A: (100+90+70)/3 = 86.67
    t = result.teachers
    assert list(t.columns) == ["teacher", "students", "mean"]
    assert t["teacher"].tolist() == ["Dr. C", "Mr. B", "Ms. A"]
    assert t["students"].tolist() == [1, 3, 3]
    assert t["mean"].tolist() == pytest.approx([85, (55 + 100 * 17 / 18 + 62.5) / 3, 260 / 3])


def test_sections_split_teachers() -> None:
    table = results_table()
    table["section"] = np.where(table["student"].isin(["s1", "s2"]), "P1", "P2")
    t = analyse(table).teachers
    assert list(t.columns) == ["teacher", "section", "students", "mean"]
    rows = [tuple(r) for r in t[["teacher", "section", "students"]].itertuples(index=False)]
    assert rows == [("Dr. C", "P2", 1), ("Mr. B", "P2", 3), ("Ms. A", "P1", 2), ("Ms. A", "P2", 1)]
    assert t["mean"].tolist()[2:] == pytest.approx([95, 70])


def test_to_json(result) -> None:
    data = to_json(result, "long", [("assessments_read.warn_x", {"rows": np.int64(3)})])
    json.dumps(data)  # plain data only
    assert data["format"] == "long"
    assert data["students"][4] == {"name": "s5", "teacher": "Mr. B", "points": 17.0, "max_points": 18.0,
                                   "percent": 94.4, "group": "extension"}
    assert data["standards"] == [{"standard": "S1", "percent": 81.3, "below": 1},
                                 {"standard": "S2", "percent": 78.6, "below": 2}]
    assert data["items"][0] == {"item": "Q5", "standard": "S2", "percent": 74.3, "below": 3}
    assert [i["percent"] for i in data["items"]] == [74.3, 75.0, 79.2, 82.9, 85.7]
    assert data["teachers"] == [{"teacher": "Dr. C", "students": 1, "mean": 85.0},
                                {"teacher": "Mr. B", "students": 3, "mean": 70.6},
                                {"teacher": "Ms. A", "students": 3, "mean": 86.7}]
    assert data["missing"] == ["s8"]
    assert data["groups"] == {"intervention": 2, "on_track": 2, "extension": 3}
    assert data["warnings"] == [{"key": "assessments_read.warn_x", "params": {"rows": 3}}]


def test_compact_json_with_pandas_written_students_reads_as_to_json() -> None:
    """The compact line `plc-bot analyze --json` writes into a pipe is the same data as `to_json`."""
    odd = {"4/A \"Ayşe\" \\ Işık": ("Ms. A/B", [4, 3, 2, 5, 4]), "Emre\u2028\x01": ("", [1, 1, 1, 1, 1]),
           "s3": ("Ms. A/B", [3, M, 1, 4, 3]), "s8": ("Dr. C", [M, M, M, M, E])}
    table = results_table(odd)
    table.loc[table["teacher"] == "", "teacher"] = None
    for analysis in (analyse(table), analyse(results_table({"s8": ("Dr. C", [M, M, M, M, E])}))):
        warnings = [("assessments_read.warn_x", {"rows": 3})]
        expected = to_json(analysis, "long", warnings)
        partial = to_json(analysis, "long", warnings, students=False)
        assert partial["students"] is None and {k: v for k, v in partial.items() if k != "students"} == {
            k: v for k, v in expected.items() if k != "students"}
        line = compact_json(partial, {"students": students_json(analysis)})
        assert "\n" not in line and json.loads(line) == expected
        assert list(json.loads(line)) == list(expected)  # the keys in the same order
    assert [s["teacher"] for s in expected["students"]] == []  # the second: nobody scored
    first = to_json(analyse(table), "long", [])["students"]
    assert [(s["name"], s["teacher"], s["percent"]) for s in first] == [
        ("4/A \"Ayşe\" \\ Işık", "Ms. A/B", 90.0), ("Emre\u2028\x01", None, 25.0), ("s3", "Ms. A/B", 68.8)]


def test_a_scored_row_without_a_student_is_no_students_below(result) -> None:
    """Such a row (only a hand-made or stored table can have one: the readers drop it) adds to the
    item's and standard's percent, but is no student's: it neither counts as one below nor lands on
    another student's pair."""
    table = results_table()
    ghost = pd.DataFrame([{"student": None, "teacher": "Ms. A", "section": None, "item": "Q1", "standard": "S1",
                           "score": 0.0, "max_points": 4.0, "status": "scored"}])
    got = analyse(pd.concat([ghost, table], ignore_index=True))
    assert got.students["student"].tolist() == result.students["student"].tolist()
    assert got.standards["below"].tolist() == result.standards["below"].tolist() == [1, 2]
    assert dict(zip(got.items["item"], got.items["below"], strict=True)) == dict(
        zip(result.items["item"], result.items["below"], strict=True))
    # Q1: 24 of 28 points before (s8's is missing), now 24 of 32: 75 %.
    assert got.items.set_index("item").loc["Q1", "percent"] == pytest.approx(75.0)


def test_growth(result) -> None:
    # Earlier: S1 6/10 = 60 %, S3 (not assessed now) 1/2. Growth on S1 only: 60 -> 81.25 = +21.25 points.
    earlier_table = pd.DataFrame({
        "student": ["s1", "s1"], "teacher": ["Ms. A", "Ms. A"], "section": [None, None], "item": ["P1", "P2"],
        "standard": ["S1", "S3"], "score": [6.0, 1.0], "max_points": [10.0, 2.0], "status": ["scored", "scored"]})
    g = growth(result, analyse(earlier_table))
    assert g["standard"].tolist() == ["S1"]
    assert g.iloc[0][["before", "now", "change"]].tolist() == pytest.approx([60, 81.25, 21.25])


def test_nothing_scored_and_no_standard() -> None:
    table = results_table({"s8": ("Dr. C", [M, M, M, M, E])})
    table["standard"] = None
    empty = analyse(table)
    assert empty.students.empty and empty.standards.empty and empty.items.empty and empty.teachers.empty
    assert empty.missing == ["s8"]
    assert empty.groups == {"intervention": 0, "on_track": 0, "extension": 0}
    assert to_json(empty, "long", [])["students"] == []


def test_blank_teacher_is_none() -> None:
    table = results_table()
    table["teacher"] = None
    data = to_json(analyse(table), "long", [])
    assert data["teachers"] == [{"teacher": None, "students": 7, "mean": round((100 + 90 + 70 + 55 + 100 * 17 / 18
                                                                              + 62.5 + 85) / 7, 1)}]
    assert not any(isinstance(s["teacher"], float) and math.isnan(s["teacher"]) for s in data["students"])


def test_sparse_path_gives_the_same_counts(result, monkeypatch: pytest.MonkeyPatch) -> None:
    """Big tables count students below per (standard, student) pair with a hash instead of a dense array."""
    from bot.assessments import analysis

    monkeypatch.setattr(analysis, "DENSE_PAIRS", 0)
    sparse = analyse(results_table())
    assert sparse.standards["below"].tolist() == result.standards["below"].tolist() == [1, 2]
    assert sparse.items["below"].tolist() == result.items["below"].tolist() == [3, 3, 1, 2, 1]
