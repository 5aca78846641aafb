"""How long the scheduler takes to start with 10,000 teams, and how much memory it needs.

Creates N teams with varied schedules (weekdays, times, zones, weekly/biweekly/monthly, skip dates)
in a temporary SQLite database (or a fresh schema of `--database-url`'s PostgreSQL), then starts the
scheduler twice, each time in a fresh process: the app and its database, `create_scheduler` with
APScheduler's SQLAlchemy job store, the scheduler started, and `plan_all` for every team. The first
start plans an empty outbox (8 notices per team); the second finds it planned. Prints the figures
and the targets (< 2 s, < 300 MiB). Measures only: exit status 0 whatever the figures.

    python -m bench.scheduler_start [--teams 10000] [--json]                  # SQLite
    python -m bench.scheduler_start --database-url postgresql://user@host/db  # PostgreSQL
    python -m bench.scheduler_start --database-url postgresql://user@host/db --both   # SQLite, then PostgreSQL
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 2.0
TARGET_MIB = 300
ZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Sao_Paulo",
         "Europe/Istanbul", "Europe/London", "Europe/Berlin", "Asia/Tokyo", "Asia/Kolkata", "Australia/Sydney",
         "Pacific/Auckland", "UTC")


def populate(database_url: str, teams: int, seed: int = 1) -> None:
    """`teams` teams, each with an active schedule (written in bulk, as fixtures, not through the services)."""
    from sqlalchemy import insert

    from storage import migrate
    from storage.db import Database
    from storage.models import MeetingSchedule, Team

    rng = random.Random(seed)
    db = Database(database_url)
    migrate.upgrade(db.engine)
    now = datetime.now(UTC)
    team_rows = [{"id": i + 1, "workspace_id": f"T{i // 500:08d}", "channel_id": f"C{i:08d}", "name": f"PLC {i}",
                  "subject": "", "grade_band": "", "timezone": rng.choice(ZONES), "language": rng.choice(("en", "tr")),
                  "norms": "", "created_by": "U0BENCH01", "default_protocol": "data_review", "role_rotation": 0,
                  "role_overrides": "{}", "created_at": now, "updated_at": now} for i in range(teams)]
    schedule_rows = []
    for team in team_rows:
        recurrence = rng.choice(("weekly", "weekly", "weekly", "biweekly", "monthly"))
        schedule_rows.append({
            "team_id": team["id"],
            "weekdays": ",".join(str(d) for d in sorted(rng.sample(range(5), rng.randint(1, 2)))),
            "start_time": f"{rng.randint(7, 17):02d}:{rng.choice((0, 15, 30, 45)):02d}",
            "duration_minutes": rng.choice((30, 45, 60, 90)),
            "recurrence": recurrence,
            "monthly_week": rng.choice((1, 2, 3, 4, -1)) if recurrence == "monthly" else None,
            "first_date": date(2026, rng.randint(8, 11), rng.randint(1, 28)),
            "last_date": None,
            "skip_dates": ",".join(sorted({f"2026-12-{rng.randint(1, 31):02d}" for _ in range(rng.randint(0, 3))})),
            "timezone": team["timezone"],
            "active": True,
            "updated_by": "U0BENCH01",
            "updated_at": now,
        })
    with db.session() as session:
        session.execute(insert(Team), team_rows)
        session.execute(insert(MeetingSchedule), schedule_rows)
    db.dispose()


def measure(database_url: str) -> dict[str, Any]:
    """In this (fresh) process: start the scheduler as `run_scheduler` does, without running jobs."""
    import resource

    started = time.perf_counter()
    from sqlalchemy import func, select

    from bot.app import create_app
    from bot.scheduler.runner import SchedulerRuntime, create_scheduler
    from bot.settings import Settings
    from storage.models import ScheduledNotice

    imported = time.perf_counter()
    cpu_before = time.process_time()
    plc = create_app(Settings(slack_bot_token="xoxb-bench", database_url=database_url))
    runtime = SchedulerRuntime.from_app(plc, senders={})
    built = time.perf_counter()
    scheduler = create_scheduler(runtime, blocking=False)
    scheduler.start(paused=True)
    scheduler_ready = time.perf_counter()
    planned = runtime.plan_all()
    finished = time.perf_counter()
    cpu = time.process_time() - cpu_before
    scheduler.shutdown(wait=False)
    with runtime.db.session() as session:
        pending = session.scalar(select(func.count()).where(ScheduledNotice.status == "pending"))
    plc.close()
    return {
        "imports_s": imported - started,
        "app_s": built - imported,
        "create_scheduler_s": scheduler_ready - built,
        "plan_all_s": finished - scheduler_ready,
        "start_s": finished - imported,
        "start_cpu_s": cpu,
        "total_s": finished - started,
        "maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "schedules_planned": planned,
        "pending_notices": pending,
    }


def measure_in_fresh_process(database_url: str) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-m", "bench.scheduler_start", "--measure", database_url],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise RuntimeError(f"measuring process failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def postgres_schema(base_url: str) -> tuple[str, Any]:
    """A fresh schema in `base_url`'s database: (URL whose connections use it, function dropping it)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(base_url)
    if url.drivername in ("postgres", "postgresql"):
        url = url.set(drivername="postgresql+psycopg")
    schema = f"bench_sched_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    scoped = url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    return scoped, drop


def report(teams: int, backend: str, runs: list[tuple[str, dict[str, Any]]], populate_s: float) -> None:
    print(f"scheduler start, {teams:,} teams with schedules, {backend} (populated in {populate_s:.1f} s), "
          f"{os.cpu_count()} cores")
    print(f"{'start':<26}{'imports':>9}{'app':>8}{'sched.':>8}{'plan_all':>10}{'start':>8}{'(cpu)':>8}"
          f"{'total':>8}{'peak RSS':>11}{'pending':>9}")
    for name, r in runs:
        print(f"{name:<26}{r['imports_s']:>8.2f}s{r['app_s']:>7.2f}s{r['create_scheduler_s']:>7.2f}s"
              f"{r['plan_all_s']:>9.2f}s{r['start_s']:>7.2f}s{r['start_cpu_s']:>7.2f}s{r['total_s']:>7.2f}s"
              f"{r['maxrss_mib']:>7.0f} MiB{r['pending_notices']:>9,}")
    print("start = app (create_app, migrations checked) + create_scheduler and start (job store) + plan_all;")
    print("(cpu) is the CPU time of start; total adds the imports; peak RSS is the whole process's")
    for name, r in runs:
        time_ok = "ok" if r["start_s"] < TARGET_SECONDS else "FAIL"
        memory_ok = "ok" if r["maxrss_mib"] < TARGET_MIB else "FAIL"
        print(f"  {name}: start {r['start_s']:.2f} s (target < {TARGET_SECONDS:.0f} s: {time_ok}), "
              f"peak RSS {r['maxrss_mib']:.0f} MiB (target < {TARGET_MIB} MiB: {memory_ok})")


def run_backend(teams: int, postgres_url: str | None) -> dict[str, Any]:
    """Populate a fresh database (temp SQLite, or a schema of `postgres_url`) and start twice on it."""
    with tempfile.TemporaryDirectory(prefix="plc-bench-") as tmp:
        drop = None
        if postgres_url:
            url, drop = postgres_schema(postgres_url)
            backend = "PostgreSQL"
        else:
            url, backend = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", "SQLite"
        try:
            began = time.perf_counter()
            populate(url, teams)
            populate_s = time.perf_counter() - began
            runs = {"first (empty outbox)": measure_in_fresh_process(url),
                    "second (outbox planned)": measure_in_fresh_process(url)}
        finally:
            if drop is not None:
                drop()
    return {"teams": teams, "backend": backend, "populate_s": populate_s, "runs": runs}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=10_000)
    parser.add_argument("--database-url", help="PostgreSQL to use (a fresh schema), instead of a temp SQLite")
    parser.add_argument("--both", action="store_true", help="with --database-url: run on a temp SQLite first too")
    parser.add_argument("--json", action="store_true",
                        help="print the figures as JSON (with --both, a list: one object per backend)")
    parser.add_argument("--measure", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return 0
    if args.both and not args.database_url:
        parser.error("--both needs --database-url")
    urls = ([None] if args.both else []) + [args.database_url]
    results = [run_backend(args.teams, url) for url in urls]
    if args.json:
        print(json.dumps(results if args.both else results[0], indent=2))
        return 0
    for index, result in enumerate(results):
        if index:
            print()
        report(result["teams"], result["backend"], list(result["runs"].items()), result["populate_s"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
