"""Reading common-assessment exports (CSV/XLSX) into one long results table.

Formats: Google Forms quiz responses, a Canvas gradebook, a teacher-made wide sheet (one column
per item) and a tidy long table (one row per student and item). The format is found from the
content. A bad file raises `ReadProblem`, whose key names a text in `prompts/*/assessments_read.toml`;
no other exception leaves `read_results`. Nothing is added to what the export gave.
"""

from __future__ import annotations

import codecs
import contextlib
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

K = "assessments_read."
ERR = K + "errors."
WARN = K + "warnings."

FORMATS = ("google_forms", "canvas", "teacher_sheet", "long")
RESULT_COLUMNS = ["student", "teacher", "section", "item", "standard", "score", "max_points", "status"]
HEADER_SEARCH_ROWS = 30
MAX_CELL = 200

Cell = str | float | int | None


@dataclass(frozen=True)
class ReadProblem(Exception):
    """A file that cannot be read as results; `key` is a catalog key, `params` its placeholders."""

    key: str
    params: dict[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.key} {self.params}"


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
SUMMARY_LABELS = {"average", "class average", "mean", "median", "ortalama", "sinif ortalamasi", "total", "toplam",
                  "genel ortalama", "min", "minimum", "en dusuk", "std", "standard deviation"}

LONG_STUDENT = STUDENT_NAMES | {"student id", "ogrenci no"}
LONG_ITEM = {"item", "item name", "question", "question number", "item number", "soru", "soru no", "madde",
             "madde no", "task"}
LONG_SCORE = {"score", "scores", "points", "points earned", "earned", "score earned", "puan", "alinan puan",
              "raw score", "mark", "marks"}
LONG_MAX = {"max", "max points", "max point", "points possible", "possible", "possible points", "out of",
            "max score", "maximum", "maximum points", "tam puan", "tam puani", "en yuksek puan", "maksimum puan"}
LONG_STANDARD = STANDARD_LABELS
LONG_TEACHER = TEACHER_NAMES
LONG_SECTION = SECTION_NAMES

FORMS_TIMESTAMP = {"timestamp", "zaman damgasi", "marca temporal", "horodateur"}
FORMS_EMAIL = {"email address", "e posta adresi", "email", "e posta"}
FORMS_SCORE = {"score", "puan", "skor", "total score"}

EXCUSED = {"ex", "excused", "muaf", "mazeretli"}
BLANK = {"", "-", "–", "—", "n/a", "na"}

_FORMS_SCORE_RE = re.compile(r"^\s*(-?[\d.,]+)\s*/\s*([\d.,]+)\s*$")
_FORMS_NAME_RE = re.compile(r"\bname\b|\bad soyad|\badiniz\b|\bisim\b|ogrenci adi|\badi soyadi")
_CANVAS_ITEM_RE = re.compile(r"^(.*\S)\s*\((\d+)\)\s*$")
_PAREN_RE = re.compile(r"^(.*?\S)\s*[(\[]\s*([^()\[\]]*?\S)\s*[)\]]\s*$")
_POINTS_RE = re.compile(r"^(?:/\s*|out of\s*)?(\d+(?:[.,]\d+)?)\s*(?:pts?|points?|puan|p)\.?$|^/\s*(\d+(?:[.,]\d+)?)$",
                        re.IGNORECASE)
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


def _xlsx_grid(data: bytes) -> list[list[Cell]]:
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
        return _first_filled([[_xlsx_cell(cell) for cell in cells] for cells in sheet.iter_rows()]
                             for sheet in workbook.worksheets)
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


def read_grid(data: bytes, filename: str | None = None) -> list[list[Cell]]:
    """The cells of the file's first non-empty sheet (or of the CSV), raw."""
    suffix = Path(filename).suffix.lower() if filename else ""
    if not data.strip():
        raise ReadProblem(ERR + "empty", {})
    if data.startswith(b"\xd0\xcf\x11\xe0") or (suffix == ".xls" and not data.startswith(b"PK")):
        return _xls_grid(data)
    if data.startswith(b"PK"):
        return _xlsx_grid(data)
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
    data: dict[str, Any] = {}
    for name in RESULT_COLUMNS:
        values = [row[name] for row in rows]
        if name in {"score", "max_points"}:
            data[name] = pd.Series(values, dtype="float64")
        else:
            data[name] = pd.Series(values, dtype=object)
    return pd.DataFrame(data, columns=RESULT_COLUMNS)


def _result(student: str, teacher: str | None, section: str | None, item: str, standard: str | None,
            score: Score, max_points: float) -> dict[str, Any]:
    return {"student": student, "teacher": teacher, "section": section, "item": item, "standard": standard,
            "score": score.value, "max_points": max_points, "status": score.status}


def _or_none(value: Cell) -> str | None:
    return text(value) or None


def _no_students(results: list[dict[str, Any]]) -> None:
    if not results:
        raise ReadProblem(ERR + "no_students", {})


# ---------------------------------------------------------------------------------------------
# Google Forms


def _is_forms(headers: list[str], grid: list[list[Cell]]) -> int | None:
    score = _find(headers, FORMS_SCORE)
    if score is None:
        return None
    values = [text(_cell(row, score)) for row in grid[1:] if text(_cell(row, score))]
    if values and all(_FORMS_SCORE_RE.match(v) for v in values):
        return score
    return None


def _forms_name_column(headers: list[str], skip: set[int]) -> int | None:
    for index, header in enumerate(headers):
        key = norm(header)
        if index in skip or not key:
            continue
        named = key in STUDENT_NAMES or _FORMS_NAME_RE.search(key)
        if named and key not in FORMS_EMAIL and not any(w in key for w in ("user", "teacher", "ogretmen")):
            return index
    return None


def _read_forms(grid: list[list[Cell]], score_col: int, teacher: str | None) -> ResultTable:
    headers = [text(c) for c in grid[0]]
    email = _find(headers, FORMS_EMAIL)
    skip = {score_col} | ({email} if email is not None else set())
    name = _forms_name_column(headers, skip)
    teacher_col = _find(headers, TEACHER_NAMES)
    section_col = _find(headers, SECTION_NAMES)
    if name is None and email is None:
        raise ReadProblem(ERR + "no_student_column", {})
    column = headers[score_col]
    results: list[dict[str, Any]] = []
    warnings: list[tuple[str, dict[str, object]]] = []
    seen: dict[str, int] = {}
    for index, row in enumerate(grid[1:], start=2):
        if not _filled(row):
            continue
        student = text(_cell(row, name)) if name is not None else ""
        if not student and email is not None:
            student = text(_cell(row, email))
        if not student:
            warnings.append((WARN + "row_without_name", {"row": index}))
            continue
        raw = text(_cell(row, score_col))
        match = _FORMS_SCORE_RE.match(raw)
        if match:
            max_points = parse_max(match.group(2), row=index, column=column)
            score = parse_score(match.group(1), row=index, column=column, max_points=max_points)
        elif raw.lower() in BLANK:
            raise ReadProblem(ERR + "forms_no_score", {"row": index, "column": column})
        else:
            raise ReadProblem(ERR + "not_a_number", {"row": index, "column": column, "value": raw[:MAX_CELL]})
        key = student.casefold()
        if key in seen:
            warnings.append((WARN + "duplicate_student", {"row": index, "first_row": seen[key]}))
        else:
            seen[key] = index
        who = _or_none(_cell(row, teacher_col)) if teacher_col is not None else teacher
        section = _or_none(_cell(row, section_col)) if section_col is not None else None
        results.append(_result(student, who, section, "Score", None, score, max_points))
    _no_students(results)
    return ResultTable("google_forms", _frame(results), warnings, [])


# ---------------------------------------------------------------------------------------------
# Canvas gradebook


def _is_canvas(headers: list[str]) -> bool:
    keys = [norm(h) for h in headers]
    return bool(keys) and keys[0] == "student" and "id" in keys and (
        "sis user id" in keys or "sis login id" in keys or "section" in keys)


def _choose(titles: list[str], headers: list[str], column: str | None) -> int:
    """Index into `titles` of the assignment the user asked for (or the only one)."""
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


def _read_canvas(grid: list[list[Cell]], column: str | None, teacher: str | None) -> ResultTable:
    headers = [text(c) for c in grid[0]]
    section_col = _find(headers, {"section"})
    assignment_cols = [i for i, h in enumerate(headers) if i > 0 and _CANVAS_ITEM_RE.match(h)]
    if not assignment_cols:
        raise ReadProblem(ERR + "unknown_layout", {})
    points_row: int | None = None
    for index in range(1, min(len(grid), 4)):
        if norm(_cell(grid[index], 0)) == "points possible":
            points_row = index
            break
    raw_titles = [_CANVAS_ITEM_RE.match(headers[i]).group(1) for i in assignment_cols]  # type: ignore[union-attr]
    titles = [t if raw_titles.count(t) == 1 else headers[i] for t, i in zip(raw_titles, assignment_cols, strict=True)]
    maxima: list[float | None] = []
    for col in assignment_cols:
        value = _cell(grid[points_row], col) if points_row is not None else None
        try:
            number = parse_number(value)
        except ValueError:
            number = None
        maxima.append(number if number is not None and number > 0 else None)
    assessments = [AssessmentColumn(t, m) for t, m in zip(titles, maxima, strict=True)]
    chosen = _choose(titles, [headers[i] for i in assignment_cols], column)
    col, title = assignment_cols[chosen], titles[chosen]
    if points_row is None:
        raise ReadProblem(ERR + "no_max", {"column": headers[col]})
    max_points = parse_max(_cell(grid[points_row], col), row=points_row + 1, column=headers[col])
    results: list[dict[str, Any]] = []
    warnings: list[tuple[str, dict[str, object]]] = []
    for index in range(1, len(grid)):
        row = grid[index]
        if index == points_row or not _filled(row):
            continue
        student = text(_cell(row, 0))
        key = norm(student)
        if key in {"points possible", "manual posting"} or (not student and index < 4):
            continue
        if key in {"student test", "test student", "ogrenci test", "test ogrenci"}:
            warnings.append((WARN + "test_student", {"row": index + 1}))
            continue
        if not student:
            warnings.append((WARN + "row_without_name", {"row": index + 1}))
            continue
        score = parse_score(_cell(row, col), row=index + 1, column=headers[col], max_points=max_points)
        section = _or_none(_cell(row, section_col)) if section_col is not None else None
        results.append(_result(student, teacher, section, title, None, score, max_points))
    _no_students(results)
    return ResultTable("canvas", _frame(results), warnings, assessments)


# ---------------------------------------------------------------------------------------------
# Tidy long table


def _long_columns(headers: list[str]) -> dict[str, int] | None:
    found = {name: _find(headers, names) for name, names in (
        ("student", LONG_STUDENT), ("item", LONG_ITEM), ("score", LONG_SCORE), ("max", LONG_MAX),
        ("standard", LONG_STANDARD), ("teacher", LONG_TEACHER), ("section", LONG_SECTION))}
    if found["student"] is None or found["item"] is None or found["score"] is None:
        return None
    return {name: index for name, index in found.items() if index is not None}


def _read_long(grid: list[list[Cell]], start: int, cols: dict[str, int], teacher: str | None) -> ResultTable:
    headers = [text(c) for c in grid[start]]
    score_title = headers[cols["score"]]
    max_title = headers[cols["max"]] if "max" in cols else ""
    rows: list[tuple[int, str, str, Cell, float | None, list[Cell]]] = []
    warnings: list[tuple[str, dict[str, object]]] = []
    for index in range(start + 1, len(grid)):
        row = grid[index]
        if not _filled(row):
            continue
        student, item = text(_cell(row, cols["student"])), text(_cell(row, cols["item"]))
        if not student:
            warnings.append((WARN + "row_without_name", {"row": index + 1}))
            continue
        if not item:
            raise ReadProblem(ERR + "no_item", {"row": index + 1, "column": headers[cols["item"]]})
        max_points = parse_max(_cell(row, cols["max"]), row=index + 1, column=max_title) if "max" in cols else None
        rows.append((index + 1, student, item, _cell(row, cols["score"]), max_points, row))
    if "max" not in cols:
        if not _binary(r[3] for r in rows):
            raise ReadProblem(ERR + "no_max", {"column": score_title})
        warnings.append((WARN + "assumed_binary", {"column": score_title}))
    results: list[dict[str, Any]] = []
    for number, student, item, value, max_points, row in rows:
        maximum = max_points if max_points is not None else 1.0
        score = parse_score(value, row=number, column=score_title, max_points=maximum)
        who = _or_none(_cell(row, cols["teacher"])) if "teacher" in cols else teacher
        section = _or_none(_cell(row, cols["section"])) if "section" in cols else None
        standard = _or_none(_cell(row, cols["standard"])) if "standard" in cols else None
        results.append(_result(student, who, section, item, standard, score, maximum))
    _no_students(results)
    return ResultTable("long", _frame(results), warnings, [])


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


# ---------------------------------------------------------------------------------------------
# Teacher-made wide sheet


def _is_student_header(value: Cell) -> bool:
    return norm(value) in STUDENT_NAMES


def _find_header(grid: list[list[Cell]]) -> tuple[int, int] | None:
    """(row index, student column) of the first row with a student-name header and another cell."""
    for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        filled = _filled(row)
        if len(filled) < 2:
            continue
        for col in filled:
            if _is_student_header(row[col]):
                return index, col
    return None


def _label(row: Sequence[Cell], item_cols: set[int]) -> str:
    """The label of a row: its first non-empty cell outside the item columns."""
    for index in _filled(row):
        if index not in item_cols:
            return norm(row[index])
        return ""
    return ""


def _split_header(header: str) -> tuple[str, str | None, str | None]:
    """"Q3 (4.NF.1)" -> ("Q3", "4.NF.1", None); "Q3 (2 pts)" -> ("Q3", None, "2")."""
    match = _PAREN_RE.match(header)
    if not match:
        return header, None, None
    inner = match.group(2)
    points = _POINTS_RE.match(inner)
    if points:
        return match.group(1), None, points.group(1) or points.group(2)
    return match.group(1), inner, None


def _read_sheet(grid: list[list[Cell]], start: int, student_col: int, teacher: str | None) -> ResultTable:
    headers = [text(c) for c in grid[start]]
    teacher_col = _find(headers, TEACHER_NAMES)
    section_col = _find(headers, SECTION_NAMES)
    roles = {student_col} | {c for c in (teacher_col, section_col) if c is not None}
    candidates = [i for i, h in enumerate(headers)
                  if i not in roles and h and norm(h) not in IGNORED_NAMES and not _is_student_header(h)]
    totals = [i for i in candidates
              if norm(headers[i]) in TOTAL_NAMES or norm(headers[i]).startswith(("total ", "toplam "))]
    items = [i for i in candidates if i not in totals] or totals[:1]
    if not items:
        raise ReadProblem(ERR + "unknown_layout", {})
    item_set = set(items)

    standards: dict[int, str | None] = {}
    header_max: dict[int, str] = {}
    names: dict[int, str] = {}
    for col in items:
        name, standard, points = _split_header(headers[col])
        names[col], standards[col] = name, standard
        if points is not None:
            header_max[col] = points
    if len(set(names.values())) < len(names):  # two columns would become one item: keep the headers
        names = {col: headers[col] for col in items}

    max_row: int | None = None
    standard_row: int | None = None
    data_rows: list[int] = []
    warnings: list[tuple[str, dict[str, object]]] = []
    for index in range(start + 1, len(grid)):
        row = grid[index]
        if not _filled(row):
            continue
        label = _label(row, item_set)
        meta = not data_rows or " " in label  # a student called "Max" is not the max row
        if label in MAX_LABELS and max_row is None and meta:
            max_row = index
        elif label in STANDARD_LABELS and standard_row is None and meta:
            standard_row = index
        elif label in SUMMARY_LABELS or (label and not text(_cell(row, student_col))
                                         and label in SUMMARY_LABELS | MAX_LABELS | STANDARD_LABELS):
            warnings.append((WARN + "summary_row", {"row": index + 1}))
        elif not text(_cell(row, student_col)):
            if any(text(_cell(row, c)) for c in items):
                warnings.append((WARN + "row_without_name", {"row": index + 1}))
        else:
            data_rows.append(index)
    # A max row may also sit above the header (under the title rows).
    if max_row is None:
        for index in range(start):
            if _label(grid[index], item_set) in MAX_LABELS:
                max_row = index
                break
    if standard_row is not None:
        for col in items:
            value = _or_none(_cell(grid[standard_row], col))
            if value is not None:
                standards[col] = value

    # Columns with nothing in them (not even a max) are not items.
    items = [c for c in items if c in header_max or any(text(_cell(grid[r], c)) for r in data_rows)
             or (max_row is not None and text(_cell(grid[max_row], c)))]
    if not items:
        raise ReadProblem(ERR + "unknown_layout", {})

    maxima: dict[int, float] = {}
    for col in items:
        if max_row is not None and text(_cell(grid[max_row], col)):
            maxima[col] = parse_max(_cell(grid[max_row], col), row=max_row + 1, column=headers[col])
        elif col in header_max:
            maxima[col] = parse_max(header_max[col], row=start + 1, column=headers[col])
        elif max_row is not None:
            raise ReadProblem(ERR + "bad_max", {"row": max_row + 1, "column": headers[col], "value": ""})
    missing_max = [c for c in items if c not in maxima]
    for col in missing_max:
        if not _binary(_cell(grid[r], col) for r in data_rows):
            raise ReadProblem(ERR + "no_max", {"column": headers[col]})
    if missing_max:
        for col in missing_max:
            maxima[col] = 1.0
        warnings.append((WARN + "assumed_binary", {"column": ", ".join(headers[c] for c in missing_max)}))

    results: list[dict[str, Any]] = []
    for index in data_rows:
        row = grid[index]
        student = text(_cell(row, student_col))
        who = _or_none(_cell(row, teacher_col)) if teacher_col is not None else teacher
        section = _or_none(_cell(row, section_col)) if section_col is not None else None
        for col in items:
            score = parse_score(_cell(row, col), row=index + 1, column=headers[col], max_points=maxima[col])
            results.append(_result(student, who, section, names[col], standards[col], score, maxima[col]))
    _no_students(results)
    return ResultTable("teacher_sheet", _frame(results), warnings, [])


# ---------------------------------------------------------------------------------------------
# Entry point


def _trim(grid: list[list[Cell]]) -> list[list[Cell]]:
    """Rows without trailing empty cells; strings stripped."""
    trimmed: list[list[Cell]] = []
    for row in grid:
        cells = [c.strip() if isinstance(c, str) else c for c in row]
        while cells and not text(cells[-1]):
            cells.pop()
        trimmed.append(cells)
    return trimmed


def read_table(grid: list[list[Cell]], *, column: str | None = None, teacher: str | None = None) -> ResultTable:
    """The results in a grid of cells (see `read_results`)."""
    grid = _trim(grid)
    while grid and not grid[-1]:
        grid.pop()
    first = next((i for i, row in enumerate(grid) if row), None)
    if first is None:
        raise ReadProblem(ERR + "empty", {})
    if first == 0:
        headers = [text(c) for c in grid[0]]
        if _is_canvas(headers):
            return _read_canvas(grid, column, teacher)
        score_col = _is_forms(headers, grid)
        if score_col is not None:
            return _read_forms(grid, score_col, teacher)
    for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        if len(_filled(row)) >= 3:
            cols = _long_columns([text(c) for c in row])
            if cols is not None:
                return _read_long(grid, index, cols, teacher)
    found = _find_header(grid)
    if found is None:
        if len([r for r in grid if r]) <= 1:
            raise ReadProblem(ERR + "empty", {})
        raise ReadProblem(ERR + "unknown_layout", {})
    start, student_col = found
    if not any(_filled(r) for r in grid[start + 1:]):
        raise ReadProblem(ERR + "no_students", {})
    return _read_sheet(grid, start, student_col, teacher)


# ---------------------------------------------------------------------------------------------
# Tidy long text file: vectorised fast path
#
# The same detection as `read_table` on the first rows; then `pd.read_csv` with every column as a
# category, so each distinct cell is cleaned and parsed once, by the same helpers as the slow path,
# and rows only carry integer codes. Anything this path is not sure of returns None: the slow path
# reads the file then (and gives the same answer, only slower). A big file is never held as text:
# the detection reads the start of it, and pandas reads its UTF-8 bytes.

_CSV_FIELD_LIMIT = csv.field_size_limit()


def _is_text_file(data: bytes, filename: str | None) -> bool:
    """Whether `read_grid` would read `data` as CSV/TSV text."""
    suffix = Path(filename).suffix.lower() if filename else ""
    # `not data or data.isspace()` is `not data.strip()` without a copy of the whole file.
    if (not data or data.isspace() or data.startswith((b"\xd0\xcf\x11\xe0", b"PK"))
            or suffix in {".xls", ".xlsx", ".xlsm"}):
        return False
    return not data.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z"))


_UTF8_BOM = b"\xef\xbb\xbf"
_HEAD_BYTES = 1 << 16  # `_decode` checks the first 4,096 bytes and 8,192 characters: 64 KiB hold both
_CHECK_BYTES = 1 << 18


def _is_utf8(data: bytes) -> bool:
    """Whether `data` decodes as UTF-8, checked piece by piece (a big file is never held as text)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for at in range(0, len(view), _CHECK_BYTES):
            decoder.decode(view[at:at + _CHECK_BYTES])
        decoder.decode(b"", True)
    except UnicodeDecodeError:
        return False
    return True


def _char_boundary(data: bytes, size: int) -> int:
    """The largest cut <= `size` of UTF-8 `data` that does not split a character."""
    if size >= len(data):
        return len(data)
    while size > 0 and 0x80 <= data[size] < 0xC0:  # a continuation byte
        size -= 1
    return size


def _utf8_text(data: bytes) -> bytes | None:
    """The text `_decode` makes of `data`, as UTF-8 bytes; None when it holds a NUL. Raises as `_decode`.

    A UTF-8 file is checked but not decoded: `_decode` only sees its start (its checks read the
    first 4,096 bytes and 8,192 characters), and its bytes (without the BOM) are already the text.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or not _is_utf8(data):
        content = _decode(data)
        return None if "\x00" in content else content.encode("utf-8")
    _decode(data[:_char_boundary(data, _HEAD_BYTES)])
    body = data[len(_UTF8_BOM):] if data.startswith(_UTF8_BOM) else data
    return None if b"\x00" in body else body


def _text_head(body: bytes) -> tuple[str, list[list[Cell]]] | None:
    """The separator `_sniff` finds and the first HEADER_SEARCH_ROWS + 1 records csv.reader reads.

    Read from the start of the text only, grown until it holds the 50 lines `_sniff` looks at and
    those records whole (or is the whole text). None when csv.reader refuses them.
    """
    size = _HEAD_BYTES
    while True:
        whole = size >= len(body)
        prefix = body[:_char_boundary(body, size)].decode("utf-8")
        if whole or len(prefix.splitlines()) > 50:  # then its first 50 lines are whole
            sep = _sniff(prefix)
            buffer = io.StringIO(prefix, newline="")
            head: list[list[Cell]] = []
            try:
                for row in csv.reader(buffer, delimiter=sep):
                    head.append(list(row))
                    if len(head) > HEADER_SEARCH_ROWS:
                        break
            except csv.Error:
                return None
            # The last record is whole when its line break came before the end of the prefix.
            if whole or (len(head) > HEADER_SEARCH_ROWS and buffer.tell() < len(prefix)):
                return sep, head
        size *= 2


@dataclass
class _Column:
    """A categorical column: per-row codes into `cells` (the distinct raw cells) and `texts` (as `text`).

    `codes` are pandas' own (int8, int16...), not copied. Code -1 (no cell: a short row) picks the
    last entry of `cells`, an empty cell, since numpy and Python both read index -1 from the end.
    """

    codes: Any
    cells: list[str]
    texts: Any

    @classmethod
    def of(cls, series: pd.Series) -> _Column:
        import numpy as np

        categorical = series.array
        cells = [c if type(c) is str else str(c) for c in categorical.categories.tolist()]
        cells.append("")  # code -1 (none seen) is an empty cell
        # `text` of a str, without a call per distinct cell (a big file has tens of thousands).
        texts = [c.replace("\u00a0", " ").strip() for c in cells]
        return cls(np.asarray(categorical.codes), cells, np.array(texts, dtype=object))

    def filled(self, rows: Any = slice(None)) -> Any:
        """Whether the cells of `rows` hold something (a new array)."""
        import numpy as np

        return np.array([bool(t) for t in self.texts], dtype=bool)[self.codes[rows]]

    def values(self, rows: Any) -> Any:
        """`_or_none` of the cells of `rows`, as an object array sharing the distinct strings."""
        import numpy as np

        cleaned = np.array([t or None for t in self.texts], dtype=object)
        return cleaned[self.codes[rows]]


def _read_long_fast(data: bytes, filename: str | None, teacher: str | None = None) -> ResultTable | None:
    import numpy as np

    if not _is_text_file(data, filename):
        return None
    body = _utf8_text(data)
    if body is None:
        return None
    found = _text_head(body)
    if found is None:
        return None
    sep, head = found
    head = _trim(head)
    first = next((i for i, row in enumerate(head) if row), None)
    if first is None:
        return None
    forms_col: int | None = None
    if first == 0:
        headers0 = [text(c) for c in head[0]]
        if _is_canvas(headers0):
            return None
        forms_col = _find(headers0, FORMS_SCORE)
    start, cols = None, None
    for index, row in enumerate(head[:HEADER_SEARCH_ROWS]):
        if len(_filled(row)) >= 3:
            cols = _long_columns([text(c) for c in row])
            if cols is not None:
                start = index
                break
    if start is None or cols is None:
        return None
    width = max(len(row) for row in head)
    try:
        # UTF-8 bytes, not a StringIO of the text: pandas would encode the text back to bytes.
        frame = pd.read_csv(io.BytesIO(body), sep=sep, header=None, names=list(range(width)), encoding="utf-8",
                            dtype="category", keep_default_na=False, na_filter=False, skip_blank_lines=False,
                            engine="c", quotechar='"', doublequote=True)
    except Exception:
        return None
    del body
    columns = [_Column.of(frame[c]) for c in frame.columns]
    n_rows = len(frame)
    del frame
    if any(len(c) > _CSV_FIELD_LIMIT for col in columns for c in col.cells):
        return None  # csv.reader would refuse the file (`unreadable`)
    # The rows pandas saw must be the records csv.reader saw (quoting rules, blank lines).
    for index, row in enumerate(head[:min(len(head), n_rows)]):
        seen = [text(col.cells[col.codes[index]]) for col in columns]
        if [text(c) for c in row] + [""] * (width - len(row)) != seen:
            return None
    if forms_col is not None:
        col = columns[forms_col]
        texts = col.texts[col.codes[1:]]
        nonblank = texts != ""
        matches = np.array([bool(_FORMS_SCORE_RE.match(t)) for t in col.texts], dtype=bool)[col.codes[1:]]
        if nonblank.any() and matches[nonblank].all():
            return None  # Google Forms
    return _long_from_columns(columns, n_rows, start, cols, teacher)


def _long_from_columns(columns: list[_Column], n_rows: int, start: int, cols: dict[str, int],
                       teacher: str | None) -> ResultTable:
    import numpy as np

    headers = [text(col.cells[col.codes[start]]) for col in columns] if n_rows > start else []
    score_title = headers[cols["score"]]
    max_title = headers[cols["max"]] if "max" in cols else ""
    student_col, item_col = columns[cols["student"]], columns[cols["item"]]
    keep = student_col.filled()  # the rows after the header with a student
    keep[:start + 1] = False
    # The other rows after the header: a warning for each one with something in it (only these rows
    # are looked at in every column: in a big file they are few).
    nameless = np.flatnonzero(~keep)
    nameless = nameless[nameless > start]
    something = np.zeros(len(nameless), dtype=bool)
    for col in columns:
        something |= col.filled(nameless)
    warnings: list[tuple[str, dict[str, object]]] = [
        (WARN + "row_without_name", {"row": int(i) + 1}) for i in nameless[something]]
    no_item = keep & ~item_col.filled()

    per_cell: Any = None  # the max of each distinct max cell (NaN: not a max)
    bad = no_item
    if "max" in cols:
        max_col = columns[cols["max"]]
        per_cell = np.full(len(max_col.cells), np.nan)
        for code, cell in enumerate(max_col.cells):
            with contextlib.suppress(ReadProblem):
                per_cell[code] = parse_max(cell, row=0, column=max_title)
        bad = no_item | (keep & np.isnan(per_cell)[max_col.codes])
    if bad.any():
        index = int(np.flatnonzero(bad)[0])
        if no_item[index]:
            raise ReadProblem(ERR + "no_item", {"row": index + 1, "column": headers[cols["item"]]})
        parse_max(columns[cols["max"]].cells[columns[cols["max"]].codes[index]], row=index + 1, column=max_title)
        raise AssertionError("unreachable")  # parse_max raised above

    rows: Any = np.flatnonzero(keep)
    n_kept = len(rows)
    if n_kept and int(rows[-1]) - int(rows[0]) + 1 == n_kept:  # one run of rows, as a rule: slices are views
        rows = slice(int(rows[0]), int(rows[-1]) + 1)
    score_col = columns[cols["score"]]
    score_codes = score_col.codes[rows]
    if "max" not in cols:
        used = np.zeros(len(score_col.cells), dtype=bool)
        used[score_codes] = True
        if not _binary(score_col.cells[code] for code in np.flatnonzero(used)):
            raise ReadProblem(ERR + "no_max", {"column": score_title})
        warnings.append((WARN + "assumed_binary", {"column": score_title}))
        row_max = np.ones(n_kept)
    else:
        row_max = per_cell[columns[cols["max"]].codes[rows]]

    # Each distinct score cell once: its number and status, or that it is wrong whatever the max.
    numbers = np.full(len(score_col.cells), np.nan)
    statuses = np.empty(len(score_col.cells), dtype=object)
    wrong = np.zeros(len(score_col.cells), dtype=bool)
    for code, cell in enumerate(score_col.cells):
        try:
            score = parse_score(cell, row=0, column=score_title, max_points=None)
        except ReadProblem:
            wrong[code] = True
            continue
        numbers[code], statuses[code] = score.value, score.status
    row_scores = numbers[score_codes]
    with np.errstate(invalid="ignore"):
        failing = wrong[score_codes] | (row_scores > row_max + 1e-9)
    if failing.any():
        at = int(np.flatnonzero(failing)[0])
        row = rows.start + at if isinstance(rows, slice) else int(rows[at])
        parse_score(score_col.cells[score_codes[at]], row=row + 1, column=score_title,
                    max_points=float(row_max[at]))
        raise AssertionError("unreachable")  # parse_score raised above
    if n_kept == 0:
        raise ReadProblem(ERR + "no_students", {})

    def role(name: str, default: str | None) -> Any:
        if name in cols:
            return columns[cols[name]].values(rows)
        return np.full(n_kept, default, dtype=object)

    # Every array here is new and only the frame holds it: copy=False keeps pandas from copying each
    # one and from stacking the six object columns into one block (a second copy of them all).
    def column(values: Any, dtype: str | type) -> pd.Series:
        return pd.Series(values, dtype=dtype, copy=False)

    results = pd.DataFrame({
        "student": column(student_col.values(rows), object),
        "teacher": column(role("teacher", teacher), object),
        "section": column(role("section", None), object),
        "item": column(item_col.values(rows), object),
        "standard": column(role("standard", None), object),
        "score": column(row_scores, "float64"),
        "max_points": column(row_max, "float64"),
        "status": column(statuses[score_codes], object),
    }, columns=RESULT_COLUMNS, copy=False)
    return ResultTable("long", results, warnings, [])


def read_results(path_or_bytes: str | Path | bytes, *, filename: str | None = None, column: str | None = None,
                 teacher: str | None = None) -> ResultTable:
    """Read one results export (CSV or XLSX, from a path or its bytes) into a `ResultTable`.

    `column` picks the assignment of a gradebook with several; `teacher` is the teacher of rows in
    files without a teacher column. Raises `ReadProblem` (only) when the file cannot be used.
    """
    try:
        if filename is None and isinstance(path_or_bytes, str | Path):
            filename = Path(path_or_bytes).name
        data = _load(path_or_bytes)
        fast = _read_long_fast(data, filename, teacher)
        if fast is not None:
            return fast
        return read_table(read_grid(data, filename), column=column, teacher=teacher)
    except ReadProblem:
        raise
    except RecursionError:
        raise ReadProblem(ERR + "unreadable", {}) from None
    except Exception:
        raise ReadProblem(ERR + "unreadable", {}) from None
