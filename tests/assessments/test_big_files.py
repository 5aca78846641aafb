"""What makes big files fast must not change a result.

- The long fast path reads only the start of the text for its checks (`_text_head`) and hands
  UTF-8 bytes to pandas: files larger than that start, cut anywhere (in a quoted line break,
  between CR and LF, inside a Turkish letter), read as the cell-by-cell reader reads them.
- `analyse` takes categorical columns without factorizing them again, and looks for each student's
  teacher and section from the student's first row: the same figures as plain object columns.
"""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pandas as pd
import pytest

from bot.assessments import readers
from bot.assessments.analysis import Analysis, Thresholds, analyse, to_json
from bot.assessments.readers import ResultTable, read_results
from tests.assessments.test_readers import LONG_HEADER, assert_same, fast

HEAD = readers._HEAD_BYTES


def long_bytes(rows: list[list[object]], *, delimiter: str = ",", encoding: str = "utf-8", bom: bool = False,
               crlf: bool = True) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n" if crlf else "\n").writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode(encoding)

# Long fast path: files bigger than the start it checks ---------------------------------------------


def _row(index: int, comment: str = "") -> list[object]:
    return [f"Öğrenci {index}", "Ms. Aydın", "4-A", f"S{index % 5 + 1}", "M.4.1", "1", "2", comment]


def _cut_near(target: int, *, crlf: bool, filler: str, quoted_break: bool, bom: bool) -> bytes:
    """A long file whose 31st record (the last one `_text_head` needs) ends near byte `target`."""
    rows = [LONG_HEADER] + [_row(i) for i in range(60)]
    before = len(long_bytes(rows[:31], crlf=crlf, bom=bom))
    comment = filler * max(1, (target - before) // len(filler.encode()))
    if quoted_break:
        comment = comment[:-2] + "\n" + comment[-2:]
    rows[30] = _row(29, comment)
    return long_bytes(rows, crlf=crlf, bom=bom)


@pytest.mark.parametrize("shift", [-3, -2, -1, 0, 1, 2, 3])
@pytest.mark.parametrize(("crlf", "filler", "quoted_break", "bom"), [
    (False, "a", False, False), (True, "a", False, False), (True, "ğ", True, False),
    (False, "€", True, True), (True, "ş", False, True)])
def test_long_fast_path_records_cut_at_the_end_of_the_checked_start(shift: int, crlf: bool, filler: str,
                                                                     quoted_break: bool, bom: bool) -> None:
    data = _cut_near(HEAD + shift, crlf=crlf, filler=filler, quoted_break=quoted_break, bom=bom)
    assert len(data) > HEAD
    table = assert_same(data)
    assert isinstance(table, ResultTable) and len(table.results) == 60


def test_long_fast_path_header_and_sniffed_lines_beyond_the_checked_start() -> None:
    long_lines = [LONG_HEADER] + [_row(i, "z" * 2_000) for i in range(80)]  # 50 lines > 64 KiB
    assert isinstance(assert_same(long_bytes(long_lines, delimiter=";")), ResultTable)
    titles = [[f"Title {i} " + "t" * 5_000] for i in range(20)]  # the header row starts after 100 KB
    table = assert_same(long_bytes([*titles, LONG_HEADER, *[_row(i) for i in range(50)]]))
    assert isinstance(table, ResultTable) and len(table.results) == 50


def test_long_fast_path_text_that_is_not_utf8_or_holds_a_nul_late_in_a_big_file() -> None:
    rows = [LONG_HEADER] + [_row(i, "x" * 40) for i in range(3_000)]
    rows[-1][7] = "Ğüş"
    cp1254 = long_bytes(rows, encoding="cp1254")  # valid UTF-8 up to its last line only
    assert len(cp1254) > 2 * HEAD
    table = assert_same(cp1254)
    assert isinstance(table, ResultTable) and table.results["student"].iloc[0] == "Öğrenci 0"
    assert isinstance(assert_same(long_bytes(rows, encoding="utf-16")), ResultTable)
    assert fast(long_bytes(rows) + b"\x00") is None  # left to the slow path, as before


def test_long_results_frame_can_be_changed(tmp_path) -> None:
    path = tmp_path / "long.csv"
    path.write_bytes(long_bytes([LONG_HEADER] + [_row(i) for i in range(40)]))
    results = read_results(path).results
    assert [str(dtype) for dtype in results.dtypes] == ["category"] * 5 + ["float64"] * 2 + ["category"]
    other = results["student"].iloc[-1]
    results.loc[0, "score"] = 0.0  # no read-only array from the parser got into the frame
    results.loc[1, "student"] = other
    assert results["score"].iloc[0] == 0.0 and results["student"].iloc[1] == other
    results["student"] = results["student"].astype(object)  # a plain column takes any name
    results.loc[2, "student"] = "Someone else"
    assert results["student"].iloc[2] == "Someone else"


# Long fast path: big files, parsed in two groups of columns on two threads ---------------------------

def _big_rows(count: int) -> list[list[object]]:
    return [LONG_HEADER] + [[f"Öğrenci {i // 10}", f"Öğretmen {i // 400}", f"4-{'AB'[i // 200 % 2]}",
                             f"S{i % 10 + 1}", f"M.4.{i % 10 % 4 + 1}", str(i % 3), "2", ""] for i in range(count)]


@pytest.fixture(params=[1, 2], ids=["one thread", "two threads"])
def processors(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    from bot.assessments.formats import long

    monkeypatch.setattr(long, "_processors", lambda: request.param)
    return request.param


def test_big_long_file_reads_the_same_on_one_or_two_threads(processors: int) -> None:
    from bot.assessments.formats import long

    rows = _big_rows(24_000)
    data = long_bytes(rows)
    assert len(data) > long._SPLIT_BYTES
    table = assert_same(data)
    assert isinstance(table, ResultTable) and len(table.results) == 24_000
    assert table.results["student"].nunique() == 2_400 and table.results["teacher"].nunique() == 60


def test_big_long_file_with_odd_cells_reads_the_same_on_one_or_two_threads(processors: int) -> None:
    rows = _big_rows(24_000)
    rows[5][0] = "  Öğrenci 0\u00a0"  # the same student once stripped
    rows[7][2] = ""  # a blank section, and a row without a name but with a comment (a warning)
    rows[20_000] = ["", "", "", "", "", "", "", "a comment"]
    rows[20_001] = ["", "", "", "", "", "", "", ""]
    table = assert_same(long_bytes(rows))
    assert isinstance(table, ResultTable)
    assert table.warnings == [("assessments_read.warnings.row_without_name", {"row": 20_001})]
    assert table.results["student"].nunique() == 2_400


def test_big_long_file_not_utf8_after_its_start_reads_the_same_on_one_or_two_threads(processors: int) -> None:
    rows = [[str(cell).replace("Öğrenci", "Student").replace("Öğretmen", "Teacher") for cell in row]
            for row in _big_rows(24_000)]
    rows[0] = ["Student", "Teacher", "Section", "Item", "Standard", "Score", "Max points", "Comment"]
    rows[-1][7] = "Ğüş"  # Windows-1254: ASCII, so valid UTF-8, up to its last line only
    cp1254 = long_bytes(rows, encoding="cp1254")
    assert cp1254[:-20].isascii() and not cp1254.isascii()
    table = assert_same(cp1254)
    assert isinstance(table, ResultTable) and table.results["student"].iloc[0] == "Student 0"
    assert fast(long_bytes(rows) + b"\x00") is None  # a NUL: left to the slow path


@pytest.mark.parametrize(("row", "column", "value", "key"), [
    (23_000, 3, "", "no_item"), (23_000, 6, "iki", "bad_max"), (23_000, 5, "3", "above_max"),
    (23_000, 5, "üç", "not_a_number")])
def test_big_long_file_reports_a_late_problem_with_its_row_on_one_or_two_threads(
        processors: int, row: int, column: int, value: str, key: str) -> None:
    rows = _big_rows(24_000)
    rows[row][column] = value
    found = assert_same(long_bytes(rows))
    assert isinstance(found, readers.ReadProblem) and found.key == "assessments_read.errors." + key
    assert found.params["row"] == row + 1


# analyse: categorical columns and first values -----------------------------------------------------

TEXT = ["student", "teacher", "section", "item", "standard", "status"]


def _table(rows: int = 600, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)

    def pick(values: list[object], size: int = rows) -> pd.Series:
        return pd.Series(np.array(values, dtype=object)[rng.integers(0, len(values), size)], dtype=object)

    table = pd.DataFrame({
        "student": pd.Series([f"s{i}" for i in rng.integers(0, 40, rows)], dtype=object),
        "teacher": pick(["Ms. B", None, "Mr. A", "ms. b"]),
        "section": pick(["P2", None, "P1"]),
        "item": pd.Series([f"Q{i}" for i in rng.integers(0, 15, rows)], dtype=object),
        "standard": pick(["S10", None, "s1", "S1", "4.NF.2", "4.NF.10"]),
        "score": rng.integers(0, 5, rows).astype(float),
        "max_points": rng.choice([1.0, 2.0, 4.0, 0.0, np.nan], rows),
        "status": pick(["scored", "scored", "scored", "missing", "excused"]),
    })
    table.loc[rng.random(rows) < 0.1, "score"] = np.nan
    return table


def _categorical(table: pd.DataFrame, unused: bool = True) -> pd.DataFrame:
    out = table.copy()
    for name in TEXT:
        column = out[name].astype("category")
        if unused:  # categories no row uses, first in category order: they must change nothing
            column = column.cat.add_categories(["0 unused"]).cat.reorder_categories(
                ["0 unused", *column.cat.categories])
        out[name] = column
    return out


def _assert_same_analysis(got: Analysis, expected: Analysis) -> None:
    for name in ("students", "standards", "items", "teachers"):
        pd.testing.assert_frame_equal(getattr(got, name), getattr(expected, name), check_exact=True)
    assert (got.missing, got.groups) == (expected.missing, expected.groups)
    assert json.dumps(to_json(got, "long", [])) == json.dumps(to_json(expected, "long", []))


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("unused", [False, True])
def test_categorical_columns_give_the_figures_of_object_columns(seed: int, unused: bool) -> None:
    table = _table(seed=seed)
    _assert_same_analysis(analyse(_categorical(table, unused)), analyse(table))
    thresholds = Thresholds(intervention_below=60, extension_from=80)
    _assert_same_analysis(analyse(_categorical(table, unused), thresholds), analyse(table, thresholds))


def test_categorical_columns_sparse_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.assessments import analysis

    table = _table(seed=4)
    expected = analyse(table)
    monkeypatch.setattr(analysis, "DENSE_PAIRS", 0)
    _assert_same_analysis(analyse(_categorical(table)), expected)
    _assert_same_analysis(analyse(table), expected)


def _naive_first(table: pd.DataFrame, column: str) -> dict[str, object]:
    """Each student's first non-blank `column` value, row by row."""
    first: dict[str, object] = {}
    for student, value in zip(table["student"], table[column], strict=True):
        if student not in first or first[student] is None:
            first[student] = None if pd.isna(value) else value
    return first


def test_teacher_and_section_are_each_students_first_non_blank_value() -> None:
    table = _table(seed=5)
    table.loc[table.groupby("student").head(1).index, ["teacher", "section"]] = None  # every first row blank
    table.loc[table["student"] == "s7", "teacher"] = None  # one student without any teacher
    result = analyse(table).students.set_index("student")
    for column in ("teacher", "section"):
        naive = _naive_first(table, column)
        got = {s: None if pd.isna(v) else v for s, v in result[column].items()}
        assert got == {s: naive[s] for s in result.index}
    assert pd.isna(result.loc["s7", "teacher"])
    _assert_same_analysis(analyse(_categorical(table)), analyse(table))


def test_a_section_only_on_a_row_without_a_student_still_splits_teachers() -> None:
    table = _table(seed=6)
    table["section"] = None
    extra = table.iloc[[0]].assign(student=None, section="P9", status="missing", score=np.nan)
    table = pd.concat([table, extra], ignore_index=True)
    result = analyse(table)
    assert list(result.teachers.columns) == ["teacher", "section", "students", "mean"]
    assert result.teachers["section"].isna().all()
    _assert_same_analysis(analyse(_categorical(table)), result)
