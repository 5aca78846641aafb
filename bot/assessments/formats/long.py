"""A tidy long table: one row per student and item (student, item, score, max...).

Big text files take a vectorised fast path (`_read_long_fast`); anything it is unsure of goes the
cell-by-cell way.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from bot.assessments.formats.canvas import _is_canvas
from bot.assessments.formats.google_forms import _FORMS_SCORE_RE, FORMS_SCORE
from bot.assessments.formats.grid import (
    ERR,
    HEADER_SEARCH_ROWS,
    RESULT_COLUMNS,
    SECTION_NAMES,
    STANDARD_LABELS,
    STUDENT_NAMES,
    TEACHER_NAMES,
    WARN,
    Cell,
    ReadProblem,
    ResultTable,
    _binary,
    _cell,
    _decode,
    _filled,
    _find,
    _frame,
    _no_students,
    _or_none,
    _result,
    _sniff,
    _trim,
    parse_max,
    parse_score,
    text,
)

LONG_STUDENT = STUDENT_NAMES | {"student id", "ogrenci no"}
LONG_ITEM = {"item", "item name", "question", "question number", "item number", "soru", "soru no", "madde",
             "madde no", "task"}
LONG_SCORE = {"score", "scores", "points", "points earned", "earned", "score earned", "puan", "alinan puan",
              "raw score", "mark", "marks"}
LONG_MAX = {"max", "max points", "max point", "points possible", "possible", "possible points", "out of",
            "max score", "maximum", "maximum points", "tam puan", "tam puani", "en yuksek puan", "maksimum puan"}
# The answer a student chose and the item's key (the correct answer), when the table has them.
LONG_ANSWER = {"answer", "response", "chosen answer", "student answer", "student response", "selected answer",
               "cevap", "yanit", "ogrenci cevabi", "ogrencinin cevabi", "verilen cevap", "secilen cevap",
               "isaretlenen cevap"}
LONG_KEY = {"key", "answer key", "correct answer", "correct response", "dogru cevap", "dogru yanit",
            "cevap anahtari", "anahtar"}
LONG_STANDARD = STANDARD_LABELS
LONG_TEACHER = TEACHER_NAMES
LONG_SECTION = SECTION_NAMES


def _long_columns(headers: list[str]) -> dict[str, int] | None:
    found = {name: _find(headers, names) for name, names in (
        ("student", LONG_STUDENT), ("item", LONG_ITEM), ("score", LONG_SCORE), ("max", LONG_MAX),
        ("standard", LONG_STANDARD), ("teacher", LONG_TEACHER), ("section", LONG_SECTION),
        ("answer", LONG_ANSWER), ("key", LONG_KEY))}
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
        answer = _or_none(_cell(row, cols["answer"])) if "answer" in cols else None
        key = _or_none(_cell(row, cols["key"])) if "key" in cols else None
        results.append(_result(student, who, section, item, standard, score, maximum, answer=answer, key=key))
    _no_students(results)
    return ResultTable("long", _frame(results), warnings, [])


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


def _utf8_text(data: bytes, *, whole: bool = False) -> bytes | None:
    """The text `_decode` makes of `data`, as UTF-8 bytes; None when it holds a NUL. Raises as `_decode`.

    A UTF-8 file is checked but not decoded: `_decode` only sees its start (its checks read the
    first 4,096 bytes and 8,192 characters), and its bytes (without the BOM) are already the text.
    Unless `whole`, only the start is checked to be UTF-8 here: pandas' parser checks the rest as it
    reads (`_read_long_fast` then comes back with `whole`).
    """
    checked = data if whole else data[:_char_boundary(data, _HEAD_BYTES)]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or not _is_utf8(checked):
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


# From this size on, the columns are parsed in two groups on two threads (when the process may use two
# processors): pandas' C parser leaves the GIL while it splits a file into cells and counts distinct
# cells, so each thread reads the whole file but converts only its group. No categories are joined.
_SPLIT_BYTES = 1 << 20
# The columns that stay together with the student's: cheap ones beside the costliest (one category per
# student). The others (item, standard, scores...) go to the second thread.
_LIGHT_ROLES = ("student", "teacher", "section")


def _processors() -> int:
    """How many processors this process may run on."""
    with contextlib.suppress(AttributeError, OSError):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _parse_columns(body: bytes, sep: str, width: int, cols: dict[str, int] | None = None) -> list[_Column]:
    """Every column pandas' C parser reads from the UTF-8 text `body` (`width` columns, no header).

    A big file is parsed in two groups of columns at once (see `_SPLIT_BYTES`; `cols`, the columns by
    role, chooses the groups). Parsing pieces of rows on two threads was tried too: the parse took a
    third less, but joining the pieces' categories cost as much again.
    """
    if cols is None or width < 2 or len(body) < _SPLIT_BYTES or _processors() < 2:
        return _parse(body, sep, width, None)
    light = {cols[role] for role in _LIGHT_ROLES if role in cols}
    light |= set(range(width)) - set(cols.values())  # columns of no role: only checked, never analysed
    heavy = [c for c in range(width) if c not in light]  # the item's and the score's at least
    with ThreadPoolExecutor(max_workers=1) as pool:
        other = pool.submit(_parse, body, sep, width, heavy)
        first = _parse(body, sep, width, sorted(light))
        second = other.result()
    found = {**first, **second}
    if len({len(column.codes) for column in found.values()}) != 1:
        return _parse(body, sep, width, None)  # both read the same text: never expected
    return [found[c] for c in range(width)]


def _parse(body: bytes, sep: str, width: int, usecols: list[int] | None) -> Any:
    """The columns `usecols` (all: None) as a list (all) or a dict by index (some)."""
    # UTF-8 bytes, not a StringIO of the text: pandas would encode the text back to bytes.
    frame = pd.read_csv(io.BytesIO(body), sep=sep, header=None, names=list(range(width)), usecols=usecols,
                        encoding="utf-8", dtype="category", keep_default_na=False, na_filter=False,
                        skip_blank_lines=False, engine="c", quotechar='"', doublequote=True)
    if usecols is None:
        return [_Column.of(frame[c]) for c in frame.columns]
    return {c: _Column.of(frame[c]) for c in usecols}


@dataclass
class _Column:
    """A categorical column: per-row codes into `cells` (the distinct raw cells) and `texts` (as `text`).

    `codes` are pandas' own (int8, int16...), not copied. Code -1 (no cell: a short row) picks the
    last entry of `cells`, an empty cell, since numpy and Python both read index -1 from the end.
    `blank` says of each entry of `cells` whether it reads as nothing; `plain`, that every cell the
    parser found reads as it is (nothing to strip) and none is blank, as in most exports.
    """

    codes: Any
    cells: list[str]
    texts: Any
    blank: Any
    plain: bool

    @classmethod
    def of(cls, series: pd.Series) -> _Column:
        import numpy as np

        categorical = series.array
        cells = [c if type(c) is str else str(c) for c in categorical.categories.tolist()]
        cells.append("")  # code -1 (none seen) is an empty cell
        # `text` of a str, without a call per distinct cell (a big file has tens of thousands).
        texts = [c.replace("\u00a0", " ").strip() for c in cells]
        blank = np.array([not t for t in texts], dtype=bool)
        plain = not blank[:-1].any() and texts == cells
        return cls(np.asarray(categorical.codes), cells, np.array(texts, dtype=object), blank, plain)

    def has_blank(self) -> bool:
        """Whether some row's cell is blank (or missing: a short row)."""
        return bool(self.blank[:-1].any()) or (len(self.codes) > 0 and int(self.codes.min()) < 0)

    def blank_at(self, rows: Any = slice(None)) -> Any:
        """Whether the cells of `rows` are blank (a new array)."""
        return self.blank[self.codes[rows]]

    def filled(self, rows: Any = slice(None)) -> Any:
        """Whether the cells of `rows` hold something (a new array)."""
        return ~self.blank_at(rows)

    def values(self, rows: Any) -> pd.Categorical:
        """`_or_none` of the cells of `rows`, as a categorical (a blank cell is missing).

        Distinct cells that read the same once stripped ("Ann", "Ann ") are one category; the codes
        are taken per row from the parser's own, so no row's text is hashed again. A `plain` column's
        codes and cells serve as they are: a category no row of `rows` has (the header's label) is
        left in, unused, as categoricals allow.
        """
        import numpy as np

        cell_codes = self.codes[rows]
        if self.plain:  # (a copy: the parser's codes are read-only, and a frame's columns can be changed)
            codes = cell_codes.copy() if np.may_share_memory(cell_codes, self.codes) else cell_codes
            return pd.Categorical.from_codes(codes, categories=pd.Index(self.cells[:-1], dtype=object),
                                             validate=False)
        # Only the cells some row has (a header's label is none of them), each once as it reads.
        seen = np.zeros(len(self.cells), dtype=bool)
        seen[cell_codes] = True  # code -1 marks the last entry, the empty cell, which is missing anyway
        labels, categories = pd.factorize(np.array([t if used and t else None
                                                    for t, used in zip(self.texts, seen, strict=True)],
                                                   dtype=object), use_na_sentinel=True)
        codes = labels.astype(np.int32)[cell_codes]  # code -1 takes the last label: -1 (missing)
        return pd.Categorical.from_codes(codes, categories=pd.Index(categories, dtype=object), validate=False)


def _read_long_fast(data: bytes, filename: str | None, teacher: str | None = None, *,
                    whole: bool = False) -> ResultTable | None:
    import numpy as np

    if not _is_text_file(data, filename):
        return None
    body = _utf8_text(data, whole=whole)
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
        columns = _parse_columns(body, sep, width, cols)
    except UnicodeDecodeError:
        if whole:
            return None
        # Not UTF-8 after its start: decoded as a whole (Windows-1254...), as the other readers do.
        return _read_long_fast(data, filename, teacher, whole=True)
    except Exception:
        return None
    del body
    n_rows = len(columns[0].codes)
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
    warnings: list[tuple[str, dict[str, object]]] = []
    rows: Any = slice(start + 1, max(n_rows, start + 1))  # the rows after the header with a student
    if student_col.has_blank():
        keep = student_col.filled()
        keep[:start + 1] = False
        # The other rows after the header: a warning for each one with something in it (only these
        # rows are looked at in every column: in a big file they are few).
        nameless = np.flatnonzero(~keep)
        nameless = nameless[nameless > start]
        something = np.zeros(len(nameless), dtype=bool)
        for col in columns:
            something |= col.filled(nameless)
        warnings += [(WARN + "row_without_name", {"row": int(i) + 1}) for i in nameless[something]]
        rows = np.flatnonzero(keep)
        if len(rows) and int(rows[-1]) - int(rows[0]) + 1 == len(rows):  # one run of rows: slices are views
            rows = slice(int(rows[0]), int(rows[-1]) + 1)
    n_kept = len(range(n_rows)[rows]) if isinstance(rows, slice) else len(rows)

    def row_number(at: int) -> int:
        """The row number (1-based) in the file of the `at`-th kept row."""
        return (rows.start + at if isinstance(rows, slice) else int(rows[at])) + 1

    # Kept rows without an item, or with a max that is none; the first one is the file's problem.
    no_item = item_col.blank_at(rows) if item_col.has_blank() else None
    bad = no_item
    per_cell: Any = None  # the max of each distinct max cell (NaN: not a max)
    if "max" in cols:
        max_col = columns[cols["max"]]
        per_cell = np.full(len(max_col.cells), np.nan)
        for code, cell in enumerate(max_col.cells):
            with contextlib.suppress(ReadProblem):
                per_cell[code] = parse_max(cell, row=0, column=max_title)
        no_max = np.isnan(per_cell)[max_col.codes[rows]]
        bad = no_max if no_item is None else no_item | no_max
    if bad is not None and bad.any():
        at = int(np.flatnonzero(bad)[0])
        if no_item is not None and no_item[at]:
            raise ReadProblem(ERR + "no_item", {"row": row_number(at), "column": headers[cols["item"]]})
        parse_max(max_col.cells[max_col.codes[rows][at]], row=row_number(at), column=max_title)
        raise AssertionError("unreachable")  # parse_max raised above

    score_col = columns[cols["score"]]
    score_codes = score_col.codes[rows]
    used = np.zeros(len(score_col.cells), dtype=bool)  # the score cells some kept row has
    used[score_codes] = True
    if "max" not in cols:
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
    # Row by row only when some kept row's score is wrong, or the highest score used is above the
    # lowest max: else no score can be above its own row's max.
    highest = np.nanmax(numbers[used], initial=-np.inf)
    lowest = float(row_max.min()) if n_kept else np.inf
    failing = np.zeros(0, dtype=bool)
    if wrong[used].any() or highest > lowest + 1e-9:
        with np.errstate(invalid="ignore"):
            failing = wrong[score_codes] | (row_scores > row_max + 1e-9)
    if failing.any():
        at = int(np.flatnonzero(failing)[0])
        parse_score(score_col.cells[score_codes[at]], row=row_number(at), column=score_title,
                    max_points=float(row_max[at]))
        raise AssertionError("unreachable")  # parse_score raised above
    if n_kept == 0:
        raise ReadProblem(ERR + "no_students", {})

    def role(name: str, default: str | None) -> pd.Categorical:
        if name in cols:
            return columns[cols[name]].values(rows)
        return _same(default, n_kept)

    # Text columns are categoricals built from the parser's codes (a big file has few distinct
    # cells); the analysis uses their codes as they are. Every array here is new and only the frame
    # holds it: copy=False keeps pandas from copying each one.
    def column(values: Any, dtype: str | None = None) -> pd.Series:
        return pd.Series(values, dtype=dtype, copy=False)

    status_labels, status_names = pd.factorize(statuses, use_na_sentinel=True)
    results = pd.DataFrame({
        "student": column(student_col.values(rows)),
        "teacher": column(role("teacher", teacher)),
        "section": column(role("section", None)),
        "item": column(item_col.values(rows)),
        "standard": column(role("standard", None)),
        "score": column(row_scores, "float64"),
        "max_points": column(row_max, "float64"),
        "status": column(pd.Categorical.from_codes(status_labels.astype(np.int8)[score_codes],
                                                   categories=pd.Index(status_names, dtype=object),
                                                   validate=False)),
    }, columns=RESULT_COLUMNS, copy=False)
    # The answer columns as `_frame` adds them: only when some row has a chosen answer or a key.
    answers, keys = role("answer", None), role("key", None)
    if not (answers.isna().all() and keys.isna().all()):
        results["answer"] = column(answers)
        results["key"] = column(keys)
    return ResultTable("long", results, warnings, [])


def _same(value: str | None, count: int) -> pd.Categorical:
    """`count` rows of one value (or all missing) as a categorical."""
    import numpy as np

    categories = pd.Index([] if value is None else [value], dtype=object)
    return pd.Categorical.from_codes(np.full(count, -1 if value is None else 0, dtype=np.int8),
                                     categories=categories, validate=False)


def detect(grid: list[list[Cell]]) -> tuple[int, dict[str, int]] | None:
    """(header row, columns by role) of the first of the first rows that names a student, item and score."""
    for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        if len(_filled(row)) >= 3:
            cols = _long_columns([text(c) for c in row])
            if cols is not None:
                return index, cols
    return None


def read(grid: list[list[Cell]], found: tuple[int, dict[str, int]], *, column: str | None,
         teacher: str | None) -> ResultTable:
    return _read_long(grid, found[0], found[1], teacher)
