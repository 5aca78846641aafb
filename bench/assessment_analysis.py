"""How long `plc-bot analyze FILE --json` takes on big results files, against a plain pandas script.

Generates long-format CSVs of 1,000, 100,000 and 1,000,000 rows (students x items, with teachers,
sections, standards and about 2 % blank scores) and a 5,000-student wide XLSX laid out as a teacher
would make it (one row per student, one column per item). For each file it runs, every time in a
fresh process (imports included):

- **analyze**: the steps of `plc-bot analyze FILE --json` timed one by one (`readers.read_results`,
  `analysis.analyse`, and the JSON: `analysis.to_json` and `students_json`, as the command writes into
  a pipe), to show where the time goes;
- **cli**: the command itself (`bot.cli.main(["analyze", FILE, "--json"])`, output discarded), which is
  what the target is about;
- **text**: the same without `--json` (the text summary a teacher reads: aggregates only);
- **plain**: `pandas.read_csv` (or `read_excel`) and a groupby per student and one per standard;
- **plain-sp**: the same with numpy's transparent huge pages off (`NUMPY_MADVISE_HUGEPAGE=0`), as
  `plc-bot analyze` runs: for reference, not a target.

It prints wall time, the child's phase times and its peak memory (`resource.getrusage` `ru_maxrss`
of the child itself, at its end), and the targets (issue #14): cli and text on 1,000,000 rows at or
below the plain script's time and under 1 GiB peak, and 100,000 rows in under 0.5 s. Each figure is
the median of `--repeat` runs (5 by default), the three kinds of run taking turns so that a busy spell
of the machine falls on all of them. Measures only: exit status 0 whatever the figures.

    python -m bench.assessment_analysis [--sizes 1000,100000,1000000] [--repeat 5] [--no-xlsx] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TARGET_RATIO = 1.0
TARGET_100K_SECONDS = 0.5
TARGET_MIB = 1024
TARGET_ROWS = 1_000_000
TEACHERS = ("Ms. Aydın", "Mr. Brown", "Dr. Chen", "Ms. Demir", "Mr. Evans", "Ms. Flores", "Mr. Gül", "Ms. Hill")
MAX_POINTS = (1.0, 2.0, 4.0, 5.0)

# The peak resident memory of the whole child process (ru_maxrss is in KiB on Linux, bytes on macOS).
PEAK = """
import resource, sys
def peak_mib():
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 2**20 if sys.platform == "darwin" else rss / 1024
"""

ANALYZE = PEAK + """
import gc, json, os, sys, time
os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")  # as `plc-bot analyze` runs (bot.assessments.cli)
gc.disable()
t0 = time.perf_counter()
from bot.assessments.analysis import analyse, compact_json, students_json, to_json
from bot.assessments.readers import read_results
t1 = time.perf_counter()
table = read_results(sys.argv[1], filename=sys.argv[1].rsplit("/", 1)[-1])
t2 = time.perf_counter()
analysis = analyse(table.results)
t3 = time.perf_counter()
text = compact_json(to_json(analysis, table.format, table.warnings, students=False),
                    {"students": students_json(analysis)})
t4 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "read": t2 - t1, "analyse": t3 - t2, "json": t4 - t3,
                  "rows": len(table.results), "format": table.format, "peak_mib": peak_mib()}))
"""

# The command itself, as a person runs it: `plc-bot analyze FILE --json` (its entry point), output discarded.
CLI = PEAK + """
import json, os, sys, time
t0 = time.perf_counter()
from bot.cli import main
out, sys.stdout = sys.stdout, open(os.devnull, "w")
code = main(["analyze", sys.argv[1], "--json"])
sys.stdout = out
total = time.perf_counter() - t0
print(json.dumps({"import": 0.0, "read": 0.0, "analyse": total, "json": 0.0, "rows": None, "format": "cli",
                  "exit": code, "peak_mib": peak_mib()}))
"""

# The same command without --json, as a teacher runs it: the text summary (aggregates, no per-student list).
CLI_TEXT = CLI.replace('["analyze", sys.argv[1], "--json"]', '["analyze", sys.argv[1]]').replace('"cli"', '"text"')

PLAIN = PEAK + """
import json, sys, time
t0 = time.perf_counter()
import pandas as pd
t1 = time.perf_counter()
if sys.argv[1].endswith(".xlsx"):
    wide = pd.read_excel(sys.argv[1])
    wide = wide[wide["Student"] != "Max points"]
    frame = wide.melt(id_vars=["Student", "Teacher"], var_name="item", value_name="score")
    frame = frame.rename(columns={"Student": "student", "Teacher": "teacher"})
    frame["standard"] = frame["item"].str.extract(r"\\((.*)\\)", expand=False)
    frame["max_points"] = 4.0
else:
    frame = pd.read_csv(sys.argv[1])
t2 = time.perf_counter()
scored = frame[frame["score"].notna()]
per_student = scored.groupby("student")[["score", "max_points"]].sum()
per_student["percent"] = 100 * per_student["score"] / per_student["max_points"]
per_standard = scored.groupby("standard")[["score", "max_points"]].sum()
per_standard["percent"] = 100 * per_standard["score"] / per_standard["max_points"]
t3 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "read": t2 - t1, "analyse": t3 - t2, "json": 0.0, "rows": len(frame),
                  "format": "plain", "peak_mib": peak_mib()}))
"""


# The same script with numpy's transparent huge pages off, as `plc-bot analyze` runs: for reference,
# to show how much of the difference that switch makes (a data person's script does not set it).
PLAIN_SMALL_PAGES = ('import os\nos.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")\n'
                     + PLAIN.replace('"format": "plain"', '"format": "plain-sp"'))


def shape_for(rows: int) -> tuple[int, int]:
    """(students, items) whose product is `rows`: 20 items up to 1,000 rows, then 40."""
    items = 20 if rows <= 1_000 else 40
    return rows // items, items


def long_csv(path: Path, rows: int, seed: int = 1) -> None:
    """A long-format results CSV of `rows` rows (students x items), ~2 % blank scores."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    students, items = shape_for(rows)
    student = np.repeat(np.arange(students), items)
    item = np.tile(np.arange(items), students)
    item_max = np.array(MAX_POINTS)[np.arange(items) % len(MAX_POINTS)]
    ability = rng.beta(5, 2, students)[student]
    max_points = item_max[item]
    score = np.round(rng.binomial(max_points.astype(int), ability)).astype(float)
    score[rng.random(len(score)) < 0.02] = np.nan
    per_teacher = max(1, students // len(TEACHERS) + 1)
    frame = pd.DataFrame({
        "student": pd.Series(student).map("Student {:06d}".format),
        "teacher": np.array(TEACHERS, dtype=object)[student // per_teacher],
        "section": pd.Series(student % 3 + 1).map("P{}".format),
        "item": pd.Series(item + 1).map("Q{}".format),
        "standard": pd.Series(item % 8 + 1).map("4.NF.{}".format),
        "score": score,
        "max_points": max_points,
    })
    frame.to_csv(path, index=False)


def wide_xlsx(path: Path, students: int = 5_000, items: int = 20, seed: int = 2) -> None:
    """A teacher-made sheet: Student, Teacher, one column per item ("Q1 (4.NF.1)"), a Max points row (4 each)."""
    import numpy as np
    from openpyxl import Workbook

    rng = np.random.default_rng(seed)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Scores")
    sheet.append(["Student", "Teacher", *[f"Q{i + 1} (4.NF.{i % 8 + 1})" for i in range(items)]])
    sheet.append(["Max points", None, *[4] * items])
    scores = rng.binomial(4, rng.beta(5, 2, (students, 1)), (students, items)).astype(float)
    per_teacher = students // len(TEACHERS) + 1
    for index in range(students):
        row: list[Any] = [f"Student {index:06d}", TEACHERS[index // per_teacher]]
        row += [None if rng.random() < 0.02 else float(v) for v in scores[index]]
        sheet.append(row)
    workbook.save(path)


def generate(kind: str, path: Path, rows: int) -> None:
    """Write one input file from a separate process, so this one never holds the big data.

    On Linux a child's ru_maxrss starts at its parent's resident size (it is kept across fork and exec),
    so the measuring process must stay small.
    """
    code = f"from bench.assessment_analysis import {kind}; from pathlib import Path; "
    code += f"{kind}(Path({str(path)!r})" + (f", {rows})" if kind == "long_csv" else ")")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                   check=True)


def child_env() -> dict[str, str]:
    """The children's environment: the project on the path, and bytecode caches allowed.

    An installed package has its .pyc files (pip compiles them); a checkout run with
    PYTHONDONTWRITEBYTECODE=1 would compile the project's modules again in every child.
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def compile_project() -> None:
    """Write the project's .pyc files once, as `pip install` does, so no child pays for compiling."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", "bot", "handlers", "storage"], cwd=ROOT,
                   env=child_env(), check=False, stdout=subprocess.DEVNULL)


def run_child(code: str, file: Path) -> dict[str, Any]:
    """Run `code` on `file` in a fresh Python; wall time, peak RSS (MiB) and the phases it printed."""
    env = child_env()
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", code, str(file)], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = child.communicate()
    seconds = time.perf_counter() - started
    if child.returncode != 0:
        return {"error": err.decode(errors="replace").strip().splitlines()[-1:], "seconds": seconds}
    phases = json.loads(out.decode().strip().splitlines()[-1])
    return {"seconds": seconds, **phases}


def medians(codes: dict[str, str], file: Path, repeat: int) -> dict[str, dict[str, Any]]:
    """Per kind, the run with the median wall time of `repeat` runs; the kinds take turns."""
    runs: dict[str, list[dict[str, Any]]] = {kind: [] for kind in codes}
    for _ in range(repeat):
        for kind, code in codes.items():
            runs[kind].append(run_child(code, file))
    return {kind: sorted(found, key=lambda r: r["seconds"])[(len(found) - 1) // 2] for kind, found in runs.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.assessment_analysis")
    parser.add_argument("--sizes", default="1000,100000,1000000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-xlsx", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    results: list[dict[str, Any]] = []
    compile_project()
    with tempfile.TemporaryDirectory(prefix="plc-bench-") as folder:
        files: list[tuple[str, Path]] = []
        for rows in (int(s) for s in args.sizes.split(",") if s):
            path = Path(folder) / f"long-{rows}.csv"
            started = time.perf_counter()
            generate("long_csv", path, rows)
            print(f"generated {path.name} ({path.stat().st_size / 2**20:.1f} MiB) in "
                  f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
            files.append((f"long CSV {rows:,} rows", path))
        if not args.no_xlsx:
            path = Path(folder) / "wide-5000.xlsx"
            started = time.perf_counter()
            generate("wide_xlsx", path, 0)
            print(f"generated {path.name} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
            files.append(("wide XLSX 5,000 students x 20 items", path))
        for label, path in files:
            print(f"running analyze, cli, text, plain and plain-sp on {label}, {args.repeat} times each",
                  file=sys.stderr)
            found = medians({"analyze": ANALYZE, "cli": CLI, "text": CLI_TEXT, "plain": PLAIN,
                             "plain-sp": PLAIN_SMALL_PAGES}, path, args.repeat)
            results += [{"file": label, "path": path.name, "kind": kind, **run} for kind, run in found.items()]

    verdict = _verdict(results)
    if args.json:
        print(json.dumps({"results": results, "targets": verdict}, indent=2))
    else:
        _print_table(results, verdict)
    return 0


def _verdict(results: list[dict[str, Any]]) -> dict[str, Any]:
    target_file = next((r["file"] for r in results if r.get("rows") == TARGET_ROWS), None)

    def pick(kind: str) -> dict[str, Any] | None:
        return next((r for r in results if r["kind"] == kind and r["file"] == target_file and "error" not in r), None)

    cli, plain = pick("cli"), pick("plain")
    small = next((r for r in results if r["kind"] == "cli" and r["file"] == "long CSV 100,000 rows"
                  and "error" not in r), None)
    verdict: dict[str, Any] = {"measured": bool(cli and plain)}
    if small:
        verdict.update(small_seconds=small["seconds"], small_ok=small["seconds"] < TARGET_100K_SECONDS)
    if not cli or not plain:
        return verdict
    ratio = cli["seconds"] / plain["seconds"]
    verdict.update(ratio=ratio, ratio_ok=ratio <= TARGET_RATIO, peak_mib=cli["peak_mib"],
                   peak_ok=cli["peak_mib"] < TARGET_MIB)
    if text := pick("text"):
        verdict.update(text_ratio=text["seconds"] / plain["seconds"],
                       text_ratio_ok=text["seconds"] / plain["seconds"] <= TARGET_RATIO)
    if (small_pages := pick("plain-sp")) and text:
        verdict.update(small_pages_ratio=cli["seconds"] / small_pages["seconds"],
                       small_pages_text_ratio=text["seconds"] / small_pages["seconds"])
    return verdict


def _print_table(results: list[dict[str, Any]], verdict: dict[str, Any]) -> None:
    header = (f"{'file':<38} {'run':<8} {'wall s':>7} {'import':>7} {'read':>7} {'analyse':>8} {'json':>6} "
              f"{'peak MiB':>9}")
    print(header)
    print("-" * len(header))
    for r in results:
        if "error" in r:
            print(f"{r['file']:<38} {r['kind']:<8} {r['seconds']:>7.2f}  FAILED: {' '.join(r['error'])}")
            continue
        print(f"{r['file']:<38} {r['kind']:<8} {r['seconds']:>7.2f} {r['import']:>7.2f} {r['read']:>7.2f} "
              f"{r['analyse']:>8.3f} {r['json']:>6.2f} {r['peak_mib']:>9.0f}")
    print()
    if "small_seconds" in verdict:
        print(f"target: `plc-bot analyze FILE --json` on 100,000 rows under {TARGET_100K_SECONDS} s: "
              f"{verdict['small_seconds']:.2f} s {'OK' if verdict['small_ok'] else 'FAIL'}")
    if not verdict["measured"]:
        print(f"targets: not measured (needs both runs on {TARGET_ROWS:,} rows)")
        return
    print(f"target: `plc-bot analyze FILE --json` (run: cli) on {TARGET_ROWS:,} rows at most {TARGET_RATIO}x "
          "the plain pandas script's time: "
          f"{verdict['ratio']:.2f}x {'OK' if verdict['ratio_ok'] else 'FAIL'}")
    if "text_ratio" in verdict:
        print(f"target: `plc-bot analyze FILE` (run: text, the summary without --json) at most {TARGET_RATIO}x: "
              f"{verdict['text_ratio']:.2f}x {'OK' if verdict['text_ratio_ok'] else 'FAIL'}")
    print(f"target: its peak memory under {TARGET_MIB} MiB: {verdict['peak_mib']:.0f} MiB "
          f"{'OK' if verdict['peak_ok'] else 'FAIL'}")
    if "small_pages_ratio" in verdict:
        print(f"for reference, against the plain script with numpy's huge pages off too (run: plain-sp): "
              f"cli {verdict['small_pages_ratio']:.2f}x, text {verdict['small_pages_text_ratio']:.2f}x")


if __name__ == "__main__":
    sys.exit(main())
