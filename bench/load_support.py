"""What the load benchmarks (bench/upload_burst.py, bench/mixed_load.py) share.

A `Deployment` is bot.devtools.deployment's `Topology` (real `plc-bot run --http --no-scheduler`
servers, `plc-bot worker`s and `plc-bot scheduler`s) on a PostgreSQL schema and a RabbitMQ queue of
its own, calling an in-process Slack emulator. Leaving the `with` block, even on Ctrl-C or SIGTERM,
stops every process, deletes the queues and drops the schema.

The rest: signed clients with keep-alive sessions, a watcher that indexes the emulator's recorded
calls (modals opened by trigger id, posts), latency figures, and the memory and CPU of each process.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import random
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from bot.devtools.deployment import SECRET, Process, Server, Topology
from bot.devtools.slack_emulator import RecordedCall, SlackEmulator
from bot.devtools.slack_requests import SlackRequestSender, values_for

DEFAULT_DATABASE_URL = os.environ.get("PLC_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
DEFAULT_BROKER_URL = os.environ.get("PLC_BENCH_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
TARGET_P99_MS = 100.0
# gunicorn closes a keep-alive connection idle for 5 s (bot/server.py). A request sent on such a connection just as
# the server closes it is reset, as between any proxy and its backend; so, like a proxy whose idle timeout is
# shorter than its backend's, a client does not reuse a connection that has been idle longer than this.
REUSE_IDLE_S = 4.0
ACK_LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) INFO plc_bot\.requests slack request "
                      r"kind=(\S+) name=(\S+) status=\d+ ack_ms=([\d.]+)$", re.MULTILINE)


class SetupError(Exception):
    """The deployment or the workspace could not be set up: nothing was measured."""


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def handle_stop_signals() -> None:
    """Ctrl-C and SIGTERM both raise KeyboardInterrupt in the main thread (so `finally` cleans up)."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _raise_interrupt)


# --------------------------------------------------------------------------- deployment


def schema_url(base_url: str, schema: str) -> str:
    """`base_url` (psycopg 3 driver) with every connection's search_path set to `schema`."""
    url = make_url(base_url)
    if url.drivername in ("postgres", "postgresql"):
        url = url.set(drivername="postgresql+psycopg")
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


def delete_queues(broker_url: str, queue: str) -> None:
    import pika

    connection = pika.BlockingConnection(pika.URLParameters(broker_url))
    try:
        channel = connection.channel()
        for name in (queue, f"{queue}.DQ", f"{queue}.XQ"):
            channel.queue_delete(name)
    finally:
        connection.close()


class Deployment:
    """Servers, workers and schedulers on a schema and a queue of their own; all removed on exit."""

    def __init__(self, database_url: str, broker_url: str, keep_logs: Path | None = None, label: str = "bench") -> None:
        self.base_database_url = database_url
        self.broker_url = broker_url
        self.keep_logs = keep_logs
        self.schema = f"plc_{label}_{uuid.uuid4().hex[:10]}"
        self.queue = f"plc-{label}-{uuid.uuid4().hex[:10]}"
        self.database_url = schema_url(database_url, self.schema)
        self.emulator = SlackEmulator()
        self.tmp = Path(tempfile.mkdtemp(prefix=f"plc-{label}-"))
        self.topology = Topology(self.tmp, self.emulator, self.database_url, broker_url, self.queue)
        self._admin: Engine | None = None
        self._engine: Engine | None = None
        self._schema_made = False

    def __enter__(self) -> Deployment:
        try:
            self._admin = create_engine(schema_url(self.base_database_url, "public"))
            with self._admin.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{self.schema}"'))
            self._schema_made = True
            delete_queues(self.broker_url, self.queue)  # the broker answers (and the queue is fresh)
            self.emulator.start()
            self.topology.migrate()
        except AssertionError as error:
            self.close()
            raise SetupError(f"the migrations failed: {error}"[:3000]) from None
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def engine(self) -> Engine:
        """The bench's own connection to the deployment's schema (for counting what was stored)."""
        if self._engine is None:
            self._engine = create_engine(self.database_url, pool_size=2)
        return self._engine

    def scalar(self, sql: str, **params: Any) -> Any:
        with self.engine.connect() as connection:
            return connection.execute(text(sql), params).scalar()

    def rows(self, sql: str, **params: Any) -> list[Any]:
        with self.engine.connect() as connection:
            return list(connection.execute(text(sql), params))

    def server(self, name: str, workers: int = 2, threads: int = 8) -> Server:
        return self._started(lambda: self.topology.server(name, workers=workers, threads=threads), name)

    def worker(self, name: str, threads: int | None = None) -> Process:
        return self._started(lambda: self.topology.worker(name, **({"threads": threads} if threads else {})), name)

    def scheduler(self, name: str) -> Process:
        return self._started(lambda: self.topology.scheduler(name), name)

    def _started(self, start: Callable[[], Any], name: str) -> Any:
        try:
            return start()
        except AssertionError as error:  # the topology asserts that its processes come up
            raise SetupError(f"{name} did not start: {error}"[:3000]) from None

    def close(self) -> None:
        """Stop the processes, delete the queues, drop the schema (each step even if another failed)."""
        in_main = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if in_main else None  # a 2nd Ctrl-C must not skip it
        try:
            self._close()
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)

    def _close(self) -> None:
        problems: list[str] = []

        def attempt(what: str, step: Callable[[], object]) -> None:
            try:
                step()
            except Exception as error:  # noqa: BLE001 - clean up as much as possible, then say what failed
                problems.append(f"{what}: {error!r}"[:300])

        attempt("stopping the processes", self._stop_processes)
        if self._engine is not None:
            attempt("closing the bench's connections", self._engine.dispose)
        attempt("deleting the queues", lambda: delete_queues(self.broker_url, self.queue))
        if self._schema_made and self._admin is not None:
            def drop() -> None:
                assert self._admin is not None
                with self._admin.begin() as connection:
                    connection.execute(text(f'DROP SCHEMA "{self.schema}" CASCADE'))
            attempt("dropping the schema", drop)
            self._schema_made = False
        if self._admin is not None:
            attempt("closing the admin connection", self._admin.dispose)
        attempt("stopping the emulator", self.emulator.stop)
        if self.keep_logs is not None:
            def keep() -> None:
                assert self.keep_logs is not None
                self.keep_logs.mkdir(parents=True, exist_ok=True)
                for log in self.tmp.glob("*.log"):
                    shutil.copy2(log, self.keep_logs / log.name)
            attempt("keeping the logs", keep)
        shutil.rmtree(self.tmp, ignore_errors=True)
        for problem in problems:
            progress(f"cleanup: {problem}")

    def _stop_processes(self) -> None:
        """SIGTERM every process group at once, then wait (SIGKILL after 40 s)."""
        processes = [p for p in self.topology.processes if p.alive()]
        for process in processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.popen.pid, signal.SIGTERM)
        deadline = time.monotonic() + 40
        for process in processes:
            try:
                process.popen.wait(timeout=max(0.1, deadline - time.monotonic()))
            except Exception:  # noqa: BLE001 - TimeoutExpired: kill the group
                with contextlib.suppress(ProcessLookupError):
                    process.kill9()

    def logs_mention(self, *needles: str) -> dict[str, int]:
        """How many lines of all process logs mention each needle (case-sensitive)."""
        counts = dict.fromkeys(needles, 0)
        for process in self.topology.processes:
            for line in process.output().splitlines():
                for needle in needles:
                    if needle in line:
                        counts[needle] += 1
        return counts

    def server_acks(self, since: float, until: float) -> dict[str, list[float]]:
        """The servers' own ack times (ms) by request kind (command, event, ...) and by "kind name", from their
        one log line per Slack request, for requests logged between the wall-clock times `since` and `until`."""
        found: dict[str, list[float]] = defaultdict(list)
        for process in self.topology.processes:
            if not isinstance(process, Server):
                continue
            for match in ACK_LINE.finditer(process.output()):
                logged = datetime.strptime(match[1], "%Y-%m-%d %H:%M:%S,%f").timestamp()
                if since <= logged <= until:
                    found[match[2]].append(float(match[4]))
                    found[f"{match[2]} {match[3]}"].append(float(match[4]))
        return found

    def log_lines(self, needle: str, limit: int = 5) -> list[str]:
        found = []
        for process in self.topology.processes:
            for line in process.output().splitlines():
                if needle in line:
                    found.append(f"{process.name}: {line.strip()}"[:300])
                    if len(found) >= limit:
                        return found
        return found


# --------------------------------------------------------------------------- processes


@dataclass
class ProcessSample:
    pid: int
    rss_kib: int | None
    cpu_s: float | None


def _children(ppid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == ppid:
            found.append(int(stat.parent.name))
    return sorted(found)


def rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def sample_processes(processes: Iterable[Process]) -> dict[str, ProcessSample]:
    """RSS and CPU time of every process and of its children (gunicorn's workers), by a readable name."""
    found: dict[str, ProcessSample] = {}
    for process in processes:
        if not process.alive():
            continue
        root = process.popen.pid
        children = _children(root)
        label = "master" if children else ""
        found[f"{process.name}{' ' + label if label else ''}"] = ProcessSample(root, rss_kib(root), cpu_seconds(root))
        for index, child in enumerate(children, 1):
            found[f"{process.name} worker {index}"] = ProcessSample(child, rss_kib(child), cpu_seconds(child))
    return found


def cpu_between(before: dict[str, ProcessSample], after: dict[str, ProcessSample]) -> dict[str, float]:
    """CPU seconds each process used between two samples (processes present in both, same pid)."""
    used = {}
    for name, sample in after.items():
        earlier = before.get(name)
        if earlier is not None and earlier.pid == sample.pid and sample.cpu_s is not None and earlier.cpu_s is not None:
            used[name] = round(sample.cpu_s - earlier.cpu_s, 2)
    return used


def run_main(args: Any, measure: Callable[[Any], dict[str, Any]],
             print_report: Callable[[dict[str, Any]], None]) -> int:
    """A load bench's `main`: measure with cleanup on Ctrl-C or SIGTERM, then print a report or JSON."""
    handle_stop_signals()
    try:
        result = measure(args)
    except SetupError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; processes stopped, queues deleted, schema dropped", file=sys.stderr)
        return 130
    if args.json:
        print(json.dumps(result, indent=2, default=str))
    else:
        print_report(result)
    return 0


def bench_process_sample() -> ProcessSample:
    return ProcessSample(os.getpid(), rss_kib(os.getpid()), time.process_time())


# --------------------------------------------------------------------------- latencies


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), int(-(-fraction * len(sorted_values) // 1))))
    return sorted_values[rank - 1]


@dataclass
class KindFigures:
    count: int
    errors: int
    p50: float
    p99: float
    max: float


class Latencies:
    """Ack latencies (ms) and errors by kind of request, from many threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.ms: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.samples: list[str] = []

    def record(self, kind: str, ms: float, problem: str | None) -> None:
        with self._lock:
            self.ms[kind].append(ms)
            if problem is not None:
                self.errors[kind] += 1
                if len(self.samples) < 8:
                    self.samples.append(f"{kind}: {problem}"[:240])

    def figures(self, kinds: Iterable[str] | None = None) -> KindFigures:
        with self._lock:
            chosen = list(kinds) if kinds is not None else list(self.ms)
            values = sorted(v for k in chosen for v in self.ms.get(k, []))
            errors = sum(self.errors.get(k, 0) for k in chosen)
        if not values:
            return KindFigures(0, errors, float("nan"), float("nan"), float("nan"))
        return KindFigures(len(values), errors, percentile(values, 0.5), percentile(values, 0.99), values[-1])

    def kinds(self) -> list[str]:
        with self._lock:
            return sorted(self.ms)

    def total_errors(self) -> int:
        with self._lock:
            return sum(self.errors.values())


def timed(latencies: Latencies, kind: str, send: Callable[[], requests.Response],
          accept: Callable[[requests.Response], str | None] | None = None) -> requests.Response | None:
    """Send one request, record its latency under `kind`; an error is a non-200 answer, an exception,
    or what `accept` finds wrong with the answer."""
    started = time.perf_counter()
    answer: requests.Response | None = None
    try:
        answer = send()
        problem = None if answer.status_code == 200 else f"HTTP {answer.status_code}: {answer.text[:120]!r}"
        if problem is None and accept is not None:
            problem = accept(answer)
    except requests.RequestException as error:
        problem = f"{type(error).__name__}: {error}"[:200]
    latencies.record(kind, (time.perf_counter() - started) * 1000.0, problem)
    return answer if problem is None else None


def accept_empty(answer: requests.Response) -> str | None:
    """A view submission that closes the modal answers an empty body."""
    return None if answer.text == "" else f"form refused: {answer.text[:160]!r}"


# --------------------------------------------------------------------------- clients and the emulator


def sender(server: Server, emulator: SlackEmulator, session: requests.Session | None = None) -> SlackRequestSender:
    """A signed sender to `server`, on a keep-alive session of its own (one per client thread)."""
    return SlackRequestSender(f"{server.url}/slack/events", SECRET, team_id=emulator.team_id, emulator=emulator,
                              timeout=30.0, session=session or requests.Session())


class CallWatcher:
    """Reads the emulator's new recorded calls every 50 ms and indexes them: a client waits for *its*
    modal (views.open of its trigger_id) without scanning every call itself."""

    def __init__(self, emulator: SlackEmulator) -> None:
        self.emulator = emulator
        self._seen = 0
        self._cond = threading.Condition()
        self._views: dict[str, dict[str, Any]] = {}  # trigger_id -> opened view
        self.views_open_per_trigger: dict[str, int] = defaultdict(int)
        self._listeners: list[Callable[[RecordedCall], None]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="call-watcher", daemon=True)

    def on_call(self, listener: Callable[[RecordedCall], None]) -> None:
        self._listeners.append(listener)

    def start(self) -> CallWatcher:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            self.poll()

    def poll(self) -> None:
        calls = self.emulator.calls
        new, self._seen = calls[self._seen:], len(calls)
        if not new:
            return
        with self._cond:
            for call in new:
                if call.method == "views.open":
                    trigger = str(call.args.get("trigger_id") or "")
                    self.views_open_per_trigger[trigger] += 1
                    if call.ok and isinstance(call.response, dict):
                        self._views[trigger] = call.response["view"]
            self._cond.notify_all()
        for call in new:
            for listener in self._listeners:
                listener(call)

    def view_for(self, trigger_id: str | None, timeout: float = 15.0) -> dict[str, Any] | None:
        """The modal opened with `trigger_id` (None after `timeout`)."""
        if not trigger_id:
            return None
        deadline = time.monotonic() + timeout
        with self._cond:
            while trigger_id not in self._views:
                left = deadline - time.monotonic()
                if left <= 0 or self._stop.is_set():
                    return None
                self._cond.wait(min(left, 0.5))
            return self._views.pop(trigger_id)


def wait_until(probe: Callable[[], Any], timeout: float, every: float = 0.2) -> Any:
    """`probe()`'s first truthy value, or None after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        found = probe()
        if found:
            return found
        if time.monotonic() >= deadline:
            return None
        time.sleep(every)


def posts(emulator: SlackEmulator) -> list[RecordedCall]:
    """Successful chat.postMessage calls (channel posts, thread replies and DMs), oldest first."""
    return [c for c in emulator.calls_to("chat.postMessage") if c.ok]


def post_text(call: RecordedCall) -> str:
    return f"{call.args.get('text') or ''} {call.args.get('blocks') or ''}"


# --------------------------------------------------------------------------- the workspace


@dataclass
class Team:
    channel_id: str
    name: str
    members: list[str]
    timezone: str
    meeting: dict[str, Any] | None = None  # the meeting's message (the thread), once posted
    extra: dict[str, Any] = field(default_factory=dict)


def add_teachers(emulator: SlackEmulator, count: int, prefix: str = "U0LOAD", first: int = 1) -> list[str]:
    users = []
    for number in range(first, first + count):
        user_id = f"{prefix}{number:03d}"
        emulator.add_user(user_id, f"teacher{number}", real_name=f"Teacher {number}", tz="America/New_York")
        users.append(user_id)
    return users


def open_modal(client: SlackRequestSender, watcher: CallWatcher, text: str, user_id: str, channel_id: str,
               latencies: Latencies | None = None, kind: str = "", timeout: float = 15.0) -> dict[str, Any] | None:
    """`/plc TEXT` that opens a modal; the modal's view (None when the command failed or no modal came)."""
    send = lambda: client.slash_command("/plc", text, user_id=user_id, channel_id=channel_id)  # noqa: E731
    if latencies is not None:
        if timed(latencies, kind, send) is None:
            return None
    elif send().status_code != 200:
        return None
    return watcher.view_for(client.last_trigger_id, timeout)


def register_team(client: SlackRequestSender, watcher: CallWatcher, team: Team, facilitator: str) -> None:
    view = open_modal(client, watcher, "setup", facilitator, team.channel_id)
    if view is None:
        raise SetupError(f"/plc setup opened no modal in {team.channel_id}")
    answers = {"team_name": team.name, "team_subject": "Mathematics", "team_grade_band": "Grades 3–5",
               "team_timezone": team.timezone, "team_language": "en", "team_members": team.members}
    reply = client.view_submission(view, values_for(view, answers), user_id=facilitator)
    if reply.status_code != 200 or reply.text != "":
        raise SetupError(f"the setup form was refused: HTTP {reply.status_code} {reply.text[:300]!r}")


def results_csv(teacher_number: int, students: int = 24, rng: random.Random | None = None) -> bytes:
    """A tidy long results file of one teacher's class: 4 items on 2 standards, names unique to the teacher."""
    rng = rng or random.Random(teacher_number)
    lines = ["student,item,standard,score,max points"]
    for student in range(1, students + 1):
        name = f"Student {teacher_number}-{student}"
        for item, standard in (("Q1", "4.NF.1"), ("Q2", "4.NF.1"), ("Q3", "4.NF.2"), ("Q4", "4.NF.2")):
            lines.append(f"{name},{item},{standard},{rng.randint(0, 2)},2")
    return ("\n".join(lines) + "\n").encode("utf-8")


_event_counter = itertools.count(1)


def unique_ts() -> str:
    """A message ts no other message of the run has."""
    return f"{int(time.time())}.{next(_event_counter):06d}"


def figures_of(values: Iterable[float]) -> KindFigures:
    ordered = sorted(values)
    if not ordered:
        return KindFigures(0, 0, float("nan"), float("nan"), float("nan"))
    return KindFigures(len(ordered), 0, percentile(ordered, 0.5), percentile(ordered, 0.99), ordered[-1])


@dataclass
class MachineCpu:
    """Machine-wide CPU time (all cores, from /proc/stat) and the CPU time of PostgreSQL's and RabbitMQ's
    processes (shared with anyone else using them), in seconds, at one moment."""

    busy_s: float
    total_s: float
    services_s: float

    @classmethod
    def now(cls) -> MachineCpu | None:
        try:
            fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        except (OSError, ValueError, IndexError):
            return None
        ticks = os.sysconf("SC_CLK_TCK")
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
        services = 0.0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                name, rest = stat.read_text().split(") ", 1)
            except (OSError, ValueError):
                continue
            if name.split("(", 1)[-1] in ("postgres", "beam.smp"):
                values = rest.split()
                services += (int(values[11]) + int(values[12])) / ticks
        return cls((sum(fields) - idle) / ticks, sum(fields) / ticks, services)


def machine_share(before: MachineCpu | None, after: MachineCpu | None, ours_s: float) -> dict[str, float] | None:
    """Core-seconds between two readings: the whole machine busy, our processes, PostgreSQL + RabbitMQ, and the rest
    (other people's work on the machine), plus the machine's idle fraction."""
    if before is None or after is None:
        return None
    busy, total = after.busy_s - before.busy_s, after.total_s - before.total_s
    services = max(0.0, after.services_s - before.services_s)  # a PostgreSQL backend that exits takes its time
    return {"busy_core_s": round(busy, 1), "ours_core_s": round(ours_s, 1),
            "postgres_rabbitmq_core_s": round(services, 1),
            "others_core_s": round(max(0.0, busy - ours_s - services), 1),
            "idle_percent": round(100 * (1 - busy / total), 1) if total > 0 else 0.0}


def describe_share(share: dict[str, float] | None, seconds: float) -> str:
    if share is None:
        return "n/a"
    cores = os.cpu_count() or 1
    return (f"{share['busy_core_s']:.0f} of {seconds * cores:.0f} core-seconds busy "
            f"({share['idle_percent']:.0f} % idle): the bench's processes {share['ours_core_s']:.0f}, "
            f"PostgreSQL + RabbitMQ {share['postgres_rabbitmq_core_s']:.0f}, "
            f"everything else on the machine {share['others_core_s']:.0f}")


def load_average() -> str:
    try:
        return " ".join(f"{v:.1f}" for v in os.getloadavg())
    except OSError:
        return "n/a"


def mib(kib: int | None) -> str:
    return "n/a" if kib is None else f"{kib / 1024:.0f}"


def ms(value: float) -> str:
    return "n/a" if value != value else f"{value:.1f}"  # NaN: nothing measured
