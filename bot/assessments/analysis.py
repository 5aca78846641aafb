"""What a team acts on: percents per student, standard, item and teacher, and intervention groups.

Works on the long results table of `bot.assessments.readers` (one row per student and item). Only
rows with status "scored" count: missing and excused scores are not zeros, they add neither points
nor max points. Where the table has the answers students chose ("answer", "key"), each item's
most chosen wrong answer is found too (`misconceptions`). Everything is vectorised (factorize +
bincount, value_counts), so a million rows take well under a second. Text columns may be plain
objects (as the readers and the database give them) or categoricals, whose codes are used as
they are (not factorized again); the figures are the same.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

INTERVENTION = "intervention"
ON_TRACK = "on_track"
EXTENSION = "extension"
GROUPS = (INTERVENTION, ON_TRACK, EXTENSION)
# Percents are rounded to this many decimals before they are compared with a threshold, so that
# 7/10 is 70 and not 69.99999999999999.
_COMPARE_DECIMALS = 9
# Up to this many (standard or item) x student cells, "below" counts use a dense array, not a hash.
DENSE_PAIRS = 4_000_000


@dataclass(frozen=True)
class Thresholds:
    """Percent (0-100) limits: below `intervention_below` is intervention, from `extension_from` extension."""

    intervention_below: float = 70.0
    extension_from: float = 90.0


@dataclass
class Analysis:
    """The figures of one assessment (see the module docstring)."""

    students: pd.DataFrame
    missing: list[str]
    standards: pd.DataFrame
    items: pd.DataFrame
    teachers: pd.DataFrame
    groups: dict[str, int]
    thresholds: Thresholds = field(default_factory=Thresholds)
    # Per item with chosen answers, the wrong answer most students chose (see `misconceptions`).
    misconceptions: pd.DataFrame = field(default_factory=lambda: _no_misconceptions())


def natural_key(text: str) -> tuple:
    """Sort key that puts "4.NF.2" before "4.NF.10" (numbers compared as numbers)."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
                 for part in re.split(r"(\d+)", str(text)) if part)


def natural_sorted(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """`frame` sorted by `column` in natural order (one key per distinct value, not per row)."""
    order = sorted(range(len(frame)), key=lambda i: natural_key(frame[column].iat[i]))
    return frame.iloc[order].reset_index(drop=True)


def _percent(points: np.ndarray, max_points: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(max_points > 0, 100.0 * points / max_points, np.nan)


def _is_categorical(column: pd.Series) -> bool:
    return isinstance(column.dtype, pd.CategoricalDtype)


def _is_scored(status: pd.Series) -> np.ndarray:
    """Rows whose status is "scored" (blank: not scored)."""
    if status.dtype == object:
        # numpy compares plain objects three times faster than pandas; a value that cannot say
        # whether it equals "scored" (pd.NA) makes it give up, and pandas (blank: False) decides.
        with contextlib.suppress(TypeError):
            return np.equal(status.to_numpy(), "scored")
    return (status == "scored").to_numpy(dtype=bool, na_value=False)


def _first_rows(codes: np.ndarray, count: int) -> np.ndarray:
    """The first row of each code 0..count-1 (-1 for a code no row has); code -1 (blank) is left out."""
    first = np.full(count, -1, dtype=np.int64)
    valid = codes >= 0
    # Repeated indices keep the last value assigned: reversed, that is the first occurrence.
    if valid.all():
        first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)
    else:
        rows = np.flatnonzero(valid)
        first[codes[rows][::-1]] = rows[::-1]
    return first


# The functions below look for each code's first non-blank value. They never factorize the values
# nor (as a rule) check them for blanks row by row: they look at each code's first row (`first`,
# from `_first_rows`), then only at the rows of the codes whose value there is blank.


def _first_per_code(codes: np.ndarray, values: pd.Series, count: int, first: np.ndarray) -> np.ndarray:
    """The first non-blank value of `values` for each code 0..count-1 (None when all are blank)."""
    out = np.full(count, None, dtype=object)
    if _is_categorical(values):
        value_codes = _first_code(codes, np.asarray(values.cat.codes), count, first)
        found = value_codes >= 0
        out[found] = np.asarray(values.cat.categories, dtype=object)[value_codes[found]]
        return out
    found = np.flatnonzero(first >= 0)
    picked = values.iloc[first[found]].to_numpy(dtype=object)
    blank = pd.isna(picked)
    out[found[~blank]] = picked[~blank]
    if blank.any():
        rows = _rows_of(codes, found[blank], count)
        rows = rows[values.iloc[rows].notna().to_numpy(dtype=bool)]
        later = np.full(count, -1, dtype=np.int64)
        later[codes[rows][::-1]] = rows[::-1]
        again = np.flatnonzero(later >= 0)
        out[again] = values.iloc[later[again]].to_numpy(dtype=object)
    return out


def _first_code(codes: np.ndarray, value_codes: np.ndarray, count: int, first: np.ndarray) -> np.ndarray:
    """Like `_first_per_code` for values already factorized (-1 for blank, and for none found)."""
    out = np.full(count, -1, dtype=np.int64)
    found = np.flatnonzero(first >= 0)
    out[found] = value_codes[first[found]]
    blank = found[out[found] < 0]
    if len(blank):
        rows = _rows_of(codes, blank, count)
        rows = rows[value_codes[rows] >= 0]
        later = np.full(count, -1, dtype=np.int64)
        later[codes[rows][::-1]] = value_codes[rows][::-1]
        out[blank] = later[blank]
    return out


def _rows_of(codes: np.ndarray, wanted_codes: np.ndarray, count: int) -> np.ndarray:
    """The rows whose code is one of `wanted_codes`, in order."""
    wanted = np.zeros(count + 1, dtype=bool)  # the extra last entry is code -1's: never wanted
    wanted[wanted_codes] = True
    return np.flatnonzero(wanted[codes])


def _grouped(codes: np.ndarray, count: int, points: np.ndarray,
             max_points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points and max points per code 0..count-1 (code -1 left out; rows not scored weigh zero)."""
    keep = codes >= 0
    if not keep.all():
        codes, points, max_points = codes[keep], points[keep], max_points[keep]
    return (np.bincount(codes, weights=points, minlength=count),
            np.bincount(codes, weights=max_points, minlength=count))


def _below_counts(outer: np.ndarray, n_outer: int, student: np.ndarray, n_students: int,
                  points: np.ndarray, max_points: np.ndarray, thresholds: Thresholds) -> np.ndarray:
    """Per outer code (standard or item): students whose percent on it is below the threshold.

    Over scored rows only, as `_grouped`; a row without a student (code -1) is no student's.
    """
    keep = outer >= 0
    keep &= student >= 0
    if not keep.any():
        return np.zeros(n_outer, dtype=np.int64)
    if not keep.all():
        outer, student, points, max_points = outer[keep], student[keep], points[keep], max_points[keep]
    pair = outer.astype(np.int64)  # outer * n_students + student, in place
    pair *= n_students
    pair += student
    if n_outer * n_students <= DENSE_PAIRS:
        pair_points = np.bincount(pair, weights=points, minlength=n_outer * n_students)
        pair_max = np.bincount(pair, weights=max_points, minlength=n_outer * n_students)
        below = _below_in_place(pair_points, pair_max, thresholds)
        return below.reshape(n_outer, n_students).sum(axis=1, dtype=np.int64)  # a row per outer code
    pair_codes, pairs = pd.factorize(pair)
    pair_points = np.bincount(pair_codes, weights=points, minlength=len(pairs))
    pair_max = np.bincount(pair_codes, weights=max_points, minlength=len(pairs))
    below = _below_in_place(pair_points, pair_max, thresholds)
    return np.bincount(np.asarray(pairs)[below] // n_students, minlength=n_outer).astype(np.int64)


def _below_in_place(points: np.ndarray, max_points: np.ndarray, thresholds: Thresholds) -> np.ndarray:
    """Whether the percent (as `_percent`) rounded to _COMPARE_DECIMALS is below the threshold, computed in
    `points` itself (a big array: no temporary copies). Where max_points is not above 0 there is no
    percent: never below.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        np.multiply(points, 100.0, out=points)
        np.divide(points, max_points, out=points)
    np.round(points, _COMPARE_DECIMALS, out=points)
    below = points < thresholds.intervention_below
    below &= max_points > 0
    return below


def _codes(column: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Integer codes (-1 for blank), the distinct values in order of first appearance, and each one's first row.

    A categorical column is not factorized again: its codes are renumbered in order of first
    appearance and the categories no row uses are left out, so the result is the one the same
    column as plain objects gives.
    """
    if _is_categorical(column):
        raw = np.asarray(column.cat.codes)
        categories = np.asarray(column.cat.categories, dtype=object)
        first = _first_rows(raw, len(categories))
        used = np.flatnonzero(first >= 0)
        order = used[np.argsort(first[used], kind="stable")]
        renumber = np.full(len(categories) + 1, -1, dtype=np.int64)  # the extra last entry: -1 stays -1
        renumber[order] = np.arange(len(order))
        return renumber[raw], categories[order], first[order]
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    codes = np.asarray(codes, dtype=np.int64)
    return codes, np.asarray(uniques, dtype=object), _first_rows(codes, len(uniques))


def _groups(percent: np.ndarray, thresholds: Thresholds) -> np.ndarray:
    rounded = np.round(percent, _COMPARE_DECIMALS)
    return np.select([rounded < thresholds.intervention_below, rounded >= thresholds.extension_from],
                     [INTERVENTION, EXTENSION], default=ON_TRACK).astype(object)


def analyse(table_results: pd.DataFrame, thresholds: Thresholds = Thresholds()) -> Analysis:
    """The analysis of a results table (columns as `ResultTable.results`)."""
    df = table_results
    points = pd.to_numeric(df["score"], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    max_points = pd.to_numeric(df["max_points"], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    scored = _is_scored(df["status"]) & ~np.isnan(points) & ~np.isnan(max_points)
    # Only scored rows add up: the others count as zero points out of zero. Adding 0.0 changes no sum,
    # so every sum is the one over the scored rows alone, in the same order, and no column of a
    # million codes is copied to pick the scored rows out.
    points = np.where(scored, points, 0.0)
    max_points = np.where(scored, max_points, 0.0)

    student, student_names, student_first = _codes(df["student"])
    n_students = len(student_names)
    s_points, s_max = _grouped(student, n_students, points, max_points)
    s_percent = _percent(s_points, s_max)
    analysed = ~np.isnan(s_percent)

    # Some row has a section if some student has one; else only rows without a student could have
    # one, and only then is the whole column checked.
    sections = (_first_per_code(student, df["section"], n_students, student_first) if "section" in df.columns
                else None)
    has_section = sections is not None and (any(s is not None for s in sections) or (
        bool((student < 0).any()) and bool(df["section"].notna().any())))
    students = pd.DataFrame({
        "student": student_names.astype(str),
        "teacher": (_first_per_code(student, df["teacher"], n_students, student_first) if "teacher" in df
                    else None),
    })
    if has_section:
        students["section"] = sections
    students["points"] = s_points
    students["max_points"] = s_max
    students["percent"] = s_percent
    missing = sorted(students.loc[~analysed, "student"].tolist())
    students = students.loc[analysed].copy()
    students["group"] = _groups(students["percent"].to_numpy(), thresholds)
    students = students.sort_values(["student"], kind="stable").reset_index(drop=True)
    counts = students["group"].value_counts()
    groups = {name: int(counts.get(name, 0)) for name in GROUPS}

    standard, standard_names, _ = (_codes(df["standard"]) if "standard" in df
                                   else (np.full(len(df), -1), np.array([]), np.array([], dtype=np.int64)))
    n_standards = len(standard_names)
    st_points, st_max = _grouped(standard, n_standards, points, max_points)
    standards = pd.DataFrame({
        "standard": standard_names.astype(str),
        "percent": _percent(st_points, st_max),
        "below": _below_counts(standard, n_standards, student, n_students, points, max_points,
                               thresholds),
    })
    standards = natural_sorted(standards.loc[st_max > 0], "standard")

    item, item_names, item_first = _codes(df["item"])
    n_items = len(item_names)
    it_points, it_max = _grouped(item, n_items, points, max_points)
    item_standard = np.full(n_items, None, dtype=object)
    first_standard = _first_code(item, standard, n_items, item_first)
    item_standard[first_standard >= 0] = standard_names[first_standard[first_standard >= 0]]
    items = pd.DataFrame({
        "item": item_names.astype(str),
        "standard": item_standard,
        "percent": _percent(it_points, it_max),
        "below": _below_counts(item, n_items, student, n_students, points, max_points, thresholds),
        "order": np.arange(n_items),
    })
    items = items.loc[it_max > 0].sort_values(["percent", "order"], kind="stable").reset_index(drop=True)
    item_order = items.pop("order").to_numpy()  # each listed item's code, most missed first

    keys = ["teacher", "section"] if has_section else ["teacher"]
    teachers = (students.groupby(keys, dropna=False, sort=True, observed=True)["percent"]
                .agg(students="size", mean="mean").reset_index())
    teachers["students"] = teachers["students"].astype(np.int64)
    teachers = teachers.astype({key: object for key in keys})
    for key in keys:
        teachers[key] = teachers[key].where(teachers[key].notna(), None)
    return Analysis(students=students, missing=missing, standards=standards, items=items,
                    teachers=teachers, groups=groups, thresholds=thresholds,
                    misconceptions=misconceptions(df, items, item_order, item, n_items, scored, item_first))


MISCONCEPTION_COLUMNS = ["item", "standard", "percent", "key", "missed", "blank", "answer", "chosen"]


def _no_misconceptions() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=np.int64 if name in {"missed", "blank", "chosen"} else
                                         np.float64 if name == "percent" else object)
                         for name in MISCONCEPTION_COLUMNS})


def _blank_text(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """A text column as plain objects (None for blank) and whether each row is blank (NA or "")."""
    values = column.astype(object).to_numpy(dtype=object, copy=True)
    blank = pd.isna(values)
    blank[~blank] = values[~blank] == ""
    values[blank] = None
    return values, blank


def _as_text(values: np.ndarray) -> np.ndarray:
    """Objects as str objects (numpy's own str arrays would pad every cell to the longest)."""
    return pd.Series(values, dtype=object, copy=False).astype(str).to_numpy(dtype=object)


def misconceptions(df: pd.DataFrame, items: pd.DataFrame, item_order: np.ndarray, item: np.ndarray,
                   n_items: int, scored: np.ndarray, item_first: np.ndarray) -> pd.DataFrame:
    """Per item some student chose an answer for: its key and the wrong answer most students chose.

    Columns `MISCONCEPTION_COLUMNS`, rows in the order of `items` (most missed first), only items of
    `items` (those with points) some row of which has a chosen answer; empty when the table has no
    "answer" column. `item_order` is the code of each row of `items`; `item`, `n_items`, `scored` and
    `item_first` are `analyse`'s item code of each row, how many codes there are, which rows are
    scored and each code's first row.

    - missed: scored rows of the item below full marks (score < max points), of those with a chosen
      answer or a key (a row with neither comes from an export without answers: it is left out);
    - blank: those of them with a key but no chosen answer (not a chosen wrong answer; counted apart);
    - answer, chosen: the answer other than the key that most of the missed rows chose, and how many
      chose it (None and 0 when none did). A tie goes to the answer first in alphabetical order
      (code-point order: "A" < "B" < "b"). Answers are compared with the key as the export spelled them.
    - key: the item's first key given (None when the export has none for it; then any chosen answer of
      a missed row counts as a wrong one).
    Counted per row: one row is one student's answer to the item.
    """
    if "answer" not in df.columns or items.empty:
        return _no_misconceptions()
    answers, blank = _blank_text(df["answer"])
    answered = ~blank & (item >= 0)
    with_answers = np.bincount(item[answered], minlength=n_items) > 0
    if not with_answers.any():
        return _no_misconceptions()
    if "key" in df.columns:
        keys, no_key = _blank_text(df["key"])
    else:
        keys, no_key = np.full(len(df), None, dtype=object), np.ones(len(df), dtype=bool)
    item_key = _first_per_code(item, pd.Series(keys, dtype=object, copy=False), n_items, item_first)

    points = pd.to_numeric(df["score"], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    max_points = pd.to_numeric(df["max_points"], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        missed = (scored & (item >= 0) & (~blank | ~no_key)
                  & (np.round(points - max_points, _COMPARE_DECIMALS) < 0))
    missed_rows = np.flatnonzero(missed)
    missed_codes = item[missed_rows]
    missed_blank = blank[missed_rows]
    missed_count = np.bincount(missed_codes, minlength=n_items)
    blank_count = np.bincount(missed_codes[missed_blank], minlength=n_items)
    # A chosen answer other than the row's key (any chosen answer when the row has no key).
    chosen_rows = missed_rows[~missed_blank]
    row_answers = _as_text(answers[chosen_rows])
    wrong = no_key[chosen_rows] | (row_answers != _as_text(keys[chosen_rows]))
    counts = (pd.DataFrame({"code": item[chosen_rows][wrong], "answer": row_answers[wrong]})
              .value_counts(sort=False).rename("chosen").reset_index()
              .sort_values(["code", "chosen", "answer"], ascending=[True, False, True], kind="stable")
              .drop_duplicates("code"))
    top_answer = np.full(n_items, None, dtype=object)
    top_count = np.zeros(n_items, dtype=np.int64)
    top_codes = counts["code"].to_numpy(dtype=np.int64)
    top_answer[top_codes] = counts["answer"].to_numpy(dtype=object)
    top_count[top_codes] = counts["chosen"].to_numpy(dtype=np.int64)

    codes = item_order
    keep = with_answers[codes]
    codes = codes[keep]
    return pd.DataFrame({
        "item": items["item"].to_numpy(dtype=object)[keep],
        "standard": items["standard"].to_numpy(dtype=object)[keep],
        "percent": items["percent"].to_numpy(dtype=np.float64)[keep],
        "key": item_key[codes],
        "missed": missed_count[codes].astype(np.int64),
        "blank": blank_count[codes].astype(np.int64),
        "answer": top_answer[codes],
        "chosen": top_count[codes],
    }, columns=MISCONCEPTION_COLUMNS)


def rounded_1(values: Any) -> np.ndarray:
    """Values rounded to 1 decimal, halves up as people expect (81.25 -> 81.3), not to even; NaN stays."""
    tenths = np.round(np.asarray(values, dtype=np.float64) * 10, 6)  # 0.35 * 10 is 3.4999999999999996
    return np.floor(tenths + 0.5) / 10


def round_1(value: float) -> float:
    """One value rounded like `rounded_1`."""
    return float(rounded_1([value])[0])


def _number(value: Any) -> float | None:
    """A percent or points value for JSON: rounded to 1 decimal, None for NaN."""
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else round_1(number)


def _float(value: float) -> float | None:
    return None if math.isnan(value) else value


def _floats(values: Any) -> list[float | None]:
    """`_float` of each of `values` rounded by `rounded_1`, for a whole column at once."""
    rounded = rounded_1(values)
    out = rounded.astype(object)
    out[np.isnan(rounded)] = None
    return out.tolist()


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    return str(value)


def _warning(warning: Any) -> dict[str, Any]:
    if isinstance(warning, tuple | list) and len(warning) == 2:
        key, params = warning
        return {"key": str(key), "params": {k: _jsonable(v) for k, v in dict(params or {}).items()}}
    return {"key": str(warning), "params": {}}


def _jsonable(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def _student_columns(analysis: Analysis) -> dict[str, Any]:
    """The columns of `to_json`'s students, in order: names, teachers (None for none), points... rounded.

    Whole columns converted at once, and per value only what a str (the rule) does not already give.
    """
    s = analysis.students
    return {"name": [v if type(v) is str else str(v) for v in s["student"].tolist()],
            "teacher": [v if type(v) is str else _text(v) for v in s["teacher"].tolist()],
            "points": _floats(s["points"]), "max_points": _floats(s["max_points"]),
            "percent": _floats(s["percent"]),
            "group": [v if type(v) is str else str(v) for v in s["group"].tolist()]}


def students_json(analysis: Analysis) -> str:
    """`to_json(...)["students"]` as JSON text, written by pandas' C encoder (a big file has tens of thousands)."""
    s = analysis.students

    def texts(column: pd.Series, blank: Any) -> np.ndarray:
        values = column.to_numpy(dtype=object, na_value=blank)
        return values if all(type(v) is str or v is None for v in values) else np.array(
            [v if v is None else str(v) for v in values], dtype=object)

    frame = pd.DataFrame({"name": texts(s["student"], ""), "teacher": texts(s["teacher"], None),
                          "points": rounded_1(s["points"]), "max_points": rounded_1(s["max_points"]),
                          "percent": rounded_1(s["percent"]), "group": texts(s["group"], "")}, copy=False)
    # Ten decimals write each value rounded to one decimal exactly as it reads ("71.7"); NaN as null.
    return frame.to_json(orient="records", force_ascii=False, double_precision=10)


def compact_json(data: dict[str, Any], written: dict[str, str]) -> str:
    """`data` as one line of JSON, where the value of each key of `written` is that JSON text already."""
    def dumps(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    return "{" + ",".join(f"{dumps(key)}:{written[key] if key in written else dumps(value)}"
                          for key, value in data.items()) + "}"


def to_json(analysis: Analysis, format: str, warnings: list, *, students: bool = True) -> dict[str, Any]:
    """The analysis as plain JSON-ready data; percents 0-100 rounded to 1 decimal.

    Without `students`, its "students" entry is None, to be written by `students_json`.
    """
    students_list: list[dict[str, Any]] | None = None
    if students:
        columns = _student_columns(analysis)
        students_list = [dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)]
    standards = [{"standard": str(name), "percent": _number(percent), "below": int(below)}
                 for name, percent, below in analysis.standards[["standard", "percent", "below"]].itertuples(
                     index=False, name=None)]
    items = [{"item": str(name), "standard": _text(standard), "percent": _number(percent), "below": int(below)}
             for name, standard, percent, below in analysis.items[["item", "standard", "percent", "below"]]
             .itertuples(index=False, name=None)]
    teachers = []
    for row in analysis.teachers.to_dict("records"):
        entry: dict[str, Any] = {"teacher": _text(row["teacher"])}
        if "section" in row:
            entry["section"] = _text(row["section"])
        entry["students"] = int(row["students"])
        entry["mean"] = _number(row["mean"])
        teachers.append(entry)
    misconceptions = [
        {"item": str(name), "standard": _text(standard), "percent": _number(percent), "key": _text(key),
         "missed": int(missed), "blank": int(blank), "answer": _text(answer), "chosen": int(chosen)}
        for name, standard, percent, key, missed, blank, answer, chosen in analysis.misconceptions[
            MISCONCEPTION_COLUMNS].itertuples(index=False, name=None)]
    return {
        "format": format,
        "thresholds": {"intervention_below": analysis.thresholds.intervention_below,
                       "extension_from": analysis.thresholds.extension_from},
        "groups": dict(analysis.groups),
        "students": students_list,
        "standards": standards,
        "items": items,
        "teachers": teachers,
        "misconceptions": misconceptions,
        "missing": list(analysis.missing),
        "warnings": [_warning(w) for w in warnings],
    }


def growth(current: Analysis, earlier: Analysis) -> pd.DataFrame:
    """Per standard in both analyses: percent before, now, and the change in percentage points."""
    before = earlier.standards[["standard", "percent"]].rename(columns={"percent": "before"})
    now = current.standards[["standard", "percent"]].rename(columns={"percent": "now"})
    merged = now.merge(before, on="standard", how="inner", sort=False)[["standard", "before", "now"]]
    merged["change"] = merged["now"] - merged["before"]
    return merged.reset_index(drop=True)
