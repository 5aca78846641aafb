"""`plc-bot analyze FILE`: the analysis of a results file, as a localized summary or as JSON."""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import sys
import textwrap
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.i18n import Catalog, catalog
from bot.settings import SUPPORTED_LANGUAGES

if TYPE_CHECKING:
    from bot.assessments.analysis import Analysis

ITEMS_SHOWN = 10
EXIT_FAILED = 1
EXIT_USAGE = 2
READ_CATALOG = "assessments_read"


def add_analyze_parser(subparsers: Any, texts: Catalog) -> argparse.ArgumentParser:
    """Register `analyze` on the subparsers of `plc-bot`, with help texts from `texts`."""
    t = texts.t
    parser: argparse.ArgumentParser = subparsers.add_parser("analyze", help=t("assessments.cli_analyze"),
                                                            description=t("assessments.cli_analyze"))
    parser.add_argument("file", metavar="FILE", help=t("assessments.cli_file"))
    parser.add_argument("--json", action="store_true", help=t("assessments.cli_json"))
    parser.add_argument("--column", metavar="TEXT", default=None, help=t("assessments.cli_column"))
    parser.add_argument("--format", metavar="NAME", default=None, help=t("assessments.cli_format"))
    parser.add_argument("--intervention-below", type=float, default=70.0, metavar="PERCENT",
                        help=t("assessments.cli_intervention_below"))
    parser.add_argument("--extension-from", type=float, default=90.0, metavar="PERCENT",
                        help=t("assessments.cli_extension_from"))
    parser.add_argument("--chart", metavar="PNG", default=None, help=t("assessments.cli_chart"))
    parser.add_argument("--lang", choices=SUPPORTED_LANGUAGES, default=None, help=t("assessments.cli_lang"))
    return parser


def add_formats_parser(subparsers: Any, texts: Catalog) -> argparse.ArgumentParser:
    """Register `formats` (the export formats `analyze` reads, with an example header each)."""
    parser: argparse.ArgumentParser = subparsers.add_parser("formats", help=texts.t("assessments.cli_formats"),
                                                            description=texts.t("assessments.cli_formats"))
    parser.add_argument("--lang", choices=SUPPORTED_LANGUAGES, default=None, help=texts.t("assessments.cli_lang"))
    return parser


def run_formats(args: argparse.Namespace) -> int:
    """Print each format `analyze --format` takes: its name, what it is and an example header line."""
    from bot.assessments.formats.registry import FORMATS

    texts = _language(args)
    lines = [texts.t("assessments.formats_title"), ""]
    for entry in FORMATS:
        lines.append(texts.t("assessments.formats_line", name=entry.name,
                             title=texts.t(f"{READ_CATALOG}.formats.{entry.name}")))
        lines.append(texts.t("assessments.formats_example", example=entry.example))
    print("\n".join(lines))
    return 0


def _language(args: argparse.Namespace) -> Catalog:
    language = getattr(args, "lang", None) or (os.environ.get("PLC_DEFAULT_LANGUAGE") or "en").strip().lower()
    return catalog(language if language in SUPPORTED_LANGUAGES else "en")


def read_message(texts: Catalog, key: str, params: dict[str, Any], file: str, *, warning: bool = False) -> str:
    """The localized text of a reader's problem or warning (`key` with or without its file prefix)."""
    values = {"file": file, **(params or {})}
    for candidate in (key, f"{READ_CATALOG}.{key}"):
        if texts.has(candidate):
            try:
                return texts.t(candidate, **values)
            except (KeyError, IndexError, ValueError):
                break
    if warning:
        return " ".join([key, *(f"{name}={value}" for name, value in (params or {}).items())])
    return texts.t("assessments.unreadable", file=file)


def _percent(texts: Catalog, value: float) -> str:
    from babel.numbers import format_decimal

    from bot.assessments.analysis import round_1

    return texts.t("assessments.percent", value=format_decimal(round_1(value), format="#,##0.0",
                                                               locale=texts.locale))


def _threshold(texts: Catalog, value: float) -> str:
    from babel.numbers import format_decimal

    return texts.t("assessments.percent", value=format_decimal(value, format="#,##0.##", locale=texts.locale))


ANSWER_WIDTH = 60


def misconception_text(texts: Catalog, *, missed: int, blank: int, answer: str | None, chosen: int,
                       key: str | None, escape: Callable[[str], str] = str) -> str | None:
    """"11 of 17 who missed it chose B (key: C); 2 left it blank", or None when no one missed the item.

    `escape` makes the answer and the key safe where they are shown (Slack's mrkdwn).
    """
    if missed <= 0:
        return None
    t = texts.t
    parts = []
    if chosen > 0 and answer is not None:
        values = {"chosen": chosen, "missed": missed, "answer": escape(_short(answer))}
        parts.append(t("assessments.misconception_key", correct=escape(_short(key)), **values) if key is not None
                     else t("assessments.misconception", **values))
    if blank > 0:
        parts.append(t("assessments.misconception_blank_too" if parts else "assessments.misconception_blank",
                       blank=blank, missed=missed))
    return t("assessments.misconception_join").join(parts) if parts else None


def _short(answer: str) -> str:
    return textwrap.shorten(answer, ANSWER_WIDTH, placeholder="…") or answer[:ANSWER_WIDTH]


def _misconceptions(texts: Catalog, analysis: Analysis) -> dict[str, str]:
    """The misconception line of each item that has one, by item."""
    lines = {}
    for item, key, missed, blank, answer, chosen in analysis.misconceptions[
            ["item", "key", "missed", "blank", "answer", "chosen"]].itertuples(index=False, name=None):
        line = misconception_text(texts, missed=int(missed), blank=int(blank), answer=answer, chosen=int(chosen),
                                  key=key)
        if line is not None:
            lines[str(item)] = line
    return lines


def summary(texts: Catalog, analysis: Analysis, format: str, warnings: list, file: str) -> str:
    """The human-readable summary (no student names: counts, standards, items, teachers)."""
    t = texts.t
    limits = {"below": _threshold(texts, analysis.thresholds.intervention_below),
              "from_": _threshold(texts, analysis.thresholds.extension_from)}
    format_key = f"{READ_CATALOG}.formats.{format}"
    lines = [t("assessments.summary_title", format=t(format_key) if texts.has(format_key) else format), ""]
    lines.append(t("assessments.summary_students", count=len(analysis.students)))
    lines.append(t("assessments.summary_groups", **limits, **analysis.groups))
    lines.append(t("assessments.summary_missing", count=len(analysis.missing)))
    if analysis.students.empty:
        lines += ["", t("assessments.summary_no_scores")]

    lines += ["", t("assessments.summary_standards", below=limits["below"])]
    standards = analysis.standards[["standard", "percent", "below"]].itertuples(index=False, name=None)
    lines += [t("assessments.summary_standard", standard=name, percent=_percent(texts, percent), below=int(below))
              for name, percent, below in standards] or [t("assessments.summary_none")]

    lines += ["", t("assessments.summary_items")]
    items = analysis.items.head(ITEMS_SHOWN)[["item", "standard", "percent", "below"]].itertuples(index=False,
                                                                                                  name=None)
    misconceptions = _misconceptions(texts, analysis)
    shown_items = []
    for item, standard, percent, below in items:
        shown_items.append(t("assessments.summary_item", item=item, standard=standard or t("assessments.no_standard"),
                             percent=_percent(texts, percent), below=int(below)))
        if str(item) in misconceptions:
            shown_items.append(t("assessments.summary_misconception", text=misconceptions[str(item)]))
    lines += shown_items or [t("assessments.summary_none")]

    lines += ["", t("assessments.summary_teachers")]
    for row in analysis.teachers.to_dict("records"):
        teacher = row["teacher"] or t("assessments.no_teacher")
        values = {"teacher": teacher, "students": int(row["students"]), "mean": _percent(texts, row["mean"])}
        if row.get("section"):
            lines.append(t("assessments.summary_teacher_section", section=row["section"], **values))
        else:
            lines.append(t("assessments.summary_teacher", **values))
    if analysis.teachers.empty:
        lines.append(t("assessments.summary_none"))

    if warnings:
        lines += ["", t("assessments.summary_warnings")]
        lines += [t("assessments.summary_warning", message=read_message(texts, key, params, file, warning=True))
                  for key, params in warnings]
    return "\n".join(lines)


def run_analyze(args: argparse.Namespace) -> int:
    """Read, analyse and print one results file; 1 (and a message on stderr) when it cannot be read."""
    # One short pass that makes no reference cycles worth collecting: the collector would only walk
    # pandas' modules and the big file's objects again and again (2-3 % of the time on a big file).
    collecting = gc.isenabled()
    gc.disable()
    # Nor transparent huge pages for numpy's arrays (its documented switch, read when numpy is first
    # imported): in a pass this short, the kernel compacting memory on their first touch costs more
    # than the larger pages save, at random (up to a third of the analysis on a big file).
    if "numpy" not in sys.modules:
        os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")
    try:
        return _analyze(args)
    finally:
        if collecting:
            gc.enable()


def _read_into(path: Path, content: list[bytes]) -> None:
    """Append the bytes of the file at `path` to `content` (nothing when it cannot be read)."""
    with contextlib.suppress(OSError):
        content.append(path.read_bytes())


def _analyze(args: argparse.Namespace) -> int:
    texts = _language(args)
    below, from_ = float(args.intervention_below), float(args.extension_from)
    if not (0 <= below <= from_ <= 100):
        print(texts.t("assessments.bad_thresholds", below=below, from_=from_), file=sys.stderr)
        return EXIT_USAGE
    path = Path(args.file)
    if not path.is_file():
        print(texts.t("assessments.not_found", file=str(path)), file=sys.stderr)
        return EXIT_FAILED

    fmt = getattr(args, "format", None)
    if fmt is not None:
        from bot.assessments.formats.registry import NAMES

        if fmt not in NAMES:
            print(texts.t("assessments.unknown_format", format=fmt, names=", ".join(NAMES)), file=sys.stderr)
            return EXIT_USAGE

    # The file is read on a thread while pandas loads: the read waits in the kernel without the GIL.
    content: list[bytes] = []
    reading = threading.Thread(target=_read_into, args=(path, content), daemon=True)
    reading.start()
    from bot.assessments.analysis import Thresholds, analyse, compact_json, students_json, to_json
    from bot.assessments.readers import ReadProblem, read_results

    reading.join()
    if not content:
        print(texts.t("assessments.unreadable", file=path.name), file=sys.stderr)
        return EXIT_FAILED
    try:
        forced = {"format": fmt} if fmt is not None else {}
        table = read_results(content.pop(), filename=path.name, column=args.column, **forced)
    except ReadProblem as problem:
        print(read_message(texts, problem.key, dict(problem.params or {}), path.name), file=sys.stderr)
        return EXIT_FAILED
    except Exception:  # noqa: BLE001 - a corrupt or binary file must not end in a traceback
        print(texts.t("assessments.unreadable", file=path.name), file=sys.stderr)
        return EXIT_FAILED

    analysis = analyse(table.results, Thresholds(intervention_below=below, extension_from=from_))
    warnings = [(key, dict(params or {})) for key, params in table.warnings]
    if args.json:
        # Indented for a person at a terminal; one compact line into a pipe or file, its students (one
        # entry each: tens of thousands in a big file) written by pandas' C encoder.
        terminal = sys.stdout.isatty()
        data = to_json(analysis, table.format, warnings, students=terminal)
        for entry in data["warnings"]:
            entry["message"] = read_message(texts, entry["key"], entry["params"], path.name, warning=True)
        print(json.dumps(data, ensure_ascii=False, indent=2) if terminal
              else compact_json(data, {"students": students_json(analysis)}))
    else:
        print(summary(texts, analysis, table.format, warnings, path.name))

    if args.chart:
        from bot.assessments.chart import standards_chart

        try:
            standards_chart(table.results, texts, args.chart, analysis.misconceptions)
        except OSError as error:
            print(texts.t("assessments.chart_failed", path=args.chart, error=error.strerror or error),
                  file=sys.stderr)
            return EXIT_FAILED
        if not args.json:
            print(texts.t("assessments.chart_written", path=args.chart))
    return 0
