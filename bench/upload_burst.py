"""A burst of uploads while the app keeps answering: 12 teachers upload at once, 16 clients ask for help.

    python -m bench.upload_burst [--servers 2] [--teachers 12] [--help-clients 16] [--slow-host 4]
                                 [--baseline 10] [--timeout 90] [--database-url URL] [--broker-url URL]

As deployed: PostgreSQL and RabbitMQ, `--servers` web servers (`plc-bot run --http --no-scheduler`,
gunicorn 2 workers x 8 threads each) and two `plc-bot worker`s (4 threads each), on a schema and a
queue of their own, calling an in-process Slack emulator whose file host takes `--slow-host`
seconds per download. A team of `--teachers` teachers is registered through the setup modal, and
each teacher opens the upload modal (`/plc upload`) with their own CSV file.

1. baseline: `--help-clients` keep-alive clients send signed `/plc help` back to back for
   `--baseline` seconds, nothing else going on (the servers alternate between clients);
2. burst: the same clients again and, at once, every teacher submits their upload modal (one
   assessment: the uploads combine); the help clients go on until every upload's summary is in the
   channel, or `--timeout` seconds.

Then it waits for the jobs to finish and counts the summaries per teacher (the summary mentions the
uploader), the charts and the facilitator's DMs. It prints help and submission ack latencies,
errors (non-200), the time from the first submission to the last summary, the CPU each process
used during the burst, and the goals: every help 200 with p99 < 100 ms, every summary exactly once.

Exit status: 0 when it measured (a goal may be missed), 1 when the deployment could not be set up,
130 on Ctrl-C. Everything started is stopped, the queues deleted and the schema dropped.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import threading
import time
from collections import Counter
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import requests

from bench.load_support import (
    DEFAULT_BROKER_URL,
    DEFAULT_DATABASE_URL,
    TARGET_P99_MS,
    CallWatcher,
    Deployment,
    Latencies,
    MachineCpu,
    SetupError,
    Team,
    accept_empty,
    add_teachers,
    bench_process_sample,
    cpu_between,
    describe_share,
    figures_of,
    load_average,
    machine_share,
    mib,
    ms,
    open_modal,
    posts,
    progress,
    register_team,
    results_csv,
    run_main,
    sample_processes,
    sender,
    timed,
    wait_until,
)
from bot.devtools.deployment import Server
from bot.devtools.slack_requests import values_for

CHANNEL = "C0BURST01"
ASSESSMENT = "Unit 5 CFA"
TAKEN_ON = date(2026, 11, 20)
SUMMARY = re.compile(r"results updated by <@(U\w+)>")


def is_summary(call: Any) -> bool:
    text = str(call.args.get("text") or "")
    return text.startswith(f"*{ASSESSMENT}*") and SUMMARY.search(text) is not None


def help_clients(servers: list[Server], deployment: Deployment, latencies: Latencies, kind: str, count: int,
                 stop: threading.Event, hard_limit: float, user_id: str) -> list[threading.Thread]:
    """`count` threads sending `/plc help` back to back until `stop` (or `hard_limit` seconds)."""
    ready = threading.Barrier(count + 1)

    def client(slot: int) -> None:
        session = requests.Session()
        slack = sender(servers[slot % len(servers)], deployment.emulator, session)
        deadline = time.monotonic() + hard_limit
        try:
            ready.wait(timeout=30)
            while not stop.is_set() and time.monotonic() < deadline:
                timed(latencies, kind, lambda: slack.slash_command("/plc", "help", user_id=user_id, channel_id=CHANNEL))
        except threading.BrokenBarrierError:
            pass
        finally:
            session.close()

    threads = [threading.Thread(target=client, args=(i,), name=f"help-{i}", daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    ready.wait(timeout=30)
    return threads


def run(args: argparse.Namespace) -> dict[str, Any]:
    with Deployment(args.database_url, args.broker_url, args.keep_logs, label="burst") as deployment:
        emulator = deployment.emulator
        teachers = add_teachers(emulator, args.teachers)
        emulator.add_channel(CHANNEL, "grade4-math-plc")
        progress(f"starting {args.servers} server(s) and 2 workers: schema {deployment.schema}, "
                 f"queue {deployment.queue}")
        servers = [deployment.server(f"server-{i + 1}", workers=args.workers, threads=args.threads)
                   for i in range(args.servers)]
        for i in range(2):
            deployment.worker(f"worker-{i + 1}")
        watcher = CallWatcher(emulator).start()
        try:
            return measure(args, deployment, servers, teachers, watcher)
        finally:
            watcher.stop()
            progress("stopping the processes, deleting the queues, dropping the schema")


def measure(args: argparse.Namespace, deployment: Deployment, servers: list[Server], teachers: list[str],
            watcher: CallWatcher) -> dict[str, Any]:
    emulator = deployment.emulator
    facilitator = teachers[0]
    setup_client = sender(servers[0], emulator)
    register_team(setup_client, watcher, Team(CHANNEL, "Grade 4 Math PLC", teachers, "America/New_York"), facilitator)
    progress(f"team registered with {len(teachers)} teachers; opening {len(teachers)} upload modals")

    # Every teacher's modal is open and their file is in Slack before the burst.
    forms: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
    for number, teacher in enumerate(teachers, 1):
        view = open_modal(sender(servers[number % len(servers)], emulator), watcher, "upload", teacher, CHANNEL)
        if view is None:
            raise SetupError(f"/plc upload opened no modal for {teacher}")
        file = emulator.add_file(f"results-teacher{number}.csv", results_csv(number), user_id=teacher)
        forms.append((teacher, view, file))

    latencies = Latencies()
    warm = threading.Event()
    threads = help_clients(servers, deployment, Latencies(), "warm-up", args.help_clients, warm, 3.0, facilitator)
    for thread in threads:
        thread.join()

    progress(f"baseline: {args.help_clients} clients send /plc help for {args.baseline:.0f} s, nothing else running")
    load_before = load_average()
    baseline_window = [time.time(), 0.0]
    baseline_start = (sample_processes(deployment.topology.processes), bench_process_sample(), MachineCpu.now())
    stop = threading.Event()
    threads = help_clients(servers, deployment, latencies, "help, baseline", args.help_clients, stop,
                           args.baseline, facilitator)
    for thread in threads:
        thread.join()
    baseline_window[1] = time.time()
    baseline_end = (sample_processes(deployment.topology.processes), bench_process_sample(), MachineCpu.now())

    emulator.slow_downloads(args.slow_host)
    progress(f"burst: {len(forms)} upload submissions at once (file host {args.slow_host:.0f} s per download) "
             f"and {args.help_clients} help clients until every summary is posted (at most {args.timeout:.0f} s)")
    before = sample_processes(deployment.topology.processes)
    bench_before = bench_process_sample()
    machine_before = MachineCpu.now()
    stop = threading.Event()
    threads = help_clients(servers, deployment, latencies, "help, during the burst", args.help_clients, stop,
                           args.timeout + 5, facilitator)
    go = threading.Barrier(len(forms) + 1)
    submitted_at: list[float] = []

    def submit(slot: int, teacher: str, view: dict[str, Any], file: dict[str, Any]) -> None:
        client = sender(servers[slot % len(servers)], emulator)
        values = values_for(view, {"upload_file": [file], "upload_name": ASSESSMENT,
                                   "upload_date": TAKEN_ON.isoformat()})
        try:
            go.wait(timeout=30)
        except threading.BrokenBarrierError:
            return
        submitted_at.append(time.time())
        timed(latencies, "upload view submission",
              lambda: client.view_submission(view, values, user_id=teacher), accept_empty)

    submitters = [threading.Thread(target=submit, args=(i, *form), name=f"upload-{i}", daemon=True)
                  for i, form in enumerate(forms)]
    for thread in submitters:
        thread.start()
    started_wall, started = time.time(), time.monotonic()
    go.wait(timeout=30)
    for thread in submitters:
        thread.join(timeout=60)

    def all_summaries() -> bool:
        return len({SUMMARY.search(str(c.args.get("text")))[1] for c in posts(emulator) if is_summary(c)}) >= len(
            forms)

    wait_until(all_summaries, max(0.0, args.timeout - (time.monotonic() - started)), every=0.1)
    burst_seconds = time.monotonic() - started
    stop.set()
    for thread in threads:
        thread.join(timeout=40)
    burst_window = (started_wall, time.time())
    load_after = load_average()
    after = sample_processes(deployment.topology.processes)
    bench_after = bench_process_sample()
    machine_after = MachineCpu.now()
    progress(f"burst over after {burst_seconds:.1f} s; waiting for the jobs to finish")

    wait_until(lambda: deployment.scalar("SELECT count(*) FROM jobs WHERE state IN ('queued', 'running')") == 0,
               60, every=0.5)
    time.sleep(2.0)  # anything doubled would come right after
    summaries = [c for c in posts(emulator) if is_summary(c)]
    per_teacher = Counter(SUMMARY.search(str(c.args.get("text")))[1] for c in summaries)  # type: ignore[index]
    first_submit = min(submitted_at) if submitted_at else started_wall
    last_summary = max((c.at for c in summaries), default=None)
    charts = [u for u in emulator.uploaded_files() if u.get("name") == "assessment-chart.png"]
    facilitator_dms = [c for c in posts(emulator) if c.args.get("channel") in (facilitator, "D" + facilitator[1:])
                       and ASSESSMENT in str(c.args.get("text"))]
    if args.dump_calls is not None:
        dump_calls(args.dump_calls, emulator, first_submit)
    timeline = upload_timeline(emulator, forms, summaries, first_submit, args.slow_host)
    jobs = dict(deployment.rows("SELECT state, count(*) FROM jobs GROUP BY state"))
    results = deployment.scalar("SELECT count(*) FROM assessment_results")
    uploads = deployment.scalar("SELECT count(*) FROM assessment_uploads")

    cpu = cpu_between(before, after)
    cpu["bench (clients + emulator)"] = round((bench_after.cpu_s or 0) - (bench_before.cpu_s or 0), 2)
    baseline_ours = sum(cpu_between(baseline_start[0], baseline_end[0]).values()) + (
        (baseline_end[1].cpu_s or 0) - (baseline_start[1].cpu_s or 0))
    machine = {
        "baseline": machine_share(baseline_start[2], baseline_end[2], baseline_ours),
        "burst": machine_share(machine_before, machine_after, sum(cpu.values())),
    }
    windows = {"baseline": baseline_window[1] - baseline_window[0], "burst": burst_window[1] - burst_window[0]}
    figures = {kind: latencies.figures([kind]).__dict__ for kind in latencies.kinds()}
    acks_baseline = deployment.server_acks(*baseline_window)
    acks_burst = deployment.server_acks(*burst_window)
    server_side = {
        "help, baseline": figures_of(acks_baseline.get("command help", [])).__dict__,
        "help, during the burst": figures_of(acks_burst.get("command help", [])).__dict__,
        "upload view submission": figures_of(acks_burst.get("view_submission assessment_upload", [])).__dict__,
    }
    help_burst = latencies.figures(["help, during the burst"])
    help_all_ok = latencies.errors.get("help, during the burst", 0) == 0 and latencies.errors.get(
        "help, baseline", 0) == 0
    once = all(per_teacher.get(t, 0) == 1 for t in [f[0] for f in forms]) and len(summaries) == len(forms)
    goals = [
        {"name": "every /plc help answered 200", "passed": help_all_ok,
         "value": sum(latencies.errors.get(k, 0) for k in ("help, baseline", "help, during the burst"))},
        {"name": f"help p99 during the burst < {TARGET_P99_MS:.0f} ms", "passed": help_burst.p99 < TARGET_P99_MS,
         "value": round(help_burst.p99, 1)},
        {"name": f"all {len(forms)} summaries posted exactly once", "passed": once,
         "value": f"{len(per_teacher)} teachers, {len(summaries)} summaries"},
    ]
    return {
        "benchmark": "upload_burst",
        "config": {"servers": args.servers, "gunicorn": f"{args.workers} workers x {args.threads} threads",
                   "job_workers": "2 x 4 threads", "teachers": len(forms), "help_clients": args.help_clients,
                   "slow_host_s": args.slow_host, "baseline_s": args.baseline, "timeout_s": args.timeout},
        "latency_ms": figures,
        "server_ack_ms": server_side,
        "load_average": {"before": load_before, "after": load_after},
        "machine_cpu": machine,
        "machine_cpu_text": {k: describe_share(v, windows[k]) for k, v in machine.items()},
        "error_samples": latencies.samples,
        "burst_seconds": round(burst_seconds, 1),
        "first_submission_to_last_summary_s": round(last_summary - first_submit, 1) if last_summary else None,
        "summaries_per_teacher": dict(sorted(per_teacher.items())),
        "summaries": len(summaries),
        "teachers_without_summary": [t for t, *_ in forms if per_teacher.get(t, 0) == 0],
        "teachers_with_more_than_one": [t for t, n in per_teacher.items() if n > 1],
        "timeline_s": timeline,
        "charts": len(charts),
        "facilitator_dms": len(facilitator_dms),
        "jobs": jobs,
        "stored": {"uploads": uploads, "result_rows": results},
        "cpu_seconds_during_burst": cpu,
        "rss_mib_end": {name: round((s.rss_kib or 0) / 1024) for name, s in after.items()},
        "goals": goals,
    }


def dump_calls(path: Path, emulator: Any, since: float) -> None:
    """Every Web API call the emulator answered from `since` on (seconds after it), except response_url."""
    with path.open("w", encoding="utf-8") as out:
        for call in emulator.calls:
            if call.at >= since - 1 and call.method != "response_url":
                detail = {k: str(v)[:80] for k, v in call.args.items() if k in ("channel", "text", "file_id", "user",
                                                                               "filename", "trigger_id")}
                out.write(f"{call.at - since:8.3f} {call.method:<32} {call.status} {json.dumps(detail)}\n")


def upload_timeline(emulator: Any, forms: list[tuple[str, dict[str, Any], dict[str, Any]]], summaries: list[Any],
                    first_submit: float, slow: float) -> dict[str, list[float]]:
    """Seconds after the first submission at which each upload's download started and ended (the file
    host's answer, recorded by the emulator) and its summary was posted, in order."""
    owner = {file["id"]: teacher for teacher, _view, file in forms}
    downloads: dict[str, float] = {}
    for call in emulator.calls_to("file_download"):
        teacher = owner.get(str(call.args.get("file_id")))
        if teacher is not None and call.status == 200:
            downloads.setdefault(teacher, call.at)
    posted = {SUMMARY.search(str(c.args.get("text")))[1]: c.at for c in summaries}
    return {
        "download_started": sorted(round(at - slow - first_submit, 1) for at in downloads.values()),
        "download_done": sorted(round(at - first_submit, 1) for at in downloads.values()),
        "summary_posted": sorted(round(at - first_submit, 1) for at in posted.values()),
        "download_done_to_summary": sorted(round(posted[t] - downloads[t], 1) for t in posted if t in downloads),
    }


def print_report(report: dict[str, Any], out: Any = sys.stdout) -> None:
    w = out.write
    c = report["config"]
    w("PLC Bot upload burst: uploads in flight while /plc help is answered (PostgreSQL + RabbitMQ)\n")
    w(f"deployment : {c['servers']} web server(s), gunicorn {c['gunicorn']} each; {c['job_workers']} job workers; "
      f"file host {c['slow_host_s']:.0f} s per download\n")
    w(f"load       : {c['help_clients']} help clients back to back; {c['teachers']} upload submissions at once\n")
    w(f"machine    : load average (1, 5, 15 min) {report['load_average']['before']} before the baseline, "
      f"{report['load_average']['after']} after the burst (runnable threads, the bench's own included)\n")
    for phase, text in report["machine_cpu_text"].items():
        w(f"  CPU during the {phase}: {text}\n")
    w("\n")
    w(f"{'requests':<28}{'count':>7}{'errors':>8}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}\n")
    for kind, f in report["latency_ms"].items():
        w(f"{kind:<28}{f['count']:>7}{f['errors']:>8}{ms(f['p50']):>9}{ms(f['p99']):>9}{ms(f['max']):>9}\n")
    w("as the servers log it (ack_ms: from the gateway's call to Bolt's answer; no queueing before it):\n")
    for kind, f in report["server_ack_ms"].items():
        w(f"{kind:<28}{f['count']:>7}{'':>8}{ms(f['p50']):>9}{ms(f['p99']):>9}{ms(f['max']):>9}\n")
    w(f"\nburst (first submission until the last summary or the timeout): {report['burst_seconds']} s\n")
    w(f"first submission -> last summary: {report['first_submission_to_last_summary_s']} s\n")
    w(f"summaries: {report['summaries']} for {len(report['summaries_per_teacher'])} teachers "
      f"(per teacher: {sorted(Counter(report['summaries_per_teacher'].values()).items())} as (count, teachers)); "
      f"missing: {report['teachers_without_summary'] or 'none'}; doubled: "
      f"{report['teachers_with_more_than_one'] or 'none'}\n")
    for name, values in report["timeline_s"].items():
        w(f"  {name.replace('_', ' '):<26}: {' '.join(f'{v:.1f}' for v in values)}\n")
    w(f"charts: {report['charts']}, facilitator DMs: {report['facilitator_dms']}, jobs: {report['jobs']}, "
      f"stored: {report['stored']}\n")
    w("\nCPU seconds used during the burst, by process (RSS MiB at the end):\n")
    for name, seconds in report["cpu_seconds_during_burst"].items():
        rss = report["rss_mib_end"].get(name)
        w(f"  {name:<28}{seconds:>7.2f} s{'' if rss is None else f'   {mib(rss * 1024):>5} MiB'}\n")
    w("\ngoals\n")
    for goal in report["goals"]:
        w(f"  {'MET   ' if goal['passed'] else 'MISSED'}  {goal['name']:<44} {goal['value']}\n")
    for sample in report["error_samples"]:
        w(f"  error: {sample}\n")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.upload_burst", description=__doc__.split("\n")[0])
    parser.add_argument("--servers", type=int, choices=(1, 2), default=2, help="web servers (default 2)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server (default 2)")
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker (default 8)")
    parser.add_argument("--teachers", type=int, default=12, help="teachers uploading at once (default 12)")
    parser.add_argument("--help-clients", type=int, default=16, help="clients sending /plc help (default 16)")
    parser.add_argument("--slow-host", type=float, default=4.0, help="seconds per file download (default 4)")
    parser.add_argument("--baseline", type=float, default=10.0, help="seconds of help alone before (default 10)")
    parser.add_argument("--timeout", type=float, default=90.0, help="longest burst in seconds (default 90)")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL, help="PostgreSQL (a schema is made in it)")
    parser.add_argument("--broker-url", default=DEFAULT_BROKER_URL, help="RabbitMQ")
    parser.add_argument("--keep-logs", type=Path, help="copy the processes' logs into this directory")
    parser.add_argument("--dump-calls", type=Path, help="write the emulator's calls of the burst to this file")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if not 1 <= args.teachers <= 50 or not 1 <= args.help_clients <= 64:
        parser.error("--teachers must be 1..50 and --help-clients 1..64")
    if not 0 < args.timeout <= 600 or not 0 < args.baseline <= 300:
        parser.error("--timeout must be in (0, 600] and --baseline in (0, 300]")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    return run_main(parse_args(argv), run, print_report)


if __name__ == "__main__":
    sys.exit(main())
