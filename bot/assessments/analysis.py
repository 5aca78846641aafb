"""What a team acts on: percents per student, standard, item and teacher, and intervention groups.

Works on the long results table of `bot.assessments.readers` (one row per student and item). Only
rows with status "scored" count: missing and excused scores are not zeros, they add neither points
nor max points. Everything is vectorised (factorize + bincount), so a million rows take well under
a second.
"""

from __future__ import annotations

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


def _below(percent: np.ndarray, thresholds: Thresholds) -> np.ndarray:
    return np.round(percent, _COMPARE_DECIMALS) < thresholds.intervention_below


def _first_per_code(codes: np.ndarray, values: pd.Series, count: int) -> np.ndarray:
    """The first non-blank value of `values` for each code 0..count-1 (None when all are blank).

    Only the picked rows are converted, so the column itself is never factorized.
    """
    rows = np.flatnonzero(values.notna().to_numpy(dtype=bool) & (codes >= 0))
    first = np.full(count, -1, dtype=np.int64)
    # Repeated indices keep the last value assigned: reversed, that is the first occurrence.
    first[codes[rows][::-1]] = rows[::-1]
    out = np.full(count, None, dtype=object)
    found = first >= 0
    out[found] = values.iloc[first[found]].to_numpy(dtype=object)
    return out


def _first_code(codes: np.ndarray, value_codes: np.ndarray, count: int) -> np.ndarray:
    """Like `_first_per_code` for values already factorized (-1 for blank, and for none found)."""
    rows = np.flatnonzero((value_codes >= 0) & (codes >= 0))
    first = np.full(count, -1, dtype=np.int64)
    first[codes[rows][::-1]] = value_codes[rows][::-1]
    return first


def _grouped(codes: np.ndarray, count: int, points: np.ndarray, max_points: np.ndarray,
             scored: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    keep = scored & (codes >= 0)
    return (np.bincount(codes[keep], weights=points[keep], minlength=count),
            np.bincount(codes[keep], weights=max_points[keep], minlength=count))


def _below_counts(outer: np.ndarray, n_outer: int, student: np.ndarray, n_students: int,
                  points: np.ndarray, max_points: np.ndarray, scored: np.ndarray,
                  thresholds: Thresholds) -> np.ndarray:
    """Per outer code (standard or item): students whose percent on it is below the threshold."""
    keep = scored & (outer >= 0)
    if not keep.any():
        return np.zeros(n_outer, dtype=np.int64)
    pair = outer[keep].astype(np.int64) * n_students + student[keep]
    if n_outer * n_students <= DENSE_PAIRS:
        pair_points = np.bincount(pair, weights=points[keep], minlength=n_outer * n_students)
        pair_max = np.bincount(pair, weights=max_points[keep], minlength=n_outer * n_students)
        below = _below(_percent(pair_points, pair_max), thresholds)
        return np.bincount(np.flatnonzero(below) // n_students, minlength=n_outer).astype(np.int64)
    pair_codes, pairs = pd.factorize(pair)
    pair_points = np.bincount(pair_codes, weights=points[keep], minlength=len(pairs))
    pair_max = np.bincount(pair_codes, weights=max_points[keep], minlength=len(pairs))
    below = _below(_percent(pair_points, pair_max), thresholds)
    return np.bincount(np.asarray(pairs)[below] // n_students, minlength=n_outer).astype(np.int64)


def _codes(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes (-1 for blank) and the distinct values, in order of first appearance."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64), np.asarray(uniques, dtype=object)


def _groups(percent: np.ndarray, thresholds: Thresholds) -> np.ndarray:
    rounded = np.round(percent, _COMPARE_DECIMALS)
    return np.select([rounded < thresholds.intervention_below, rounded >= thresholds.extension_from],
                     [INTERVENTION, EXTENSION], default=ON_TRACK).astype(object)


def analyse(table_results: pd.DataFrame, thresholds: Thresholds = Thresholds()) -> Analysis:
    """The analysis of a results table (columns as `ResultTable.results`)."""
    df = table_results
    points = pd.to_numeric(df["score"], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    max_points = pd.to_numeric(df["max_points"], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    scored = ((df["status"] == "scored").to_numpy(dtype=bool, na_value=False)
              & ~np.isnan(points) & ~np.isnan(max_points))
    has_section = "section" in df.columns and bool(df["section"].notna().any())

    student, student_names = _codes(df["student"])
    n_students = len(student_names)
    s_points, s_max = _grouped(student, n_students, points, max_points, scored)
    s_percent = _percent(s_points, s_max)
    analysed = ~np.isnan(s_percent)

    students = pd.DataFrame({
        "student": student_names.astype(str),
        "teacher": _first_per_code(student, df["teacher"], n_students) if "teacher" in df else None,
    })
    if has_section:
        students["section"] = _first_per_code(student, df["section"], n_students)
    students["points"] = s_points
    students["max_points"] = s_max
    students["percent"] = s_percent
    missing = sorted(students.loc[~analysed, "student"].tolist())
    students = students.loc[analysed].copy()
    students["group"] = _groups(students["percent"].to_numpy(), thresholds)
    students = students.sort_values(["student"], kind="stable").reset_index(drop=True)
    counts = students["group"].value_counts()
    groups = {name: int(counts.get(name, 0)) for name in GROUPS}

    standard, standard_names = _codes(df["standard"]) if "standard" in df else (np.full(len(df), -1), np.array([]))
    n_standards = len(standard_names)
    st_points, st_max = _grouped(standard, n_standards, points, max_points, scored)
    standards = pd.DataFrame({
        "standard": standard_names.astype(str),
        "percent": _percent(st_points, st_max),
        "below": _below_counts(standard, n_standards, student, n_students, points, max_points, scored, thresholds),
    })
    standards = natural_sorted(standards.loc[st_max > 0], "standard")

    item, item_names = _codes(df["item"])
    n_items = len(item_names)
    it_points, it_max = _grouped(item, n_items, points, max_points, scored)
    item_standard = np.full(n_items, None, dtype=object)
    first_standard = _first_code(item, standard, n_items)
    item_standard[first_standard >= 0] = standard_names[first_standard[first_standard >= 0]]
    items = pd.DataFrame({
        "item": item_names.astype(str),
        "standard": item_standard,
        "percent": _percent(it_points, it_max),
        "below": _below_counts(item, n_items, student, n_students, points, max_points, scored, thresholds),
        "order": np.arange(n_items),
    })
    items = (items.loc[it_max > 0].sort_values(["percent", "order"], kind="stable")
             .drop(columns="order").reset_index(drop=True))

    keys = ["teacher", "section"] if has_section else ["teacher"]
    teachers = (students.groupby(keys, dropna=False, sort=True, observed=True)["percent"]
                .agg(students="size", mean="mean").reset_index())
    teachers["students"] = teachers["students"].astype(np.int64)
    teachers = teachers.astype({key: object for key in keys})
    for key in keys:
        teachers[key] = teachers[key].where(teachers[key].notna(), None)
    return Analysis(students=students, missing=missing, standards=standards, items=items,
                    teachers=teachers, groups=groups, thresholds=thresholds)


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


def to_json(analysis: Analysis, format: str, warnings: list) -> dict[str, Any]:
    """The analysis as plain JSON-ready data; percents 0-100 rounded to 1 decimal."""
    s = analysis.students
    students = [
        {"name": str(name), "teacher": _text(teacher), "points": _float(points), "max_points": _float(max_points),
         "percent": _float(percent), "group": str(group)}
        for name, teacher, points, max_points, percent, group in zip(
            s["student"].tolist(), s["teacher"].tolist(), rounded_1(s["points"]).tolist(),
            rounded_1(s["max_points"]).tolist(), rounded_1(s["percent"]).tolist(), s["group"].tolist(), strict=True)
    ]
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
    return {
        "format": format,
        "thresholds": {"intervention_below": analysis.thresholds.intervention_below,
                       "extension_from": analysis.thresholds.extension_from},
        "groups": dict(analysis.groups),
        "students": students,
        "standards": standards,
        "items": items,
        "teachers": teachers,
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
