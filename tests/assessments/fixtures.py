"""Realistic sample exports, written by code into a temporary folder at test time.

Each function takes a folder and returns the path of the file it wrote. The numbers in them are
small enough to check by hand in the tests.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
from openpyxl import Workbook


def _csv(rows: list[list[object]], *, delimiter: str = ",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def write_csv(folder: Path, name: str, rows: list[list[object]], *, delimiter: str = ",",
              encoding: str = "utf-8") -> Path:
    """Write `rows` as a CSV file in `folder`."""
    path = folder / name
    path.write_bytes(_csv(rows, delimiter=delimiter).encode(encoding))
    return path


def write_xlsx(folder: Path, name: str, rows: list[list[object]]) -> Path:
    """Write `rows` as the only sheet of an XLSX workbook in `folder`."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    path = folder / name
    workbook.save(path)
    return path


# Google Forms ---------------------------------------------------------------------------------

FORMS_HEADER = ["Timestamp", "Email Address", "Score", "Student name",
                "What is 3/4 + 1/8?", "Which fraction is greater: 2/3 or 3/5?", "Explain your thinking"]


def google_forms(folder: Path) -> Path:
    """A quiz out of 10; the third student left the name question blank."""
    return write_csv(folder, "Unit 3 Fractions Quiz (Responses).csv", [
        FORMS_HEADER,
        ["2024/10/01 9:02:11 AM GMT+3", "maya.c@school.org", "7 / 10", "Maya Chen", "7/8", "2/3", "I drew a model"],
        ["2024/10/01 9:03:40 AM GMT+3", "leo.p@school.org", "10 / 10", "Leo Park", "7/8", "2/3", "common denominator"],
        ["2024/10/01 9:05:02 AM GMT+3", "sam.o@school.org", "4.5 / 10", "", "5/8", "3/5", ""],
    ])


def google_forms_tr(folder: Path) -> Path:
    """A Turkish Google Forms export: "Zaman damgası", "Puan", "Adınız Soyadınız"."""
    return write_csv(folder, "Kesirler Testi.csv", [
        ["Zaman damgası", "E-posta Adresi", "Puan", "Adınız Soyadınız", "Şubeniz", "1. soru"],
        ["01.10.2024 09:02:11", "a@okul.k12.tr", "8 / 20", "Ayşe Yılmaz", "4-A", "x"],
        ["01.10.2024 09:04:00", "b@okul.k12.tr", "20 / 20", "İbrahim Çağlar", "4-B", "y"],
    ])


# Canvas -----------------------------------------------------------------------------------------

CANVAS_TOTALS = ["Assignments Current Score", "Assignments Final Score", "Current Score",
                 "Unposted Current Score", "Final Score", "Unposted Final Score"]


def canvas(folder: Path, *, two_assignments: bool = False) -> Path:
    """A Canvas gradebook: the test student, a blank (missing) and an EX (excused)."""
    assignments = ["Fractions Quiz (10231)"] + (["Decimals Exit Ticket (10232)"] if two_assignments else [])
    header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *assignments, *CANVAS_TOTALS]
    points = ["    Points Possible", "", "", "", "", "12", *(["5"] if two_assignments else []),
              *(["(read only)"] * len(CANVAS_TOTALS))]
    students = [
        ["Chen, Maya", "1001", "S1001", "mchen", "Math 4 - Period 2", "9", "4"],
        ["Park, Leo", "1002", "S1002", "lpark", "Math 4 - Period 2", "12", "5"],
        ["Student, Test", "1999", "", "", "Math 4 - Period 2", "6", "3"],
        ["Okafor, Sam", "1003", "S1003", "sokafor", "Math 4 - Period 3", "", "2"],
        ["Öztürk, Şule", "1004", "S1004", "sozturk", "Math 4 - Period 3", "EX", ""],
        ["Diaz, Ana", "1005", "S1005", "adiaz", "Math 4 - Period 3", "10.5", "5"],
    ]
    rows = [header, points]
    for student in students:
        cells = student[:6] + (student[6:7] if two_assignments else [])
        rows.append([*cells, "80", "70", "80", "80", "70", "70"])
    return write_csv(folder, "2024-10-02T1012_Grades-MATH_4.csv", rows)


# Teacher-made sheets ----------------------------------------------------------------------------


def teacher_xlsx(folder: Path) -> Path:
    """Two title rows, a Turkish header, a Kazanım row, a Tam Puan row, a Toplam and an Ortalama row."""
    return write_xlsx(folder, "4A_kesirler_ortak_sinav.xlsx", [
        ["4. Sınıf Matematik – Kesirler Ortak Sınavı"],
        ["Ekim 2024", None, None, "Hazırlayan: zümre"],
        ["Öğrenci", "Öğretmen", "Şube", "S1", "S2", "S3", "Toplam"],
        ["Kazanım", None, None, "M.4.1.6.1", "M.4.1.6.2", "M.4.1.6.2", None],
        ["Tam Puan", None, None, 2, 3, 5, 10],
        ["Ayşe Yılmaz", "Elif Hoca", "4-A", 2, 1.5, 5, 8.5],
        ["İbrahim Çağlar", "Elif Hoca", "4-A", 1, None, 4, 5],
        ["Gülşen Öğüt", "Mert Hoca", "4-B", 0, 3, 2.5, 5.5],
        [None, None, None, None, None, None, None],
        ["Ortalama", None, None, 1, 2.25, 3.83, 6.33],
    ])


def teacher_csv_bom(folder: Path) -> Path:
    """UTF-8 with BOM, English, standards in the headers, a Max points row, a Total column."""
    rows = [
        ["Grade 4 Fractions Common Assessment", "", "", "", "", ""],
        ["Student", "Section", "Q1 (4.NF.1)", "Q2 (4.NF.2)", "Q3 (4.NF.2)", "Total"],
        ["Max points", "", "2", "4", "4", "10"],
        ["Maya Chen", "P2", "2", "3", "4", "9"],
        ["Leo Park", "P2", "1", "", "2", "3"],
        ["Sam Okafor", "P3", "0", "3", "1", "4"],
    ]
    path = folder / "fractions.csv"
    path.write_bytes(b"\xef\xbb\xbf" + _csv(rows).encode("utf-8"))
    return path


def turkish_cp1254(folder: Path) -> Path:
    """Windows-1254, `;` separated, decimal commas, Turkish names (Excel's Turkish CSV)."""
    return write_csv(folder, "kesirler.csv", [
        ["Ad Soyad", "Soru 1", "Soru 2", "Toplam"],
        ["Tam Puan", "2", "3,5", "5,5"],
        ["Ayşe Yılmaz", "1,5", "3", "4,5"],
        ["İsmail Şahin", "2", "3,5", "5,5"],
        ["Çağrı Güneş", "0", "", "0"],
    ], delimiter=";", encoding="cp1254")


def binary_sheet(folder: Path) -> Path:
    """A right/wrong sheet with no max row: every score is 0 or 1."""
    return write_csv(folder, "exit_ticket.csv", [
        ["Name", "Item 1", "Item 2", "Item 3"],
        ["Maya Chen", "1", "0", "1"],
        ["Leo Park", "1", "1", ""],
    ])


# Long ------------------------------------------------------------------------------------------


def long_csv(folder: Path) -> Path:
    """A tidy long table with teacher and section."""
    return write_csv(folder, "long.csv", [
        ["Student", "Teacher", "Section", "Item", "Standard", "Score", "Max_Points"],
        ["Maya Chen", "Ms. Rivera", "P2", "Q1", "4.NF.1", "2", "2"],
        ["Maya Chen", "Ms. Rivera", "P2", "Q2", "4.NF.2", "3", "4"],
        ["Leo Park", "Mr. Kim", "P3", "Q1", "4.NF.1", "", "2"],
        ["Leo Park", "Mr. Kim", "P3", "Q2", "4.NF.2", "EX", "4"],
    ])


def long_xlsx_tr(folder: Path) -> Path:
    """A Turkish long table in XLSX: öğrenci, madde, puan, tam_puan, kazanım."""
    return write_xlsx(folder, "uzun.xlsx", [
        ["öğrenci", "madde", "kazanım", "puan", "tam_puan"],
        ["Ayşe Yılmaz", "S1", "M.4.1.6.1", 1.5, 2],
        ["Ayşe Yılmaz", "S2", "M.4.1.6.2", "2,5", 3],
        ["Şule Işık", "S1", "M.4.1.6.1", 2, 2],
    ])


# Problems --------------------------------------------------------------------------------------


def sheet_with(folder: Path, score: str, *, max_points: str = "4", name: str = "bad.csv") -> Path:
    """A small teacher sheet whose fourth row (Leo Park's Q2) holds `score`, with Q2 worth `max_points`."""
    return write_csv(folder, name, [
        ["Student", "Q1 (4.NF.1)", "Q2 (4.NF.2)"],
        ["Max points", "2", max_points],
        ["Maya Chen", "2", "3"],
        ["Leo Park", "1", score],
    ])


def no_max_sheet(folder: Path) -> Path:
    """A teacher sheet with scores above 1 and no max row."""
    return write_csv(folder, "nomax.csv", [
        ["Student", "Q1", "Q2"],
        ["Maya Chen", "2", "3"],
        ["Leo Park", "1", "0"],
    ])


def corrupt_xlsx(folder: Path) -> Path:
    """A real workbook cut in half (as a failed download leaves it)."""
    good = write_xlsx(folder, "whole.xlsx", [["Student", "Q1"], ["Maya", 1]])
    data = good.read_bytes()
    path = folder / "broken.xlsx"
    path.write_bytes(data[: len(data) // 2])
    return path


def plain(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with its categorical columns (as the long fast path gives them) as objects, None for missing."""
    out = frame.copy()
    for name in out.columns:
        if isinstance(out[name].dtype, pd.CategoricalDtype):
            values = out[name].astype(object)
            out[name] = values.where(values.notna(), None).astype(object)
    return out
