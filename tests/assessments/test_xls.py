"""Old Excel (.xls, BIFF) workbooks read like the same sheet saved as .xlsx; the .xls files are written by xlwt."""

from __future__ import annotations

import datetime as dt
import io
import json
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
import xlwt
from openpyxl import Workbook

from bot import cli
from bot.assessments import readers
from bot.assessments.readers import ReadProblem, read_results
from tests.assessments.test_readers import problem, rows

E = "assessments_read.errors."


@dataclass(frozen=True)
class Formatted:
    """A cell with an Excel number format ("0%", "yyyy-mm-dd", ...)."""

    value: object
    number_format: str


def xls_bytes(rows: list[list[object]], *, sheets: tuple[str, ...] = ("Sayfa1",)) -> bytes:
    """`rows` as the last sheet of an .xls workbook (the sheets before it are left empty)."""
    workbook = xlwt.Workbook(encoding="utf-8")
    styles: dict[str, object] = {}
    for name in sheets[:-1]:
        workbook.add_sheet(name)
    sheet = workbook.add_sheet(sheets[-1])
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, Formatted):
                style = styles.setdefault(value.number_format, xlwt.easyxf(num_format_str=value.number_format))
                sheet.write(r, c, value.value, style)
            elif value is not None:
                sheet.write(r, c, value)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    """`rows` as the only sheet of an .xlsx workbook, written by openpyxl."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if isinstance(value, Formatted):
                cell = sheet.cell(r, c, value.value)
                cell.number_format = value.number_format
            elif value is not None:
                sheet.cell(r, c, value)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# A teacher-made sheet: a title row, standards in the item headers, a Max points row, a Total column,
# a blank score (Şükrü's Q2), a class-average row, and Turkish names with İ ı ş ğ.
TEACHER_SHEET: list[list[object]] = [
    ["4. Sınıf Kesirler Ortak Sınavı – Grade 4 Fractions"],
    ["Öğrenci", "Şube", "Q1 (4.NF.1)", "Q2 (4.NF.2)", "Q3 (4.NF.2)", "Total"],
    ["Max points", None, 2, 4, 4, 10],
    ["İpek Işık", "4-A", 2, 3, 4, 9],
    ["Şükrü Ağaoğlu", "4-A", 1, None, 2.5, 3.5],
    ["Ilgın Doğan", "4-B", 0, 4, 1, 5],
    [None],
    ["Average", None, 1, 3.5, 2.5, 5.83],
]


def assert_same_table(got: readers.ResultTable, expected: readers.ResultTable) -> None:
    assert got.format == expected.format
    pd.testing.assert_frame_equal(got.results, expected.results)
    assert got.warnings == expected.warnings
    assert got.assessments == expected.assessments


def test_teacher_sheet_reads_like_the_xlsx_and_the_hand_computed_truth(tmp_path: Path) -> None:
    xls = tmp_path / "4A kesirler.xls"
    xls.write_bytes(xls_bytes(TEACHER_SHEET))
    assert xls.read_bytes().startswith(b"\xd0\xcf\x11\xe0")
    table = read_results(xls, teacher="U1")
    assert_same_table(table, read_results(xlsx_bytes(TEACHER_SHEET), filename="4A kesirler.xlsx", teacher="U1"))

    assert table.format == "teacher_sheet"
    assert rows(table) == [
        ("İpek Işık", "Q1", "4.NF.1", 2.0, 2.0, "scored"),
        ("İpek Işık", "Q2", "4.NF.2", 3.0, 4.0, "scored"),
        ("İpek Işık", "Q3", "4.NF.2", 4.0, 4.0, "scored"),
        ("Şükrü Ağaoğlu", "Q1", "4.NF.1", 1.0, 2.0, "scored"),
        ("Şükrü Ağaoğlu", "Q2", "4.NF.2", None, 4.0, "missing"),  # blank: missing, not a zero
        ("Şükrü Ağaoğlu", "Q3", "4.NF.2", 2.5, 4.0, "scored"),
        ("Ilgın Doğan", "Q1", "4.NF.1", 0.0, 2.0, "scored"),
        ("Ilgın Doğan", "Q2", "4.NF.2", 4.0, 4.0, "scored"),
        ("Ilgın Doğan", "Q3", "4.NF.2", 1.0, 4.0, "scored"),
    ]
    assert table.results["section"].tolist()[::3] == ["4-A", "4-A", "4-B"]
    assert set(table.results["teacher"]) == {"U1"}
    assert "Total" not in set(table.results["item"])  # the Total column is not an item
    assert table.warnings == [("assessments_read.warnings.summary_row", {"row": 8})]
    # From bytes, with the upload's file name (as the Slack upload passes it), or with none at all.
    assert_same_table(read_results(xls.read_bytes(), filename="upload.xls", teacher="U1"), table)
    assert_same_table(read_results(xls.read_bytes(), teacher="U1"), table)


def test_cells_come_out_as_openpyxl_gives_them() -> None:
    """Numbers, percents, dates, times, booleans, text and blanks: the same grid from .xls and .xlsx."""
    sheet: list[list[object]] = [
        ["Öğrenci", "whole", "decimal", "percent", "percent 2", "date", "time", "flag", "text number"],
        ["Işıl Şen", 7, 7.5, Formatted(0.85, "0%"), Formatted(0.8525, "0.00%"),
         Formatted(dt.datetime(2024, 10, 1, 9, 2, 11), "yyyy-mm-dd hh:mm:ss"), Formatted(dt.time(12, 30), "hh:mm"),
         True, "007"],
        [None, None, None, None, None, None, None, None, None],
        ["Ğ", -3, 1e-3, Formatted(1, "0%"), Formatted(0, "0%"), Formatted(dt.datetime(1999, 12, 31), "dd.mm.yyyy"),
         None, False, ""],
    ]
    grid = readers.read_grid(xls_bytes(sheet), "cells.xls")
    assert grid[1] == ["Işıl Şen", 7, 7.5, "85%", "85.25%", "2024-10-01 09:02:11", "12:30:00", True, "007"]
    assert grid[3][:8] == ["Ğ", -3, 0.001, "100%", "0%", "1999-12-31 00:00:00", None, False]
    assert type(grid[1][1]) is int and type(grid[1][2]) is float  # 7.0 from BIFF is 7, as in the xlsx
    trimmed = readers._trim(grid)
    assert trimmed == readers._trim(readers.read_grid(xlsx_bytes(sheet), "cells.xlsx"))
    assert trimmed[2] == []  # an empty row stays in place: row numbers are the spreadsheet's


def test_percent_formatted_scores(tmp_path: Path) -> None:
    """A sheet of percents (out of 100): 0.85 shown as 85% is a score of 85, not 0.85."""
    sheet: list[list[object]] = [
        ["Student", "Unit test"],
        ["Max points", 100],
        ["Şeyma Ilıcak", Formatted(0.85, "0%")],
        ["İlker Güç", Formatted(0.625, "0.0%")],
    ]
    table = read_results(xls_bytes(sheet), filename="unit.xls")
    assert rows(table) == [("Şeyma Ilıcak", "Unit test", None, 85.0, 100.0, "scored"),
                           ("İlker Güç", "Unit test", None, 62.5, 100.0, "scored")]
    assert_same_table(table, read_results(xlsx_bytes(sheet), filename="unit.xlsx"))


def test_first_non_empty_sheet_is_read() -> None:
    data = xls_bytes([["Student", "Q1 (2 pts)"], ["Ayşe", 2]], sheets=("Boş", "Notlar"))
    assert readers.read_grid(data, "x.xls") == [["Student", "Q1 (2 pts)"], ["Ayşe", 2]]
    assert readers.read_grid(xls_bytes([[None]]), "x.xls") == []
    assert problem(xls_bytes([[None]]), filename="x.xls").key == E + "empty"


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_truncated_xls_is_a_corrupt_workbook(tmp_path: Path, cut: float) -> None:
    data = xls_bytes(TEACHER_SHEET)
    path = tmp_path / "broken.xls"
    path.write_bytes(data[: int(len(data) * cut)])
    assert problem(path).key == E + "corrupt_workbook"
    assert problem(path.read_bytes()).key == E + "corrupt_workbook"  # the OLE2 header alone says .xls


@pytest.mark.parametrize("data", [
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8,  # an OLE2 header, then garbage
    b"\x09\x08\x10\x00\x00\x06\x05\x00" + b"\xff" * 40,  # a bare BIFF8 BOF record, then garbage
    b"Student\tQ1\nAyse\t1\n",  # a tab-separated text saved under an .xls name
])
def test_bad_xls_is_a_corrupt_workbook(data: bytes) -> None:
    assert problem(data, filename="scores.xls").key == E + "corrupt_workbook"


def test_old_word_document_is_not_a_workbook() -> None:
    """An OLE2 file without a Workbook stream (an old .doc) is unreadable, as a .docx is."""
    data = xls_bytes([["Student", "Q1"]])
    doc = data.replace("Workbook".encode("utf-16-le"), "WordDocu".encode("utf-16-le"))
    assert doc != data
    assert problem(doc, filename="scores.xls").key == E + "unreadable"


def test_corrupt_xls_message_in_both_languages() -> None:
    from bot.i18n import catalog

    for language in ("en", "tr"):
        assert catalog(language).has(E + "corrupt_workbook")
        assert not catalog(language).has(E + "old_excel")


def test_plc_bot_analyze_xls_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    """`plc-bot analyze file.xls --json` through the CLI entry: exit 0, pure JSON on stdout, the right figures."""
    monkeypatch.delenv("PLC_DEFAULT_LANGUAGE", raising=False)
    path = tmp_path / "4A kesirler.xls"
    path.write_bytes(xls_bytes(TEACHER_SHEET))
    code = cli.main(["analyze", str(path), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    data = json.loads(out)  # nothing from xlrd mixed into stdout
    assert data["format"] == "teacher_sheet"
    # İpek 9/10 = 90; Şükrü (1 + 2.5) / (2 + 4) = 58.3 (Q2 blank: missing); Ilgın 5/10 = 50.
    students = {s["name"]: s["percent"] for s in data["students"]}
    assert students == {"İpek Işık": 90.0, "Şükrü Ağaoğlu": 58.3, "Ilgın Doğan": 50.0}
    # 4.NF.1: 3/6 = 50 %; 4.NF.2: (3 + 4 + 2.5 + 4 + 1) / 20 = 72.5 %.
    assert {s["standard"]: s["percent"] for s in data["standards"]} == {"4.NF.1": 50.0, "4.NF.2": 72.5}
    assert {i["item"]: i["percent"] for i in data["items"]} == {"Q1": 50.0, "Q2": 87.5, "Q3": 62.5}
    assert all(not math.isnan(float(s["percent"])) for s in data["students"])


def test_plc_bot_analyze_bad_xls_exits_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("PLC_DEFAULT_LANGUAGE", raising=False)
    path = tmp_path / "broken.xls"
    path.write_bytes(xls_bytes(TEACHER_SHEET)[:1000])
    code = cli.main(["analyze", str(path), "--json"])
    out, err = capsys.readouterr()
    assert (code, out) == (1, "")
    assert "broken.xls looks like an Excel workbook, but it is damaged" in err and "Traceback" not in err


def test_read_problem_is_the_only_exception(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever xlrd raises while reading the cells, the caller sees `corrupt_workbook`."""
    import xlrd

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr(xlrd.sheet.Sheet, "row", broken)
    with pytest.raises(ReadProblem) as caught:
        readers.read_grid(xls_bytes(TEACHER_SHEET), "x.xls")
    assert caught.value.key == E + "corrupt_workbook"
