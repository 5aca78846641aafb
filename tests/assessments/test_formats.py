"""The format registry: one module per format, `--format`, `plc-bot formats`, identifier columns."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.assessments import readers
from bot.assessments.formats import registry
from bot.assessments.readers import ReadProblem, read_results
from bot.i18n import catalog
from tests.assessments import fixtures


def test_the_compatibility_module_names_every_problem_the_formats_raise() -> None:
    folder = Path(registry.__file__).parent
    used: set[str] = set()
    for module in folder.glob("*.py"):
        source = module.read_text()
        used |= {"assessments_read.errors." + k for k in re.findall(r'ERR \+ "(\w+)"', source)}
        used |= {"assessments_read.warnings." + k for k in re.findall(r'WARN \+ "(\w+)"', source)}
    assert used == set(readers.PROBLEMS) | set(readers.WARNINGS)


def test_every_format_has_a_module_with_detect_and_read_in_the_registry() -> None:
    assert registry.NAMES == ("canvas", "zipgrade", "google_classroom", "google_forms", "microsoft_forms",
                              "kahoot", "long", "teacher_sheet")
    assert set(readers.FORMATS) == set(registry.NAMES)
    for entry in registry.FORMATS:
        assert entry.example and callable(entry.detect) and callable(entry.read)


# `plc-bot formats` and `plc-bot analyze --format` -------------------------------------------------


def cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    from bot.cli import main

    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("lang", "example"), [("en", "e.g. "), ("tr", "örnek: ")])
def test_formats_lists_each_format_with_an_example_header(lang: str, example: str,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(["formats", "--lang", lang], capsys)
    assert (code, err) == (0, "")
    texts = catalog(lang)
    for entry in registry.FORMATS:
        assert f"{entry.name}: {texts.t('assessments_read.formats.' + entry.name)}" in out
        assert f"{example}{entry.example}" in out


def test_each_example_header_is_detected_as_its_own_format() -> None:
    for entry in registry.FORMATS:
        grid = [[cell for cell in entry.example.split(",")]]
        if entry.name == "google_forms":
            grid.append(["2024/10/01", "a@b.org", "7 / 10", "Ada", "9"])
        found = [f.name for f in registry.FORMATS if f.detect(grid) is not None]
        assert found[0] == entry.name, (entry.name, found)


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_analyze_an_unknown_format_names_the_formats(lang: str, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = fixtures.long_csv(tmp_path)
    code, out, err = cli(["analyze", str(path), "--format", "scantron", "--lang", lang], capsys)
    assert (code, out) == (2, "")
    assert err.strip() == catalog(lang).t("assessments.unknown_format", format="scantron",
                                          names="canvas, zipgrade, google_classroom, google_forms,"
                                                " microsoft_forms, kahoot, long, teacher_sheet")


def test_analyze_with_a_format_reads_only_that_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = fixtures.long_csv(tmp_path)
    code, out, err = cli(["analyze", str(path), "--format", "long", "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["format"] == "long"

    code, out, err = cli(["analyze", str(path), "--format", "canvas", "--lang", "en"], capsys)
    assert (code, out) == (1, "")
    assert err.strip() == catalog("en").t("assessments_read.errors.not_this_format", file=path.name, format="canvas")


def test_read_results_with_a_forced_format(tmp_path: Path) -> None:
    sheet = fixtures.teacher_csv_bom(tmp_path)
    assert read_results(sheet, format="teacher_sheet").format == "teacher_sheet"
    with pytest.raises(ReadProblem) as found:
        read_results(sheet, format="google_forms")
    assert (found.value.key, found.value.params) == ("assessments_read.errors.not_this_format",
                                                     {"format": "google_forms"})
    with pytest.raises(KeyError):
        read_results(sheet, format="nope")


# Identifier columns are never questions ------------------------------------------------------------
#
# The Turkish teacher's sheet of issue 14: `S.No` and `Okul No` (both numeric) before the names and
# a "Tam Puan" row that leaves them empty. By hand: Ayşe 4+3+5 = 12/20 = 60 %, Mehmet 2+6+10 =
# 18/20 = 90 %, Şule 0+3+2 = 5/20 = 25 %; S1 6/12 = 50 %, S2 12/18 = 66.7 %, S3 17/30 = 56.7 %.

TR_HEADER = ["S.No", "Okul No", "Adı Soyadı", "S1", "S2", "S3", "Toplam"]
TR_STUDENTS = [["1", "1234", "Ayşe Yılmaz", "4", "3", "5", "12"],
               ["2", "1301", "Mehmet Öz", "2", "6", "10", "18"],
               ["3", "1457", "Şule Işık", "0", "3", "2", "5"]]
TR_STUDENT_PERCENTS = {"Ayşe Yılmaz": 60.0, "Mehmet Öz": 90.0, "Şule Işık": 25.0}
TR_ITEM_PERCENTS = {"S1": 50.0, "S2": 66.7, "S3": 56.7}


def percents(table: object) -> tuple[dict[str, float], dict[str, float]]:
    from bot.assessments.analysis import analyse, round_1

    analysis = analyse(table.results)  # type: ignore[attr-defined]
    students = {row["student"]: round_1(row["percent"]) for row in analysis.students.to_dict("records")}
    items = {row["item"]: round_1(row["percent"]) for row in analysis.items.to_dict("records")}
    return students, items


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1254"])
@pytest.mark.parametrize("label_col", [0, 2])  # "Tam Puan" under S.No (a merged label) or under the names
def test_turkish_sheet_with_row_and_school_numbers(encoding: str, label_col: int, tmp_path: Path) -> None:
    max_row = ["", "", "", "4", "6", "10", "20"]
    max_row[label_col] = "Tam Puan"
    path = fixtures.write_csv(tmp_path, "9A_ortak_sinav.csv", [TR_HEADER, max_row, *TR_STUDENTS], delimiter=";",
                              encoding=encoding)
    if encoding == "cp1254":
        assert "Ş".encode("cp1254") in path.read_bytes()
    table = read_results(path)
    assert table.format == "teacher_sheet"
    assert sorted(set(table.results["item"])) == ["S1", "S2", "S3"]
    assert percents(table) == (TR_STUDENT_PERCENTS, TR_ITEM_PERCENTS)


def test_turkish_sheet_as_xlsx_with_numbers_as_numbers(tmp_path: Path) -> None:
    rows: list[list[object]] = [["9-A Matematik Ortak Sınav"], TR_HEADER, [None, None, "Tam Puan", 4, 6, 10, 20]]
    rows += [[int(r[0]), int(r[1]), r[2], *(int(v) for v in r[3:])] for r in TR_STUDENTS]
    table = read_results(fixtures.write_xlsx(tmp_path, "ortak.xlsx", rows))
    assert percents(table) == (TR_STUDENT_PERCENTS, TR_ITEM_PERCENTS)


@pytest.mark.parametrize("ids", [["#", "Student ID"], ["No", "Öğrenci No"], ["Sıra No", "ID"], ["Row", "Öğr. No"],
                                 ["Nr.", "Student Number"]])
def test_identifier_headers_without_a_max_row(ids: list[str], tmp_path: Path) -> None:
    # Right/wrong items, no max row: 1 + 0 + 1 = 2/3 = 66.7 %, 1 + 1 + 1 = 100 %; Q1 100 %, Q2 50 %, Q3 100 %.
    path = fixtures.write_csv(tmp_path, "ids.csv", [[*ids, "Student", "Q1", "Q2", "Q3"],
                                                    ["1", "20231", "Ada", "1", "0", "1"],
                                                    ["2", "20232", "Ben", "1", "1", "1"]])
    table = read_results(path)
    assert percents(table) == ({"Ada": 66.7, "Ben": 100.0}, {"Q1": 100.0, "Q2": 50.0, "Q3": 100.0})


def test_a_numbered_column_left_of_the_names_is_not_a_question_whatever_its_header(tmp_path: Path) -> None:
    path = fixtures.write_csv(tmp_path, "kod.csv", [["Kod", "Ad Soyad", "S1", "S2"], ["", "Tam Puan", "2", "2"],
                                                    ["17", "Ada", "2", "1"], ["18", "Ben", "0", "2"]])
    assert percents(read_results(path)) == ({"Ada": 75.0, "Ben": 50.0}, {"S1": 50.0, "S2": 75.0})


def test_a_question_that_happens_to_hold_distinct_numbers_stays_a_question(tmp_path: Path) -> None:
    path = fixtures.write_csv(tmp_path, "q.csv", [["Student", "Q1", "Q2"], ["Max points", "5", "5"],
                                                  ["Ada", "1", "5"], ["Ben", "2", "4"]])
    assert percents(read_results(path)) == ({"Ada": 60.0, "Ben": 60.0}, {"Q1": 30.0, "Q2": 90.0})


@pytest.mark.parametrize("encoding", ["utf-8", "cp1254"])
def test_identifier_columns_in_a_long_table_are_not_items_either(encoding: str, tmp_path: Path) -> None:
    rows = [["S.No", "Okul No", "Adı Soyadı", "Soru", "Puan", "Tam Puan"]]
    for school_no, name, *scores in [(1234, "Ayşe Yılmaz", 4, 3, 5), (1301, "Mehmet Öz", 2, 6, 10),
                                     (1457, "Şule Işık", 0, 3, 2)]:
        for item, score, maximum in zip(("S1", "S2", "S3"), scores, (4, 6, 10), strict=True):
            rows.append([len(rows), school_no, name, item, score, maximum])
    table = read_results(fixtures.write_csv(tmp_path, "uzun.csv", rows, delimiter=";", encoding=encoding))
    assert table.format == "long"
    assert percents(table) == (TR_STUDENT_PERCENTS, TR_ITEM_PERCENTS)


def test_google_forms_with_a_student_number_question(tmp_path: Path) -> None:
    # 8/10 = 80 %, 5/10 = 50 %: the "Okul No" answers are not scores.
    path = fixtures.write_csv(tmp_path, "form.csv", [
        ["Zaman damgası", "E-posta Adresi", "Puan", "Adınız Soyadınız", "Okul No", "1. 3/4 kaç?"],
        ["2024/10/01 9:00:00", "a@okul.org", "8 / 10", "Ayşe Yılmaz", "1234", "0,75"],
        ["2024/10/01 9:05:00", "m@okul.org", "5 / 10", "Mehmet Öz", "1301", "0,5"]])
    table = read_results(path)
    assert table.format == "google_forms"
    assert percents(table) == ({"Ayşe Yılmaz": 80.0, "Mehmet Öz": 50.0}, {"Score": 65.0})


def test_a_turkish_school_list_with_merged_titles_a_sube_column_and_a_class_average_row(tmp_path: Path) -> None:
    """The shape the issue describes for Turkish school lists (S.No, Okul No, Adı Soyadı, Şube), as teachers keep
    them: two merged title rows, a Tam Puan row, a blank cell and a class average at the bottom.

    By hand: Ayşe 25+20+15+10 = 70/100 = 70 %; Mehmet 95/100 = 95 %; Elif left S2 blank (missing, not
    zero): 10+5+0 = 15/75 = 20 %. S1 (25+25+10)/75 = 80 %, S2 45/50 = 90 %, S3 45/75 = 60 %, S4 30/75 = 40 %.
    """
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    rows: list[list[object]] = [
        ["T.C. Örnek Ortaokulu"], ["2026-2027 7/A Matematik 1. Yazılı Sonuçları"],
        ["S.No", "Okul No", "Adı Soyadı", "Şube", "S1", "S2", "S3", "S4", "Toplam"],
        [None, None, "Tam Puan", None, 25, 25, 25, 25, 100],
        [1, 1021, "Ayşe Yılmaz", "7/A", 25, 20, 15, 10, 70],
        [2, 1022, "Mehmet Kaya", "7/A", 25, 25, 25, 20, 95],
        [3, 1035, "Elif Şahin", "7/A", 10, None, 5, 0, 15],
        [None, None, "Sınıf Ortalaması", None, 20, 22.5, 15, 10, 60],
    ]
    for row in rows:
        sheet.append(row)
    sheet.merge_cells("A1:I1")
    sheet.merge_cells("A2:I2")
    path = tmp_path / "7A_matematik_1_yazili.xlsx"
    workbook.save(path)
    table = read_results(path)
    assert table.format == "teacher_sheet"
    assert sorted(set(table.results["item"])) == ["S1", "S2", "S3", "S4"]
    assert set(table.results["section"]) == {"7/A"}
    assert percents(table) == ({"Ayşe Yılmaz": 70.0, "Mehmet Kaya": 95.0, "Elif Şahin": 20.0},
                               {"S1": 80.0, "S2": 90.0, "S3": 60.0, "S4": 40.0})
