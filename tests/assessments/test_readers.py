"""Reading exports: every format against hand-computed truth, and every problem with its row and column."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bot.assessments import readers
from bot.assessments.readers import AssessmentColumn, ReadProblem, ResultTable, read_results
from bot.i18n import catalog
from tests.assessments import fixtures


def rows(table: ResultTable) -> list[tuple]:
    """(student, item, standard, score or None, max, status) in file order."""
    return [(r.student, r.item, r.standard, None if math.isnan(r.score) else r.score, r.max_points, r.status)
            for r in table.results.itertuples()]


def problem(path: Path | bytes, **kwargs: object) -> ReadProblem:
    with pytest.raises(ReadProblem) as caught:
        read_results(path, **kwargs)  # type: ignore[arg-type]
    return caught.value


# Google Forms -----------------------------------------------------------------------------------


def test_google_forms_one_item_per_student(tmp_path: Path) -> None:
    table = read_results(fixtures.google_forms(tmp_path))
    assert table.format == "google_forms"
    assert rows(table) == [
        ("Maya Chen", "Score", None, 7.0, 10.0, "scored"),
        ("Leo Park", "Score", None, 10.0, 10.0, "scored"),
        ("sam.o@school.org", "Score", None, 4.5, 10.0, "scored"),  # no name given: the email
    ]
    assert table.assessments == [] and table.warnings == []
    assert list(table.results.columns) == readers.RESULT_COLUMNS


def test_google_forms_turkish_with_section_and_uploader(tmp_path: Path) -> None:
    table = read_results(fixtures.google_forms_tr(tmp_path), teacher="U123")
    assert rows(table) == [("Ayşe Yılmaz", "Score", None, 8.0, 20.0, "scored"),
                           ("İbrahim Çağlar", "Score", None, 20.0, 20.0, "scored")]
    assert table.results["section"].tolist() == ["4-A", "4-B"]
    assert table.results["teacher"].tolist() == ["U123", "U123"]


# Canvas -----------------------------------------------------------------------------------------


def test_canvas_single_assignment(tmp_path: Path) -> None:
    table = read_results(fixtures.canvas(tmp_path), teacher="U9")
    assert table.format == "canvas"
    assert rows(table) == [
        ("Chen, Maya", "Fractions Quiz", None, 9.0, 12.0, "scored"),
        ("Park, Leo", "Fractions Quiz", None, 12.0, 12.0, "scored"),
        ("Okafor, Sam", "Fractions Quiz", None, None, 12.0, "missing"),
        ("Öztürk, Şule", "Fractions Quiz", None, None, 12.0, "excused"),
        ("Diaz, Ana", "Fractions Quiz", None, 10.5, 12.0, "scored"),
    ]
    assert table.results["section"].tolist()[:3] == ["Math 4 - Period 2", "Math 4 - Period 2", "Math 4 - Period 3"]
    assert set(table.results["teacher"]) == {"U9"}
    assert table.warnings == [("assessments_read.warnings.test_student", {"row": 5})]
    assert table.assessments == [AssessmentColumn("Fractions Quiz", 12.0)]
    # totals are never items
    assert set(table.results["item"]) == {"Fractions Quiz"}


def test_canvas_two_assignments_asks_then_reads_the_chosen_one(tmp_path: Path) -> None:
    path = fixtures.canvas(tmp_path, two_assignments=True)
    asked = problem(path)
    assert asked.key == "assessments_read.errors.choose_column"
    assert asked.params["columns"] == ["Fractions Quiz", "Decimals Exit Ticket"]

    table = read_results(path, column="Fractions Quiz")
    assert [r[3] for r in rows(table)] == [9.0, 12.0, None, None, 10.5]
    assert table.assessments == [AssessmentColumn("Fractions Quiz", 12.0),
                                 AssessmentColumn("Decimals Exit Ticket", 5.0)]

    decimals = read_results(path, column="decimals")  # a unique part of the title, any case
    assert rows(decimals) == [
        ("Chen, Maya", "Decimals Exit Ticket", None, 4.0, 5.0, "scored"),
        ("Park, Leo", "Decimals Exit Ticket", None, 5.0, 5.0, "scored"),
        ("Okafor, Sam", "Decimals Exit Ticket", None, 2.0, 5.0, "scored"),
        ("Öztürk, Şule", "Decimals Exit Ticket", None, None, 5.0, "missing"),
        ("Diaz, Ana", "Decimals Exit Ticket", None, 5.0, 5.0, "scored"),
    ]
    unknown = problem(path, column="Geometry")
    assert unknown.key == "assessments_read.errors.unknown_column"
    assert unknown.params["column"] == "Geometry"


# Teacher-made sheets ----------------------------------------------------------------------------


def test_teacher_xlsx_with_title_rows_and_kazanim_row(tmp_path: Path) -> None:
    table = read_results(fixtures.teacher_xlsx(tmp_path))
    assert table.format == "teacher_sheet"
    assert rows(table) == [
        ("Ayşe Yılmaz", "S1", "M.4.1.6.1", 2.0, 2.0, "scored"),
        ("Ayşe Yılmaz", "S2", "M.4.1.6.2", 1.5, 3.0, "scored"),
        ("Ayşe Yılmaz", "S3", "M.4.1.6.2", 5.0, 5.0, "scored"),
        ("İbrahim Çağlar", "S1", "M.4.1.6.1", 1.0, 2.0, "scored"),
        ("İbrahim Çağlar", "S2", "M.4.1.6.2", None, 3.0, "missing"),
        ("İbrahim Çağlar", "S3", "M.4.1.6.2", 4.0, 5.0, "scored"),
        ("Gülşen Öğüt", "S1", "M.4.1.6.1", 0.0, 2.0, "scored"),
        ("Gülşen Öğüt", "S2", "M.4.1.6.2", 3.0, 3.0, "scored"),
        ("Gülşen Öğüt", "S3", "M.4.1.6.2", 2.5, 5.0, "scored"),
    ]
    assert table.results["teacher"].tolist()[::3] == ["Elif Hoca", "Elif Hoca", "Mert Hoca"]
    assert table.results["section"].tolist()[::3] == ["4-A", "4-A", "4-B"]
    assert table.warnings == [("assessments_read.warnings.summary_row", {"row": 10})]


def test_teacher_csv_with_bom_and_standards_in_headers(tmp_path: Path) -> None:
    table = read_results(fixtures.teacher_csv_bom(tmp_path), teacher="U1")
    assert rows(table)[:3] == [("Maya Chen", "Q1", "4.NF.1", 2.0, 2.0, "scored"),
                               ("Maya Chen", "Q2", "4.NF.2", 3.0, 4.0, "scored"),
                               ("Maya Chen", "Q3", "4.NF.2", 4.0, 4.0, "scored")]
    assert rows(table)[4] == ("Leo Park", "Q2", "4.NF.2", None, 4.0, "missing")
    assert len(table.results) == 9
    assert set(table.results["teacher"]) == {"U1"}
    assert table.results["section"].tolist()[::3] == ["P2", "P2", "P3"]
    assert table.results["student"].iloc[0] == "Maya Chen"  # no BOM left in the header or the names


def test_windows_1254_semicolons_and_decimal_commas(tmp_path: Path) -> None:
    table = read_results(fixtures.turkish_cp1254(tmp_path))
    assert table.format == "teacher_sheet"
    assert rows(table) == [
        ("Ayşe Yılmaz", "Soru 1", None, 1.5, 2.0, "scored"),
        ("Ayşe Yılmaz", "Soru 2", None, 3.0, 3.5, "scored"),
        ("İsmail Şahin", "Soru 1", None, 2.0, 2.0, "scored"),
        ("İsmail Şahin", "Soru 2", None, 3.5, 3.5, "scored"),
        ("Çağrı Güneş", "Soru 1", None, 0.0, 2.0, "scored"),
        ("Çağrı Güneş", "Soru 2", None, None, 3.5, "missing"),
    ]
    assert table.results["teacher"].isna().all()


def test_right_wrong_sheet_without_max_counts_one_point_each(tmp_path: Path) -> None:
    table = read_results(fixtures.binary_sheet(tmp_path))
    assert [r[3:] for r in rows(table)] == [(1.0, 1.0, "scored"), (0.0, 1.0, "scored"), (1.0, 1.0, "scored"),
                                            (1.0, 1.0, "scored"), (1.0, 1.0, "scored"), (None, 1.0, "missing")]
    assert [key for key, _ in table.warnings] == ["assessments_read.warnings.assumed_binary"]


def test_sheet_from_bytes_with_filename(tmp_path: Path) -> None:
    data = fixtures.teacher_xlsx(tmp_path).read_bytes()
    assert len(read_results(data, filename="upload.xlsx").results) == 9


# Long -------------------------------------------------------------------------------------------


def test_long_csv(tmp_path: Path) -> None:
    table = read_results(fixtures.long_csv(tmp_path), teacher="ignored: the file names its teachers")
    assert table.format == "long"
    assert rows(table) == [("Maya Chen", "Q1", "4.NF.1", 2.0, 2.0, "scored"),
                           ("Maya Chen", "Q2", "4.NF.2", 3.0, 4.0, "scored"),
                           ("Leo Park", "Q1", "4.NF.1", None, 2.0, "missing"),
                           ("Leo Park", "Q2", "4.NF.2", None, 4.0, "excused")]
    assert table.results["teacher"].tolist() == ["Ms. Rivera", "Ms. Rivera", "Mr. Kim", "Mr. Kim"]
    assert table.results["section"].tolist() == ["P2", "P2", "P3", "P3"]


def test_long_xlsx_turkish_headers(tmp_path: Path) -> None:
    table = read_results(fixtures.long_xlsx_tr(tmp_path), teacher="U7")
    assert rows(table) == [("Ayşe Yılmaz", "S1", "M.4.1.6.1", 1.5, 2.0, "scored"),
                           ("Ayşe Yılmaz", "S2", "M.4.1.6.2", 2.5, 3.0, "scored"),
                           ("Şule Işık", "S1", "M.4.1.6.1", 2.0, 2.0, "scored")]
    assert set(table.results["teacher"]) == {"U7"}
    assert table.results["section"].isna().all()


# Problems ---------------------------------------------------------------------------------------

E = "assessments_read.errors."


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    assert problem(tmp_path / "empty.csv").key == E + "empty"
    assert problem(b"\r\n ,, \r\n").key == E + "empty"


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
                                  bytes(range(256)) * 4])
def test_unreadable(data: bytes) -> None:
    assert problem(data, filename="scores.csv").key == E + "unreadable"


def test_corrupt_workbook(tmp_path: Path) -> None:
    assert problem(fixtures.corrupt_xlsx(tmp_path)).key == E + "corrupt_workbook"
    assert problem(b"PK\x03\x04garbage", filename="x.xlsx").key == E + "corrupt_workbook"


def test_old_excel_header_without_a_workbook_is_corrupt() -> None:  # real .xls files: tests/assessments/test_xls.py
    assert problem(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, filename="x.xls").key == E + "corrupt_workbook"


def test_unknown_layout(tmp_path: Path) -> None:
    path = fixtures.write_csv(tmp_path, "other.csv", [["Date", "Topic"], ["2024-10-01", "Fractions"]])
    assert problem(path).key == E + "unknown_layout"


def test_missing_path() -> None:
    assert problem("/no/such/file.csv").key == E + "unreadable"


@pytest.mark.parametrize(("score", "key", "params"), [
    ("three", "not_a_number", {"row": 4, "column": "Q2 (4.NF.2)", "value": "three"}),
    ("5", "above_max", {"row": 4, "column": "Q2 (4.NF.2)", "value": "5", "max": 4}),
    ("-1", "negative", {"row": 4, "column": "Q2 (4.NF.2)", "value": "-1"}),
])
def test_bad_scores_name_row_and_column(tmp_path: Path, score: str, key: str, params: dict) -> None:
    found = problem(fixtures.sheet_with(tmp_path, score))
    assert (found.key, found.params) == (E + key, params)


@pytest.mark.parametrize("max_points", ["0", "four", "-2"])
def test_bad_max(tmp_path: Path, max_points: str) -> None:
    found = problem(fixtures.sheet_with(tmp_path, "1", max_points=max_points))
    assert (found.key, found.params) == (E + "bad_max", {"row": 2, "column": "Q2 (4.NF.2)", "value": max_points})


def test_no_max_is_asked_not_guessed(tmp_path: Path) -> None:
    found = problem(fixtures.no_max_sheet(tmp_path))
    assert found.key == E + "no_max" and found.params == {"column": "Q1"}


def test_canvas_score_above_points_possible(tmp_path: Path) -> None:
    path = fixtures.canvas(tmp_path)
    before = path.read_text()
    path.write_text(before.replace("lpark,Math 4 - Period 2,12,", "lpark,Math 4 - Period 2,13,"))
    assert path.read_text() != before
    found = problem(path)
    assert (found.key, found.params) == (E + "above_max",
                                         {"row": 4, "column": "Fractions Quiz (10231)", "value": "13", "max": 12})


def test_long_score_not_a_number(tmp_path: Path) -> None:
    path = fixtures.write_csv(tmp_path, "l.csv", [["student", "item", "score", "max"], ["A", "Q1", "x", "1"]])
    assert problem(path).params == {"row": 2, "column": "score", "value": "x"}


def test_no_other_exception_escapes(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(readers, "read_table", boom)
    assert problem(b"Student,Q1\nA,1\n").key == E + "unreadable"


# Numbers and catalogs ---------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "number"), [("7,5", 7.5), ("85%", 85.0), (" 12 ", 12.0), ("1.234,5", 1234.5),
                                             ("\u22123", -3.0), ("", None), (4, 4.0)])
def test_parse_number(raw: object, number: float | None) -> None:
    assert readers.parse_number(raw) == number  # type: ignore[arg-type]


def test_every_problem_and_warning_has_a_text_in_both_languages(tmp_path: Path) -> None:
    source = Path(readers.__file__).read_text()
    import re

    keys = {"errors." + k for k in re.findall(r'ERR \+ "(\w+)"', source)}
    keys |= {"warnings." + k for k in re.findall(r'WARN \+ "(\w+)"', source)}
    assert len(keys) > 15
    for language in ("en", "tr"):
        texts = catalog(language)
        for key in keys:
            assert texts.has("assessments_read." + key), (language, key)
        text = texts.t(E + "above_max", file="a.csv", row=4, column="Q2", value="5", max=4)
        assert "4" in text and "Q2" in text


# Extras -----------------------------------------------------------------------------------------


def test_points_in_the_header_and_a_second_forms_response(tmp_path: Path) -> None:
    sheet = fixtures.write_csv(tmp_path, "pts.csv", [["Student", "Q1 (2 pts)", "Q2 [4.NF.1]"],
                                                     ["Max points", "", "3"], ["Maya", "2", "1,5"]])
    assert rows(read_results(sheet)) == [("Maya", "Q1", None, 2.0, 2.0, "scored"),
                                         ("Maya", "Q2", "4.NF.1", 1.5, 3.0, "scored")]

    forms = fixtures.google_forms(tmp_path)
    forms.write_text(forms.read_text() + "2024/10/01 9:09:00 AM GMT+3,maya.c@school.org,9 / 10,Maya Chen,,,\r\n")
    table = read_results(forms)
    assert len(table.results) == 4
    assert table.warnings == [("assessments_read.warnings.duplicate_student", {"row": 5, "first_row": 2})]


def test_utf16_tab_separated_export(tmp_path: Path) -> None:
    content = "Student\tQ1\tQ2\r\nMax points\t2\t2\r\nŞule Işık\t1\t2\r\n"
    table = read_results(b"\xff\xfe" + content.encode("utf-16-le"))
    assert [r[3] for r in rows(table)] == [1.0, 2.0] and table.results["student"].iloc[0] == "Şule Işık"


# Long fast path against the cell-by-cell reader --------------------------------------------------


def slow(data: bytes, **kwargs: object) -> ResultTable | ReadProblem:
    try:
        return readers.read_table(readers.read_grid(data, "x.csv"), **kwargs)  # type: ignore[arg-type]
    except ReadProblem as found:
        return found


def fast(data: bytes, **kwargs: object) -> ResultTable | ReadProblem | None:
    try:
        return readers._read_long_fast(data, "x.csv", **kwargs)  # type: ignore[arg-type]
    except ReadProblem as found:
        return found


def assert_same(data: bytes, teacher: str | None = None) -> ResultTable | ReadProblem:
    expected, got = slow(data, teacher=teacher), fast(data, teacher=teacher)
    assert got is not None, "the fast path did not take a long file"
    if isinstance(expected, ReadProblem):
        assert isinstance(got, ReadProblem), got
        assert (got.key, got.params) == (expected.key, expected.params)
        return got
    assert isinstance(got, ResultTable)
    assert (got.format, got.warnings, got.assessments) == (expected.format, expected.warnings, expected.assessments)
    assert list(got.results.columns) == list(expected.results.columns)
    # The fast path's text columns are categoricals (built from the parser's codes), the slow path's objects.
    assert all(isinstance(got.results[name].dtype, pd.CategoricalDtype) == (dtype is np.dtype(object))
               for name, dtype in expected.results.dtypes.items())
    results = fixtures.plain(got.results)
    assert results.dtypes.tolist() == expected.results.dtypes.tolist()
    for name in got.results.columns:
        assert results[name].tolist() == expected.results[name].tolist() or (
            name in {"score", "max_points"} and results[name].equals(expected.results[name])), name
    return got


def long_bytes(rows: list[list[object]], *, delimiter: str = ",", encoding: str = "utf-8", bom: bool = False) -> bytes:
    return (b"\xef\xbb\xbf" if bom else b"") + fixtures._csv(rows, delimiter=delimiter).encode(encoding)


LONG_HEADER = ["Öğrenci Adı", "Öğretmen", "Şube", "Madde", "Kazanım", "Puan", "Tam Puan", "Açıklama"]
GOOD_ROWS = [
    ["Ayşe Yılmaz", "Ms. Aydın", "4-A", "S1", "M.4.1", "1,5", "2", ""],
    [" Ayşe Yılmaz ", "Ms. Aydın", "4-A", "S2", "", "75%", "100", "x"],
    ["", "", "", "S1", "", "1", "2", "a comment without a name"],
    ["", "", "", "", "", "", "", ""],
    ["Can Öz", "", "", "S1", "M.4.1", "-", "2", ""],
    ["Can Öz", "Mr. Gül", "4-B", "S2", "M.4.2", "Muaf", "4", ""],
    ["Can Öz", "Mr. Gül", "4-B", "S3", "M.4.2", "EX", "4", ""],
    ["Deniz", "Mr. Gül", "4-B", "S3", "M.4.2", "N/A", "4,0", ""],
    ["Deniz", "Mr. Gül", "4-B", "S4", "M.4.2", "1.234,5", "2000", ""],
    ["Deniz", "Mr. Gül", "4-B", "S5", "M.4.2", " 3 ", " 4 ", ""],
]


def test_long_fast_path_reads_the_fixture_like_the_slow_path(tmp_path: Path) -> None:
    table = assert_same(fixtures.long_csv(tmp_path).read_bytes(), teacher="ignored")
    assert isinstance(table, ResultTable) and len(table.results) == 4
    path = fixtures.write_csv(tmp_path, "l.csv", [["student", "item", "score", "max"], ["A", "Q1", "x", "1"]])
    assert_same(path.read_bytes())


@pytest.mark.parametrize(("delimiter", "encoding", "bom"), [(",", "utf-8", False), (";", "cp1254", False),
                                                           ("\t", "utf-8", True), ("|", "utf-8", False)])
def test_long_fast_path_encodings_separators_and_odd_cells(delimiter: str, encoding: str, bom: bool) -> None:
    data = long_bytes([["Assessment: Unit 3"], [], LONG_HEADER, *GOOD_ROWS], delimiter=delimiter,
                      encoding=encoding, bom=bom)
    table = assert_same(data, teacher="U7")
    assert isinstance(table, ResultTable)
    assert [w[0] for w in table.warnings] == ["assessments_read.warnings.row_without_name"]
    assert set(table.results["status"]) == {"scored", "missing", "excused"}


def test_long_fast_path_without_max_assumes_right_wrong() -> None:
    rows = [["student", "item", "score"], ["A", "Q1", "1"], ["A", "Q2", "0"], ["B", "Q1", ""], ["B", "Q2", "EX"]]
    table = assert_same(long_bytes(rows))
    assert isinstance(table, ResultTable) and table.warnings[-1][0] == "assessments_read.warnings.assumed_binary"


def _with(row: int, column: int, value: str, rows: list[list[object]] | None = None) -> list[list[object]]:
    changed = [list(r) for r in (rows or GOOD_ROWS)]
    changed[row][column] = value
    return changed


@pytest.mark.parametrize(("rows", "key"), [
    (_with(4, 5, "three"), "not_a_number"),
    (_with(5, 5, "-1", _with(8, 5, "x")), "negative"),
    (_with(0, 5, "2,5"), "above_max"),
    (_with(9, 5, "4.0001", _with(0, 5, "abc")), "not_a_number"),
    (_with(1, 6, "0"), "bad_max"),
    (_with(4, 6, ""), "bad_max"),
    (_with(4, 6, "dört", _with(5, 3, "")), "bad_max"),
    (_with(5, 3, "", _with(6, 6, "-2")), "no_item"),
    (_with(1, 5, "inf"), "not_a_number"),
    ([["", "", "", "Q1", "", "1", "1", ""]], "no_students"),
    ([], "no_students"),
])
def test_long_fast_path_reports_the_first_problem_like_the_slow_path(rows: list[list[object]], key: str) -> None:
    found = assert_same(long_bytes([LONG_HEADER, *rows]))
    assert isinstance(found, ReadProblem) and found.key == E + key


def test_long_fast_path_no_max_when_scores_are_not_right_wrong() -> None:
    found = assert_same(long_bytes([["student", "item", "score"], ["A", "Q1", "2"]]))
    assert isinstance(found, ReadProblem) and found.key == E + "no_max"


def test_long_fast_path_leaves_other_files_to_the_slow_path(tmp_path: Path) -> None:
    assert fast(fixtures.canvas(tmp_path).read_bytes()) is None
    assert fast(fixtures.google_forms(tmp_path).read_bytes()) is None
    assert fast(fixtures.teacher_csv_bom(tmp_path).read_bytes()) is None
    assert_same(long_bytes([["student", "item", "score", "max"], ["A", "Q1", "1", "1", "extra"]]))
    many = [["A", "Q1", "1", "1"]] * 40
    ragged = long_bytes([["student", "item", "score", "max"], *many, ["A", "Q2", "0", "1", "x"]])
    assert fast(ragged) is None  # wider than the first rows: pandas refuses, the slow path reads it
    assert read_results(ragged).results["score"].tolist() == [1.0] * 40 + [0.0]
