"""HTTP throughput of PLC Bot against a bare Bolt app, both served by the same gunicorn setup.

    python -m bench.http_throughput [--workers 2] [--threads 8] [--concurrency 16]
                                    [--requests 4000] [--rounds 2] [--database-url URL] [--json]

The full app is started exactly as a deployment starts it (`plc-bot run --http ...`); the bare
app (bench/bare_app.py) is one `/plc` listener behind Bolt's WSGI adapter, served with
bot.server's GunicornServer settings. Both talk to an in-process Slack emulator (auth.test).
Client threads send correctly signed `/plc help` slash commands over keep-alive sessions.

Each round warms every app up, then measures it; the order of the apps alternates between
rounds (full-bare, bare-full, ...), and the figures shown are those of each app's best round
(highest throughput). Errors (a non-200 answer or an exception) are summed over all measured rounds.
The defaults (2 rounds of 200 + 4000 requests per app) take about 50 s on a 2-core machine.

Exit status: 0 when the measurement ran (even if a target FAILs), 1 when an app could not start,
130 on Ctrl-C.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import requests
from sqlalchemy.engine import make_url

from bench.load_support import percentile
from bot.devtools.slack_emulator import SlackEmulator
from bot.devtools.slack_requests import SlackRequestSender

REPO_ROOT = Path(__file__).resolve().parent.parent
SIGNING_SECRET = "bench-signing-secret"
EVENTS_PATH = "/slack/events"
START_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0
TARGET_RATIO = 0.9
TARGET_P99_MS = 100.0
USER_ID = "U0BENCH01"
CHANNEL_ID = "C0BENCH01"


class StartError(Exception):
    """An app did not come up (or does not answer `/plc help` with 200)."""


# --------------------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """One gunicorn process tree, started in its own session so it can be stopped as a whole."""

    def __init__(
        self, name: str, argv: list[str], env: dict[str, str], port: int, ready_path: str, ready_status: int | None,
        log_dir: Path, cwd: Path = REPO_ROOT,
    ) -> None:
        self.name = name
        self.argv = argv
        self.env = env
        self.cwd = cwd
        self.base_url = f"http://127.0.0.1:{port}"
        self.ready_path = ready_path
        self.ready_status = ready_status  # None: any HTTP answer means ready
        self.log_path = log_dir / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def cpu_seconds(self) -> float | None:
        return tree_cpu_seconds(self.process.pid) if self.process is not None else None

    @property
    def endpoint(self) -> str:
        return self.base_url + EVENTS_PATH

    def start(self) -> None:
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                self.argv, cwd=self.cwd, env=self.env, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True,
            )

    def wait_ready(self, timeout: float = START_TIMEOUT) -> None:
        assert self.process is not None
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            code = self.process.poll()
            if code is not None:
                raise StartError(f"{self.name} app exited with status {code}\n{self.log_tail()}")
            try:
                answer = requests.get(self.base_url + self.ready_path, timeout=2)
            except requests.RequestException as error:
                last = type(error).__name__
            else:
                if self.ready_status is None or answer.status_code == self.ready_status:
                    return
                last = f"HTTP {answer.status_code}"
            time.sleep(0.1)
        raise StartError(f"{self.name} app not ready after {timeout:.0f} s ({last})\n{self.log_tail()}")

    def stop(self) -> None:
        """SIGTERM the gunicorn master (graceful), then SIGKILL its whole process group after a timeout."""
        process, self.process = self.process, None
        if process is None:
            return
        in_main = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if in_main else None  # a 2nd Ctrl-C must not skip this
        try:
            self._stop(process)
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)

    @staticmethod
    def _stop(process: subprocess.Popen[bytes]) -> None:
        if process.poll() is not None:
            return
        process.terminate()  # gunicorn: graceful shutdown of the master and its workers
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            # The master is still alive (not reaped), so its process group id is still ours:
            # it was started in its own session, the group holds exactly the master and its workers.
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log_path.read_text("utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join("    " + line for line in text.splitlines()[-lines:])


def tree_cpu_seconds(root_pid: int) -> float | None:
    """User+system CPU seconds of a process and its children (Linux /proc); None elsewhere."""
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in proc.glob("[0-9]*/stat"):
        try:
            pid = int(stat.parent.name)
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile
        # fields[0] is the state (field 3 of proc(5)): ppid is field 4, utime 14, stime 15.
        if pid == root_pid or int(fields[1]) == root_pid:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def server_env(emulator: SlackEmulator, database_url: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        SLACK_BOT_TOKEN=emulator.bot_token,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=emulator.api_url,
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    # HTTP mode with one workspace's bot token: no Socket Mode, no OAuth. (Bolt turns OAuth on when
    # SLACK_CLIENT_ID is set at all, even blank, so these are removed rather than blanked.)
    for name in ("SLACK_APP_TOKEN", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET"):
        env.pop(name, None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def full_server(env: dict[str, str], workers: int, threads: int, log_dir: Path) -> Server:
    port = free_port()
    argv = [sys.executable, "-m", "bot.cli", "run", "--http", "--host", "127.0.0.1", "--port", str(port),
            "--workers", str(workers), "--threads", str(threads)]
    # Started from the temp dir: load_settings() reads ./.env, and a developer's .env must not
    # switch the measured app to Socket Mode or OAuth. (bot/ is pip-installed, so it imports anywhere.)
    return Server("full", argv, env, port, "/healthz", 200, log_dir, cwd=log_dir)


def bare_server(env: dict[str, str], workers: int, threads: int, log_dir: Path) -> Server:
    port = free_port()
    argv = [sys.executable, "-m", "bench.bare_app", "--host", "127.0.0.1", "--port", str(port),
            "--workers", str(workers), "--threads", str(threads)]
    return Server("bare", argv, env, port, EVENTS_PATH, None, log_dir)


# --------------------------------------------------------------------------- client


class SessionSender(SlackRequestSender):
    """SlackRequestSender that posts through one keep-alive requests.Session."""

    def __init__(self, endpoint_url: str, signing_secret: str, session: requests.Session) -> None:
        super().__init__(endpoint_url, signing_secret, session=session)

    def plc_help(self) -> requests.Response:
        return self.slash_command("/plc", "help", user_id=USER_ID, channel_id=CHANNEL_ID)


@dataclass
class Run:
    """One measured run of one app."""

    requests: int
    seconds: float
    latencies_ms: list[float]
    errors: int
    error_samples: list[str] = field(default_factory=list)
    server_cpu_s: float | None = None  # the server's process tree, during the measured requests
    client_cpu_s: float | None = None  # this process (client threads and the Slack emulator)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.latencies_ms)
        return {
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
            "rps": round(self.rps, 1),
            "p50_ms": round(percentile(ordered, 0.50), 2),
            "p99_ms": round(percentile(ordered, 0.99), 2),
            "max_ms": round(ordered[-1], 2) if ordered else None,
            "errors": self.errors,
            "server_cpu_ms_per_request": _per_request_ms(self.server_cpu_s, self.requests),
            "client_cpu_ms_per_request": _per_request_ms(self.client_cpu_s, self.requests),
        }


def _per_request_ms(seconds: float | None, requests: int) -> float | None:
    return round(seconds * 1000.0 / requests, 3) if seconds is not None and requests else None


class Counter:
    """Hands out request slots to client threads until a total is reached."""

    def __init__(self, total: int) -> None:
        self._left = total
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            if self._left <= 0:
                return False
            self._left -= 1
            return True


def drive(server: Server, warmup: int, total: int, concurrency: int) -> Run:
    """Warm up, then measure `total` signed `/plc help` requests from `concurrency` threads."""
    endpoint = server.endpoint
    warm, measured = Counter(warmup), Counter(total)
    barrier = threading.Barrier(concurrency + 1)
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors = [0] * concurrency
    samples: list[str] = []

    def one(sender: SessionSender) -> tuple[float, str | None]:
        started = time.perf_counter()
        try:
            answer = sender.plc_help()
            problem = None if answer.status_code == 200 else f"HTTP {answer.status_code}: {answer.text[:120]!r}"
        except requests.RequestException as error:
            problem = f"{type(error).__name__}: {error}"[:200]
        return (time.perf_counter() - started) * 1000.0, problem

    def client(slot: int) -> None:
        session = requests.Session()
        sender = SessionSender(endpoint, SIGNING_SECRET, session)
        try:
            while warm.take():
                one(sender)
            barrier.wait()
            while measured.take():
                elapsed_ms, problem = one(sender)
                latencies[slot].append(elapsed_ms)
                if problem is not None:
                    errors[slot] += 1
                    if len(samples) < 5:
                        samples.append(problem)
        except threading.BrokenBarrierError:
            pass
        except BaseException:
            barrier.abort()  # never leave the other threads (and the timer) waiting
            raise
        finally:
            session.close()

    threads = [threading.Thread(target=client, args=(i,), name=f"client-{i}", daemon=True)
               for i in range(concurrency)]
    for thread in threads:
        thread.start()
    try:
        barrier.wait()
    except threading.BrokenBarrierError:
        raise RuntimeError("a client thread failed during the warm-up") from None
    started, server_cpu, client_cpu = time.perf_counter(), server.cpu_seconds(), time.process_time()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    server_cpu_after, client_cpu_after = server.cpu_seconds(), time.process_time()
    all_latencies = [value for chunk in latencies for value in chunk]
    run = Run(len(all_latencies), seconds, all_latencies, sum(errors), samples)
    if server_cpu is not None and server_cpu_after is not None:
        run.server_cpu_s = server_cpu_after - server_cpu
    run.client_cpu_s = client_cpu_after - client_cpu
    return run


def check_answers(server: Server) -> None:
    """One request before measuring: an app that cannot answer `/plc help` did not really start."""
    with requests.Session() as session:
        try:
            answer = SessionSender(server.endpoint, SIGNING_SECRET, session).plc_help()
        except requests.RequestException as error:
            raise StartError(f"{server.name} app: /plc help failed: {error}\n{server.log_tail()}") from error
    if answer.status_code != 200:
        raise StartError(
            f"{server.name} app: /plc help answered HTTP {answer.status_code}: {answer.text[:200]!r}\n"
            f"{server.log_tail()}"
        )


# --------------------------------------------------------------------------- report


def best_run(runs: list[Run]) -> Run:
    """The round with the highest throughput: on a shared machine, noise only ever slows a round down."""
    return max(runs, key=lambda run: run.rps)


def build_report(args: argparse.Namespace, database: str, runs: dict[str, list[Run]]) -> dict[str, Any]:
    apps: dict[str, Any] = {}
    for name, app_runs in runs.items():
        chosen = best_run(app_runs).summary()
        chosen["errors"] = sum(run.errors for run in app_runs)
        chosen["rounds"] = [run.summary() for run in app_runs]
        chosen["error_samples"] = [s for run in app_runs for s in run.error_samples][:5]
        apps[name] = chosen
    ratio = apps["full"]["rps"] / apps["bare"]["rps"] if apps["bare"]["rps"] else 0.0
    errors = apps["full"]["errors"] + apps["bare"]["errors"]
    targets = [
        {"name": f"full app throughput >= {TARGET_RATIO}x bare", "value": round(ratio, 3),
         "passed": ratio >= TARGET_RATIO},
        {"name": f"full app p99 < {TARGET_P99_MS:.0f} ms", "value": apps["full"]["p99_ms"],
         "passed": apps["full"]["p99_ms"] < TARGET_P99_MS},
        {"name": "no errors", "value": errors, "passed": errors == 0},
    ]
    return {
        "benchmark": "http_throughput",
        "request": "/plc help",
        "machine": {"cpu_count": os.cpu_count(), "usable_cpus": len(os.sched_getaffinity(0))
                    if hasattr(os, "sched_getaffinity") else os.cpu_count(),
                    "python": platform.python_version(), "platform": platform.platform()},
        "config": {"workers": args.workers, "threads": args.threads, "concurrency": args.concurrency,
                   "requests": args.requests, "warmup": args.warmup, "rounds": args.rounds, "database": database},
        "figures_from": "best round of each app (highest req/s); errors summed over all measured rounds",
        "apps": apps,
        "ratio_full_to_bare": round(ratio, 3),
        "targets": targets,
        "passed": all(t["passed"] for t in targets),
    }


def print_table(report: dict[str, Any], out: TextIO) -> None:
    machine, config, apps = report["machine"], report["config"], report["apps"]
    w = out.write
    w("PLC Bot HTTP throughput: signed `/plc help` slash commands, full app vs bare Bolt app\n")
    w(f"machine  : {machine['usable_cpus']} CPU cores (the {config['concurrency']} client threads share them with "
      f"both servers), Python {machine['python']}\n")
    w(f"servers  : gunicorn gthread, {config['workers']} workers x {config['threads']} threads each, "
      f"database {config['database']}\n")
    w(f"load     : {config['concurrency']} keep-alive client threads, {config['warmup']} warm-up + "
      f"{config['requests']} measured requests per app per round, {config['rounds']} rounds (order alternates)\n")
    w(f"figures  : {report['figures_from']}\n")
    w("cpu/req  : CPU ms per request of the server's processes (master + workers) and of the client process\n\n")
    w(f"{'app':<6}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>8}"
      f"{'server cpu/req':>16}{'client cpu/req':>16}   req/s per round\n")
    for name in ("full", "bare"):
        app = apps[name]
        per_round = " ".join(f"{r['rps']:.0f}" for r in app["rounds"])
        w(f"{name:<6}{app['rps']:>9.1f}{app['p50_ms']:>9.1f}{app['p99_ms']:>9.1f}{app['max_ms']:>9.1f}"
          f"{app['errors']:>8}{_ms(app['server_cpu_ms_per_request']):>16}{_ms(app['client_cpu_ms_per_request']):>16}"
          f"   {per_round}\n")
    w(f"\nfull/bare throughput: {report['ratio_full_to_bare']:.2f}x\n\ntargets\n")
    for target in report["targets"]:
        value = target["value"]
        shown = f"{value:.2f}x" if "throughput" in target["name"] else (
            f"{value:.1f} ms" if "p99" in target["name"] else str(value))
        w(f"  {'PASS' if target['passed'] else 'FAIL'}  {target['name']:<36} {shown}\n")
    for name in ("full", "bare"):
        for sample in apps[name]["error_samples"]:
            w(f"  {name} error: {sample}\n")


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f} ms"


# --------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.http_throughput",
                                     description="Throughput and latency of `/plc help`: full app vs bare Bolt app.")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per app (default 2)")
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker (default 8)")
    parser.add_argument("--concurrency", type=int, default=16, help="client threads (default 16)")
    parser.add_argument("--requests", type=int, default=4000, help="measured requests per app per round (default 4000)")
    parser.add_argument("--warmup", type=int, default=200, help="warm-up requests before each measured run")
    parser.add_argument("--rounds", type=int, default=2,
                        help="rounds; the app order alternates, the best round counts (default 2)")
    parser.add_argument("--database-url", help="database of the full app (default: SQLite file in a temp dir)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON instead of a table")
    args = parser.parse_args(argv)
    for name in ("workers", "threads", "concurrency", "requests", "rounds"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    if args.warmup < 0:
        parser.error("--warmup must not be negative")
    return args


def describe_database(url: str | None) -> str:
    if not url:
        return "SQLite (temp file)"
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - only a label
        return "(given URL)"


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def measure(args: argparse.Namespace, stack: ExitStack) -> dict[str, Any]:
    tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="plc-bench-")))
    emulator = SlackEmulator().start()
    stack.callback(emulator.stop)
    database_url = args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    env = server_env(emulator, database_url)
    servers = {
        "full": full_server(env, args.workers, args.threads, tmp),
        "bare": bare_server(env, args.workers, args.threads, tmp),
    }
    for server in servers.values():
        stack.callback(server.stop)
        server.start()
    for server in servers.values():
        server.wait_ready()
        check_answers(server)
    progress(f"both apps up: full {servers['full'].base_url}, bare {servers['bare'].base_url}")

    runs: dict[str, list[Run]] = {"full": [], "bare": []}
    for round_no in range(args.rounds):
        order = ("full", "bare") if round_no % 2 == 0 else ("bare", "full")
        for name in order:
            run = drive(servers[name], args.warmup, args.requests, args.concurrency)
            runs[name].append(run)
            summary = run.summary()
            progress(f"round {round_no + 1}/{args.rounds} {name}: {summary['rps']:.0f} req/s, "
                     f"p50 {summary['p50_ms']:.1f} ms, p99 {summary['p99_ms']:.1f} ms, errors {run.errors}, "
                     f"server cpu {_ms(summary['server_cpu_ms_per_request'])}/req")
    return build_report(args, describe_database(args.database_url), runs)


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    # Ctrl-C and SIGTERM both end the run and stop the apps (SIGINT explicitly: a shell's `&` ignores it).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        with ExitStack() as stack:
            report = measure(args, stack)
            progress("stopping the apps")
    except StartError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; apps stopped", file=sys.stderr)
        return 130
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_table(report, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
