"""The shared layer of the results readers: bytes -> a grid of cells, cells -> numbers and scores.

Loading xlsx/xls/csv (decoding, sniffing the separator), the names and labels every format compares
headers with (after `norm`), number/score/max parsing, and the result types. A bad file raises
`ReadProblem`, whose key names a text in `prompts/*/assessments_read.toml`.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from bot.i18n import Problem

K = "assessments_read."
ERR = K + "errors."
WARN = K + "warnings."

RESULT_COLUMNS = ["student", "teacher", "section", "item", "standard", "score", "max_points", "status"]
# Formats that carry each student's chosen answer and the item's key add these two columns (text,
# None where blank or unknown); the misconceptions (the wrong answer most students chose) come from them.
ANSWER_COLUMNS = ["answer", "key"]
HEADER_SEARCH_ROWS = 30
MAX_CELL = 200

Cell = str | float | int | None


class ReadProblem(Problem):
    """A file that cannot be read as results; `key` is a catalog key, `params` its placeholders."""


@dataclass(frozen=True)
class AssessmentColumn:
    """One assessment in a file that holds several (a gradebook column)."""

    title: str
    max_points: float | None


@dataclass
class ResultTable:
    """The results: one row per student and item, with what was noticed on the way."""

    format: str
    results: pd.DataFrame
    warnings: list[tuple[str, dict[str, object]]] = field(default_factory=list)
    assessments: list[AssessmentColumn] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Names and labels (compared after `norm`: lower case, Turkish letters folded to ASCII)

_FOLD = str.maketrans("ıışğüöçâîû", "iisguocaiu")


def norm(text: object) -> str:
    """A header or label folded for comparison: "Öğrenci Adı:" -> "ogrenci adi"."""
    value = unicodedata.normalize("NFKD", str(text if text is not None else "").replace("İ", "i"))
    value = "".join(ch for ch in value if not unicodedata.combining(ch)).lower().translate(_FOLD)
    value = re.sub(r"[_\-/.:*#,;]+", " ", value)
    return re.sub(r"\s+", " ", value).strip()


STUDENT_NAMES = {
    "student", "students", "student name", "student names", "name", "names", "full name", "student full name",
    "name surname", "learner", "pupil", "ogrenci", "ogrenciler", "ogrenci adi", "ogrenci adi soyadi",
    "ogrenci ad soyad", "ogrencinin adi soyadi", "ad soyad", "adi soyadi", "ad soyadi", "isim", "isim soyisim",
    "adiniz soyadiniz", "adiniz", "adi", "ad",
}
TEACHER_NAMES = {"teacher", "teacher name", "instructor", "ogretmen", "ogretmen adi", "ogretmeni", "ogretmeniniz"}
SECTION_NAMES = {"section", "sections", "class", "class section", "period", "homeroom", "sube", "sinif", "sinif sube",
                 "sinifi", "subesi", "sinifiniz", "subeniz"}
TOTAL_NAMES = {"total", "totals", "toplam", "sum", "puan toplami", "toplam puan", "total score", "total points",
               "percent", "percentage", "%", "yuzde", "grade", "final grade", "average", "ortalama", "not",
               "overall", "genel toplam", "basari yuzdesi"}
IGNORED_NAMES = {"id", "student id", "sis id", "sis user id", "email", "email address", "e mail", "e posta",
                 "e posta adresi", "no", "number", "ogrenci no", "okul no", "numara", "sira", "sira no",
                 "comment", "comments", "note", "notes", "aciklama", "gender", "cinsiyet", "date", "tarih",
                 "username", "user name", "timestamp", "zaman damgasi"}
STANDARD_LABELS = {"standard", "standards", "standart", "standartlar", "kazanim", "kazanimlar", "learning target",
                   "learning targets", "target", "objective", "skill", "ogrenme ciktisi", "standard code"}
MAX_LABELS = {"max points", "max point", "max", "maximum", "maximum points", "max score", "points possible",
              "possible points", "possible", "out of", "tam puan", "tam puani", "en yuksek puan", "maksimum puan",
              "maks puan", "soru puani", "puan degeri", "points"}
# Identifier columns (row numbers, student and school numbers, ids) are never questions: "S.No",
# "Sıra No", "No", "Okul No", "Öğrenci No", "Öğr. No", "Student ID", "ID", "#", "Row", "Nr."...
_ID_RE = re.compile(r"^(?:(?:s|sr|sl|sira|ogrenci|ogr|okul|student|pupil|school|row|serial|roll|sis|sis user|user|"
                    r"kayit|e okul|tc|tc kimlik)\s?)?(?:no|nr|num|number|numara|numarasi|id|kimlik no)$"
                    r"|^(?:row|sira|s n|satir|tc kimlik)$")


def is_identifier(header: Cell) -> bool:
    """Whether a header names an identifier column; a header of punctuation only ("#", "№") is one."""
    key = norm(header)
    return bool(text(header)) and (not key.strip("№ ") or bool(_ID_RE.match(key)))


SUMMARY_LABELS = {"average", "class average", "mean", "median", "ortalama", "sinif ortalamasi", "total", "toplam",
                  "genel ortalama", "min", "minimum", "en dusuk", "std", "standard deviation"}

EXCUSED = {"ex", "excused", "muaf", "mazeretli"}
BLANK = {"", "-", "–", "—", "n/a", "na"}

_NUMBER_RE = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)$")


# ---------------------------------------------------------------------------------------------
# Cells and numbers


def text(value: Cell) -> str:
    """A cell as the teacher sees it: numbers without a needless ".0", text stripped."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).replace("\u00a0", " ").strip()


def shown(number: float) -> float | int:
    """A number as a placeholder shows it: 10 rather than 10.0."""
    return int(number) if float(number).is_integer() else number


def parse_number(value: Cell) -> float | None:
    """The number in a cell ("7,5", "85%", " 12 " count), None for blank; ValueError for text."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        if isinstance(value, float) and math.isnan(value):
            return None
        return float(value)
    raw = text(value).replace("\u2212", "-").replace(" ", "").replace("\u202f", "")
    if raw == "":
        return None
    if raw.endswith("%"):
        raw = raw[:-1]
    if "," in raw and "." in raw:  # 1.234,5 or 1,234.5: the last one is the decimal mark
        raw = raw.replace(".", "").replace(",", ".") if raw.rfind(",") > raw.rfind(".") else raw.replace(",", "")
    if not _NUMBER_RE.match(raw):
        raise ValueError(value)
    return float(raw.replace(",", "."))


@dataclass(frozen=True)
class Score:
    """One parsed score cell."""

    value: float
    status: str


def parse_score(value: Cell, *, row: int, column: str, max_points: float | None) -> Score:
    """A score cell checked against its max; blank is missing, "EX" excused."""
    raw = text(value)
    if norm(raw) in EXCUSED:
        return Score(math.nan, "excused")
    if raw.lower() in BLANK:
        return Score(math.nan, "missing")
    try:
        number = parse_number(value)
    except ValueError:
        raise ReadProblem(ERR + "not_a_number", {"row": row, "column": column, "value": raw[:MAX_CELL]}) from None
    if number is None:
        return Score(math.nan, "missing")
    if not math.isfinite(number):
        raise ReadProblem(ERR + "not_a_number", {"row": row, "column": column, "value": raw[:MAX_CELL]})
    if number < 0:
        raise ReadProblem(ERR + "negative", {"row": row, "column": column, "value": raw[:MAX_CELL]})
    if max_points is not None and number > max_points + 1e-9:
        raise ReadProblem(ERR + "above_max",
                          {"row": row, "column": column, "value": raw[:MAX_CELL], "max": shown(max_points)})
    return Score(number, "scored")


def parse_max(value: Cell, *, row: int, column: str) -> float:
    """A max-points cell: a positive number, else `bad_max`."""
    raw = text(value)
    try:
        number = parse_number(value)
    except ValueError:
        number = None
    if number is None or not math.isfinite(number) or number <= 0:
        raise ReadProblem(ERR + "bad_max", {"row": row, "column": column, "value": raw[:MAX_CELL]})
    return number


# ---------------------------------------------------------------------------------------------
# Bytes -> grid of cells (row 1 of the grid is row 1 of the spreadsheet)


def _load(source: str | Path | bytes) -> bytes:
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source)
    try:
        return Path(source).read_bytes()
    except OSError:
        raise ReadProblem(ERR + "unreadable", {}) from None


def _xlsx_grid(data: bytes, sheet: str | None = None) -> list[list[Cell]]:
    """The cells of the sheet called `sheet`, or of the first sheet with any text in it."""
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" not in names:
                if "word/document.xml" in names or "ppt/presentation.xml" in names or "content.xml" in names:
                    raise ReadProblem(ERR + "unreadable", {})
                raise ReadProblem(ERR + "corrupt_workbook", {})
            if archive.testzip() is not None:
                raise ReadProblem(ERR + "corrupt_workbook", {})
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ReadProblem:
        raise
    except Exception:
        raise ReadProblem(ERR + "corrupt_workbook", {}) from None
    try:
        sheets = [workbook[sheet]] if sheet is not None else workbook.worksheets
        return _first_filled([[_xlsx_cell(cell) for cell in cells] for cells in ws.iter_rows()] for ws in sheets)
    except Exception:
        raise ReadProblem(ERR + "corrupt_workbook", {}) from None
    finally:
        workbook.close()


def _xlsx_cell(cell: Any) -> Cell:
    """An openpyxl cell as text, number or bool; a number shown as a percentage becomes "85%"."""
    value = getattr(cell, "value", None)
    fmt = getattr(cell, "number_format", "") or ""
    if isinstance(value, int | float) and not isinstance(value, bool) and "%" in fmt:
        return f"{shown(round(float(value) * 100, 9))}%"
    if value is not None and not isinstance(value, str | int | float):
        return str(value)
    return value


def sheet_names(data: bytes) -> list[str]:
    """The names of an XLSX workbook's sheets, in order, from its workbook part only; [] for other files."""
    from openpyxl.xml.functions import fromstring  # defusedxml's parser when it is installed

    if not data.startswith(b"PK"):
        return []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            root = fromstring(archive.read("xl/workbook.xml"))
    except Exception:
        return []
    return [str(node.get("name")) for node in root.iter() if str(node.tag).endswith("}sheet")]


def _first_filled(sheets: Iterable[list[list[Cell]]]) -> list[list[Cell]]:
    """The first sheet with any text in it (sheets are read one at a time), or no rows."""
    for grid in sheets:
        if any(text(c) for row in grid for c in row):
            return grid
    return []


def _xls_grid(data: bytes) -> list[list[Cell]]:
    """The first non-empty sheet of an old Excel (.xls, BIFF) workbook, cells as `_xlsx_grid` gives them."""
    import datetime as dt

    import xlrd

    try:
        # xlrd prints its warnings to stdout unless told otherwise: keep them out of `analyze --json`.
        workbook = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True,
                                      logfile=io.StringIO(), verbosity=0)
    except xlrd.XLRDError as error:
        if "find workbook in OLE2" in str(error):  # an old Word or PowerPoint file, not a workbook
            raise ReadProblem(ERR + "unreadable", {}) from None
        raise ReadProblem(ERR + "corrupt_workbook", {}) from None
    except Exception:
        raise ReadProblem(ERR + "corrupt_workbook", {}) from None
    def cell(sheet: Any, r: int, c: int, kind: int, value: Any) -> Cell:
        if kind == xlrd.XL_CELL_NUMBER:
            fmt = workbook.format_map.get(workbook.xf_list[sheet.cell_xf_index(r, c)].format_key)
            if fmt is not None and "%" in (fmt.format_str or ""):
                return f"{shown(round(float(value) * 100, 9))}%"
            return shown(float(value))
        if kind == xlrd.XL_CELL_DATE:
            try:  # as openpyxl: a time of day below 1, else a date and time
                y, mo, d, h, mi, sec = xlrd.xldate_as_tuple(value, workbook.datemode)
                return str(dt.time(h, mi, sec) if (y, mo, d) == (0, 0, 0) else dt.datetime(y, mo, d, h, mi, sec))
            except xlrd.xldate.XLDateError:
                return shown(float(value))
        if kind == xlrd.XL_CELL_BOOLEAN:
            return bool(value)
        if kind == xlrd.XL_CELL_ERROR:
            return xlrd.error_text_from_code.get(value, "#N/A")
        if kind == xlrd.XL_CELL_TEXT:
            return value if value != "" else None
        return None  # empty or blank (formatted but empty)

    try:
        sheets = (workbook.sheet_by_index(index) for index in range(workbook.nsheets))
        return _first_filled([[cell(sheet, r, c, item.ctype, item.value) for c, item in enumerate(sheet.row(r))]
                              for r in range(sheet.nrows)] for sheet in sheets)
    except Exception:
        raise ReadProblem(ERR + "corrupt_workbook", {}) from None
    finally:
        workbook.release_resources()


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ReadProblem(ERR + "unreadable", {}) from None
    if b"\x00" in data[:4096]:
        raise ReadProblem(ERR + "unreadable", {})
    try:
        decoded = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            decoded = data.decode("cp1254")
        except UnicodeDecodeError:
            raise ReadProblem(ERR + "unreadable", {}) from None
    sample = decoded[:8192]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\f")
    if sample and controls > max(2, len(sample) // 100):
        raise ReadProblem(ERR + "unreadable", {})
    return decoded


def _sniff(content: str) -> str:
    lines = [line for line in content.splitlines()[:50] if line.strip()]
    best, best_score = ",", (-1, 0)
    for sep in (",", ";", "\t", "|"):
        counts = [len(row) for row in csv.reader(lines, delimiter=sep)]
        if not counts or max(counts) < 2:
            continue
        common = max(set(counts), key=counts.count)
        score = (counts.count(common) if common > 1 else 0, common)
        if score > best_score:
            best, best_score = sep, score
    return best


def _text_grid(data: bytes) -> list[list[Cell]]:
    content = _decode(data)
    if not content.strip():
        return []
    sep = _sniff(content)
    try:
        return [list(row) for row in csv.reader(io.StringIO(content, newline=""), delimiter=sep)]
    except csv.Error:
        raise ReadProblem(ERR + "unreadable", {}) from None


def read_grid(data: bytes, filename: str | None = None, *, sheet: str | None = None) -> list[list[Cell]]:
    """The cells of the file's first non-empty sheet (or of the CSV), raw; `sheet` names another XLSX sheet."""
    suffix = Path(filename).suffix.lower() if filename else ""
    if not data.strip():
        raise ReadProblem(ERR + "empty", {})
    if data.startswith(b"\xd0\xcf\x11\xe0") or (suffix == ".xls" and not data.startswith(b"PK")):
        return _xls_grid(data)
    if data.startswith(b"PK"):
        return _xlsx_grid(data, sheet)
    if suffix in {".xlsx", ".xlsm"}:
        raise ReadProblem(ERR + "corrupt_workbook", {})
    if data.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z")):
        raise ReadProblem(ERR + "unreadable", {})
    return _text_grid(data)


# ---------------------------------------------------------------------------------------------
# Helpers on the grid


def _cell(row: Sequence[Cell], index: int) -> Cell:
    return row[index] if index < len(row) else None


def _filled(row: Sequence[Cell]) -> list[int]:
    return [i for i, value in enumerate(row) if text(value)]


def _find(headers: Sequence[str], names: set[str]) -> int | None:
    for index, header in enumerate(headers):
        if norm(header) in names:
            return index
    return None


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The long results table of `rows` (from `_result`); the answer columns only when a row has them."""
    columns = RESULT_COLUMNS + (ANSWER_COLUMNS if any("answer" in row for row in rows) else [])
    data: dict[str, Any] = {}
    for name in columns:
        values = [row.get(name) for row in rows]
        if name in {"score", "max_points"}:
            data[name] = pd.Series(values, dtype="float64")
        else:
            data[name] = pd.Series(values, dtype=object)
    return pd.DataFrame(data, columns=columns)


def _result(student: str, teacher: str | None, section: str | None, item: str, standard: str | None,
            score: Score, max_points: float, *, answer: str | None = None, key: str | None = None,
            ) -> dict[str, Any]:
    """One result row; `answer` and `key` (the chosen and the correct answer) only when the format has them."""
    row = {"student": student, "teacher": teacher, "section": section, "item": item, "standard": standard,
           "score": score.value, "max_points": max_points, "status": score.status}
    if answer is not None or key is not None:
        row.update(answer=answer, key=key)
    return row


def choose_column(titles: list[str], headers: list[str], column: str | None) -> int:
    """Index into `titles` of the assessment the user asked for (or the only one) in a file with several.

    `headers` are the columns' full headers (matched too, and in part); shared by the gradebook formats.
    """
    if column is None:
        if len(titles) == 1:
            return 0
        raise ReadProblem(ERR + "choose_column", {"columns": list(titles), "column_list": ", ".join(titles)})
    wanted = column.strip().casefold()
    exact = [i for i, t in enumerate(titles) if wanted in {t.casefold(), headers[i].casefold()}]
    if len(exact) == 1:
        return exact[0]
    partial = [i for i, t in enumerate(titles) if wanted and wanted in headers[i].casefold()]
    if len(partial) == 1 and not exact:
        return partial[0]
    if len(exact) > 1 or len(partial) > 1:
        options = [titles[i] for i in (exact or partial)]
        raise ReadProblem(ERR + "choose_column", {"columns": options, "column_list": ", ".join(options)})
    raise ReadProblem(ERR + "unknown_column",
                      {"column": column, "columns": list(titles), "column_list": ", ".join(titles)})


def _or_none(value: Cell) -> str | None:
    return text(value) or None


def _no_students(results: list[dict[str, Any]]) -> None:
    if not results:
        raise ReadProblem(ERR + "no_students", {})


def _binary(values: Iterable[Cell]) -> bool:
    seen = False
    for value in values:
        raw = text(value)
        if raw.lower() in BLANK or norm(raw) in EXCUSED:
            continue
        try:
            number = parse_number(value)
        except ValueError:
            return False
        if number not in (0.0, 1.0, None):
            return False
        seen = True
    return seen


def _trim(grid: list[list[Cell]]) -> list[list[Cell]]:
    """Rows without trailing empty cells; strings stripped."""
    trimmed: list[list[Cell]] = []
    for row in grid:
        cells = [c.strip() if isinstance(c, str) else c for c in row]
        while cells and not text(cells[-1]):
            cells.pop()
        trimmed.append(cells)
    return trimmed
