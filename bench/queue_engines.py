"""Job queue engines for slow work, measured side by side: Dramatiq on RabbitMQ, Dramatiq on Redis, Celery on
RabbitMQ (acks_late, reject_on_worker_lost, prefetch 1) and procrastinate on PostgreSQL.

The job (`bench.queue_jobs.run_job`) sleeps and records its run (start, end, process) in a PostgreSQL table of a
schema the bench creates and drops for each engine. Workers are real subprocesses, each with 8 threads: the
engine's CLI (`dramatiq --processes 1 --threads 8`, `celery worker --pool threads --concurrency 8`) or, for
procrastinate, `python -m bench.queue_jobs procrastinate-worker` (its worker with 8 executor threads).
For each engine, in order:

1. **enqueue**: latency of one enqueue from the calling thread, no worker running (what a Slack listener pays
   before acking): N sequential enqueues on a warm connection, then 16 threads at once (each warmed first);
2. **start-up**: a worker is started with one job waiting: spawn -> job start;
3. **end-to-end**: enqueue -> job start, one job at a time, the worker idle between jobs (gaps of 0.05-0.6 s,
   every 8th 1.5 s: an idle Redis consumer polls with a growing back-off);
4. **throughput**: 500 jobs of 50 ms enqueued at once, first enqueue -> last job end (8 threads: 160/s at most);
5. **kill -9**: 20 jobs of 2 s, the worker's process group is killed 1 s into the first 8, a new worker is
   started at once: jobs completed, run twice, lost, and when the killed jobs started again;
6. **SIGTERM**: 12 jobs of 2 s, SIGTERM to the worker 1 s into the first 8: do they finish, how long until the
   worker exits, and do the jobs it had not started run on the next worker.

Then the install footprint of each engine (packages it adds to plc-bot[postgres], from the installed metadata)
and a probe of its in-process mode (no broker server). Measures only: exit status 0 whatever the figures.

    python -m bench.queue_engines [--engines dramatiq-rabbitmq,dramatiq-redis,celery-rabbitmq,procrastinate]
                                  [--enqueues 1000] [--e2e-samples 40] [--throughput-jobs 500] [--json]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import math
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from bench import queue_jobs

ROOT = Path(__file__).resolve().parent.parent
THREADS = 8
CALLER_THREADS = 16
JOB_SECONDS = 0.05
LONG_SECONDS = 2.0
REDIS_HEARTBEAT_MS = 5000  # Dramatiq's default is 60,000
REDIS_MAINTENANCE = 1_000_000  # per million commands; Dramatiq's default is 1,000 (0.1 %)
PROCRASTINATE_HEARTBEAT = 1.0  # procrastinate's default is 10 s
PROCRASTINATE_STALE_AFTER = 5.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))]


def wait_until(predicate, timeout: float, interval: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())


def timed_sends(send: Callable[[int], object], count: int, all_done: Callable[[], bool]) -> tuple[list[float], float]:
    """Send `count` jobs one by one: each send's seconds, and the seconds until `all_done`."""
    latencies, started = [], time.perf_counter()
    for i in range(count):
        t = time.perf_counter()
        send(i)
        latencies.append(time.perf_counter() - t)
    wait_until(all_done, 30)
    return latencies, time.perf_counter() - started


# --- the runs table -------------------------------------------------------------------------------------------------

class Runs:
    """The `runs` table of the engine's schema, read from the bench."""

    def __init__(self, dsn: str, schema: str):
        self.dsn, self.schema = dsn, schema
        with queue_jobs.connect(dsn, "public") as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            conn.execute(f'CREATE SCHEMA "{schema}"')
        self.conn = queue_jobs.connect(dsn, schema)
        self.conn.execute("CREATE TABLE runs (id bigserial PRIMARY KEY, job text NOT NULL, enqueued_at float8, "
                          "started_at float8 NOT NULL, finished_at float8, pid int)")
        self.conn.execute("CREATE INDEX ON runs (job)")

    def rows(self, prefix: str) -> list[tuple[str, float, float, float | None, int]]:
        return self.conn.execute("SELECT job, enqueued_at, started_at, finished_at, pid FROM runs "
                                 "WHERE job LIKE %s ORDER BY started_at", (prefix + "%",)).fetchall()

    def started(self, prefix: str) -> int:
        return self.conn.execute("SELECT count(DISTINCT job) FROM runs WHERE job LIKE %s",
                                 (prefix + "%",)).fetchone()[0]

    def finished(self, prefix: str) -> int:
        return self.conn.execute("SELECT count(DISTINCT job) FROM runs WHERE job LIKE %s AND finished_at IS NOT NULL",
                                 (prefix + "%",)).fetchone()[0]

    def first(self, job: str) -> tuple[float, float | None] | None:
        return self.conn.execute("SELECT started_at, finished_at FROM runs WHERE job = %s ORDER BY id LIMIT 1",
                                 (job,)).fetchone()

    def drop(self) -> None:
        self.conn.close()
        with queue_jobs.connect(self.dsn, "public") as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')


# --- workers --------------------------------------------------------------------------------------------------------

class Worker:
    """A worker subprocess in its own process group (so `kill -9` takes its children too), output to a log file."""

    def __init__(self, command: list[str], env: dict[str, str], log_path: Path):
        self.log_path = log_path
        self.log_file = log_path.open("ab")
        self.spawned_at = time.time()
        self.proc = subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=self.log_file,
                                     stderr=subprocess.STDOUT, start_new_session=True)

    def group_alive(self) -> bool:
        """Whether a process of the worker's group still runs (zombies waiting for init to reap them do not)."""
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, IndexError, ValueError):
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[2]) == self.proc.pid and fields[0] != "Z":
                    return True
        return False

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(5)
        wait_until(lambda: not self.group_alive(), 5)
        self.log_file.close()

    def terminate(self, timeout: float = 30.0) -> float | None:
        """SIGTERM to the main process (what `docker stop` does); seconds until the whole group is gone, or None
        if it was still there after `timeout` (then it is killed)."""
        sent = time.monotonic()
        with contextlib.suppress(ProcessLookupError):
            self.proc.send_signal(signal.SIGTERM)
        exited = wait_until(lambda: self.proc.poll() is not None and not self.group_alive(), timeout, 0.01)
        took = time.monotonic() - sent
        self.kill()
        return took if exited else None

    def tail(self, lines: int = 15) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""


# --- engines --------------------------------------------------------------------------------------------------------

class Engine:
    key = ""
    label = ""
    requirement = ""  # for the footprint
    settings = ""

    def __init__(self, env: dict[str, str], tmp: Path):
        self.env, self.tmp = env, tmp
        self.workers_started = 0

    # the caller's side
    def open_client(self) -> None: ...
    def enqueue(self, job: str, seconds: float = JOB_SECONDS) -> None: ...
    def purge(self) -> None: ...
    def close_client(self) -> None: ...
    def extra_enqueue(self, count: int, result: Result) -> None: ...
    # broker resources
    def setup(self) -> None: ...
    def teardown(self) -> None: ...

    def worker_command(self, **options: Any) -> list[str]:
        raise NotImplementedError

    def start_worker(self, **options: Any) -> Worker:
        self.workers_started += 1
        return Worker(self.worker_command(**options), self.env,
                      self.tmp / f"{self.key}-worker-{self.workers_started}.log")


class DramatiqEngine(Engine):
    setup_name = ""

    def open_client(self) -> None:
        self.actor = getattr(queue_jobs, self.setup_name)()
        self.broker = self.actor.broker

    def enqueue(self, job: str, seconds: float = JOB_SECONDS) -> None:
        self.actor.send(job, time.time(), seconds)

    def purge(self) -> None:
        self.broker.flush_all()

    def close_client(self) -> None:
        self.broker.close()

    def worker_command(self, **options: Any) -> list[str]:
        return [sys.executable, "-m", "dramatiq", "--processes", "1", "--threads", str(THREADS),
                f"bench.queue_jobs:{self.setup_name}"]


class DramatiqRabbitmq(DramatiqEngine):
    key, label = "dramatiq-rabbitmq", "Dramatiq on RabbitMQ"
    requirement = "dramatiq[rabbitmq]"
    setup_name = "setup_dramatiq_rabbitmq"
    settings = "defaults (prefetch = 2 x threads, no publisher confirms)"

    def teardown(self) -> None:
        queue = self.env["QBENCH_QUEUE"]
        delete_rabbitmq(self.env["QBENCH_AMQP_URL"], [queue, f"{queue}.DQ", f"{queue}.XQ"], [])

    def extra_enqueue(self, count: int, result: Result) -> None:
        """The same sequential enqueues with publisher confirms (`confirm_delivery=True`): the caller waits until
        RabbitMQ has the message."""
        actor = queue_jobs.setup_dramatiq_rabbitmq(confirm_delivery=True)
        for i in range(50):
            actor.send(f"warm-confirm-{i}", time.time(), JOB_SECONDS)
        lat = []
        for i in range(count):
            started = time.perf_counter()
            actor.send(f"confirm-{i}", time.time(), JOB_SECONDS)
            lat.append(time.perf_counter() - started)
        actor.broker.flush_all()
        actor.broker.close()
        result.figures.update({"enqueue_confirmed_p50_ms": ms(pct(lat, 50)), "enqueue_confirmed_p99_ms":
                               ms(pct(lat, 99)), "enqueue_confirmed_max_ms": ms(max(lat))})


class DramatiqRedis(DramatiqEngine):
    key, label = "dramatiq-redis", "Dramatiq on Redis"
    requirement = "dramatiq[redis]"
    setup_name = "setup_dramatiq_redis"
    settings = (f"heartbeat_timeout {REDIS_HEARTBEAT_MS / 1000:.0f} s (default 60 s), maintenance on every "
                "command (default 1 in 1,000)")

    def teardown(self) -> None:
        import redis

        client = redis.Redis.from_url(self.env["QBENCH_REDIS_URL"])
        keys = list(client.scan_iter(match=f"{self.env['QBENCH_QUEUE']}:*", count=1000))
        if keys:
            client.delete(*keys)
        client.close()


class CeleryRabbitmq(Engine):
    key, label = "celery-rabbitmq", "Celery on RabbitMQ"
    requirement = "celery"
    settings = "acks_late, reject_on_worker_lost, prefetch multiplier 1, threads pool, producer pool 16"

    def open_client(self) -> None:
        self.app = queue_jobs.make_celery()
        self.task = self.app.tasks[queue_jobs.TASK_NAME]

    def enqueue(self, job: str, seconds: float = JOB_SECONDS) -> None:
        self.task.apply_async((job, time.time(), seconds))

    def purge(self) -> None:
        with self.app.connection_for_write() as conn:
            conn.default_channel.queue_purge(self.env["QBENCH_QUEUE"])

    def close_client(self) -> None:
        self.app.close()

    def worker_command(self, **options: Any) -> list[str]:
        return [sys.executable, "-m", "celery", "-A", "bench.queue_jobs:celery_app", "worker", "--pool", "threads",
                "--concurrency", str(THREADS), "-Q", self.env["QBENCH_QUEUE"], "--without-gossip",
                "--without-mingle", "--without-heartbeat", "--loglevel", "WARNING"]

    def teardown(self) -> None:
        queue = self.env["QBENCH_QUEUE"]
        delete_rabbitmq(self.env["QBENCH_AMQP_URL"], [queue], [queue])


class Procrastinate(Engine):
    key, label = "procrastinate", "procrastinate on PostgreSQL"
    requirement = "procrastinate"
    settings = (f"LISTEN/NOTIFY, 8 executor threads, heartbeat {PROCRASTINATE_HEARTBEAT:.0f} s (default 10 s), "
                "caller pool 16")

    def setup(self) -> None:
        app = queue_jobs.make_procrastinate(pool_size=1)
        with app.open():
            app.schema_manager.apply_schema()

    def open_client(self) -> None:
        self.app = queue_jobs.make_procrastinate(pool_size=CALLER_THREADS).open()
        self.task = self.app.tasks[queue_jobs.TASK_NAME]

    def enqueue(self, job: str, seconds: float = JOB_SECONDS) -> None:
        self.task.defer(key=job, enqueued_at=time.time(), seconds=seconds)

    def purge(self) -> None:
        with queue_jobs.connect() as conn:
            conn.execute("TRUNCATE procrastinate_jobs CASCADE")

    def close_client(self) -> None:
        self.app.close()

    def worker_command(self, sweep: bool = False, **options: Any) -> list[str]:
        command = [sys.executable, "-m", "bench.queue_jobs", "procrastinate-worker", "--threads", str(THREADS),
                   "--heartbeat", str(PROCRASTINATE_HEARTBEAT)]
        return [*command, "--sweep", str(PROCRASTINATE_STALE_AFTER)] if sweep else command

    def stuck_doing(self) -> int:
        with queue_jobs.connect() as conn:
            return conn.execute("SELECT count(*) FROM procrastinate_jobs WHERE status = 'doing'").fetchone()[0]

    def forget_stuck(self) -> None:
        with queue_jobs.connect() as conn:
            conn.execute("DELETE FROM procrastinate_jobs WHERE status = 'doing'")


ENGINES = {engine.key: engine for engine in (DramatiqRabbitmq, DramatiqRedis, CeleryRabbitmq, Procrastinate)}


def delete_rabbitmq(url: str, queues: list[str], exchanges: list[str]) -> None:
    import pika

    connection = pika.BlockingConnection(pika.URLParameters(url))
    try:
        channel = connection.channel()
        for queue in queues:
            channel.queue_delete(queue)
        for exchange in exchanges:
            channel.exchange_delete(exchange)
    finally:
        connection.close()


# --- the measurements -----------------------------------------------------------------------------------------------

@dataclass
class Result:
    engine: str
    label: str
    settings: str
    figures: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def measure_enqueue(engine: Engine, count: int, result: Result) -> None:
    engine.open_client()
    for i in range(50):
        engine.enqueue(f"warm-{i}")
    one = []
    for i in range(count):
        started = time.perf_counter()
        engine.enqueue(f"enq-{i}")
        one.append(time.perf_counter() - started)
    per_thread = max(1, count // CALLER_THREADS)
    barrier = threading.Barrier(CALLER_THREADS)
    many: list[float] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def caller(n: int) -> None:
        try:
            for i in range(5):
                engine.enqueue(f"warm-{n}-{i}")
            barrier.wait(30)
            mine = []
            for i in range(per_thread):
                started = time.perf_counter()
                engine.enqueue(f"par-{n}-{i}")
                mine.append(time.perf_counter() - started)
            with lock:
                many.extend(mine)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.abort()

    threads = [threading.Thread(target=caller, args=(n,), daemon=True) for n in range(CALLER_THREADS)]
    wall = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    wall = time.perf_counter() - wall
    engine.purge()
    engine.close_client()
    result.figures.update({
        "enqueue_1_thread_p50_ms": ms(pct(one, 50)), "enqueue_1_thread_p99_ms": ms(pct(one, 99)),
        "enqueue_1_thread_max_ms": ms(max(one)), "enqueue_1_thread_count": len(one),
    })
    if many:
        result.figures.update({
            "enqueue_16_threads_p50_ms": ms(pct(many, 50)), "enqueue_16_threads_p99_ms": ms(pct(many, 99)),
            "enqueue_16_threads_max_ms": ms(max(many)), "enqueue_16_threads_count": len(many),
            "enqueue_16_threads_per_s": round(len(many) / wall, 1),
        })
    if errors:
        result.notes.append(f"16-thread enqueue: {len(errors)} caller(s) failed: {errors[0]!r}")


def measure_start_and_latency(engine: Engine, runs: Runs, samples: int, result: Result) -> Worker:
    engine.open_client()
    worker = engine.start_worker()
    engine.enqueue("startup")
    if not wait_until(lambda: runs.first("startup") is not None, 60, 0.01):
        raise RuntimeError(f"worker did not start a job in 60 s:\n{worker.tail()}")
    result.figures["worker_start_to_first_job_s"] = round(runs.first("startup")[0] - worker.spawned_at, 2)
    wait_until(lambda: (runs.first("startup") or (0, None))[1] is not None, 10)
    time.sleep(1.0)  # the worker is idle and waiting
    rng = random.Random(11)
    latencies = []
    for i in range(samples):
        job = f"e2e-{i}"
        engine.enqueue(job)
        if not wait_until(lambda job=job: (runs.first(job) or (0, None))[1] is not None, 15, 0.005):
            result.notes.append(f"end-to-end: {job} did not run within 15 s")
            continue
        time.sleep(1.5 if i % 8 == 7 else rng.uniform(0.05, 0.6))  # idle gap; every 8th a long one
    for _job, enqueued_at, started_at, _finished, _pid in runs.rows("e2e-"):
        latencies.append(started_at - enqueued_at)
    if latencies:
        result.figures.update({
            "e2e_p50_ms": ms(pct(latencies, 50)), "e2e_p99_ms": ms(pct(latencies, 99)),
            "e2e_max_ms": ms(max(latencies)), "e2e_samples": len(latencies),
        })
    return worker


def measure_throughput(engine: Engine, runs: Runs, jobs: int, result: Result) -> None:
    started = time.time()
    for i in range(jobs):
        engine.enqueue(f"tp-{i}")
    enqueued = time.time() - started
    done = wait_until(lambda: runs.finished("tp-") >= jobs, 60, 0.05)
    last = runs.conn.execute("SELECT max(finished_at) FROM runs WHERE job LIKE 'tp-%'").fetchone()[0] or time.time()
    result.figures.update({
        "throughput_jobs": jobs, "throughput_jobs_done": runs.finished("tp-"),
        "throughput_per_s": round(runs.finished("tp-") / (last - started), 1),
        "throughput_enqueue_all_s": round(enqueued, 2),
    })
    if not done:
        result.notes.append(f"throughput: only {runs.finished('tp-')} of {jobs} jobs done within 60 s")


def measure_crash(engine: Engine, runs: Runs, worker: Worker, result: Result, prefix: str, bound: float,
                  **next_options: Any) -> Worker:
    """20 jobs of 2 s; kill -9 the worker's process group 1 s into the first batch; start a new one at once."""
    count = 20
    for i in range(count):
        engine.enqueue(f"{prefix}-{i}", LONG_SECONDS)
    wait_until(lambda: runs.started(prefix) >= THREADS, 15)
    first_start = runs.conn.execute("SELECT min(started_at) FROM runs WHERE job LIKE %s", (prefix + "%",)).fetchone()[0]
    time.sleep(max(0.0, (first_start or time.time()) + 1.0 - time.time()))
    killed_at = time.time()
    worker.kill()
    killed = {row[0] for row in runs.rows(prefix) if row[3] is None}
    new = engine.start_worker(**next_options)
    all_done = wait_until(lambda: runs.finished(prefix) >= count, bound, 0.05)
    rows = runs.rows(prefix)
    starts: dict[str, list[float]] = {}
    finishes: dict[str, int] = {}
    for job, _enq, started_at, finished_at, _pid in rows:
        starts.setdefault(job, []).append(started_at)
        finishes[job] = finishes.get(job, 0) + (finished_at is not None)
    reruns = [started - killed_at for job in killed for started in starts.get(job, [])[1:]]
    new_starts = [started_at for _j, _e, started_at, _f, pid in rows if started_at > killed_at]
    last_end = max((row[3] for row in rows if row[3]), default=None)
    fig = {
        "jobs": count, "killed_mid_job": len(killed),
        "completed": sum(1 for job in starts if finishes[job] >= 1),
        "started_twice_or_more": sum(1 for runs_ in starts.values() if len(runs_) > 1),
        "completed_twice_or_more": sum(1 for n in finishes.values() if n > 1),
        "killed_jobs_rerun": sum(1 for job in killed if len(starts.get(job, [])) > 1),
        "never_completed": count - sum(1 for job in starts if finishes[job] >= 1),
        "new_worker_first_job_s": round(min(new_starts) - new.spawned_at, 2) if new_starts else None,
        "redelivery_first_s": round(min(reruns), 2) if reruns else None,
        "redelivery_last_s": round(max(reruns), 2) if reruns else None,
        "all_done_after_kill_s": round(last_end - killed_at, 2) if all_done and last_end else None,
        "observed_for_s": round(time.time() - killed_at, 1),
    }
    result.figures[prefix] = fig
    return new


def measure_sigterm(engine: Engine, runs: Runs, worker: Worker, result: Result) -> Worker:
    """12 jobs of 2 s; SIGTERM to the worker 1 s into the first 8; then a new worker for whatever is left."""
    count, prefix = 12, "term"
    for i in range(count):
        engine.enqueue(f"{prefix}-{i}", LONG_SECONDS)
    wait_until(lambda: runs.started(prefix) >= THREADS, 15)
    first_start = runs.conn.execute("SELECT min(started_at) FROM runs WHERE job LIKE 'term-%'").fetchone()[0]
    time.sleep(max(0.0, (first_start or time.time()) + 1.0 - time.time()))
    signalled_at = time.time()
    in_flight = {row[0] for row in runs.rows(prefix) if row[3] is None}
    exit_s = worker.terminate(timeout=30)
    after_exit = {row[0] for row in runs.rows(prefix) if row[3] is not None}
    new = engine.start_worker()
    wait_until(lambda: runs.finished(prefix) >= count, 20, 0.05)
    rows = runs.rows(prefix)
    starts: dict[str, int] = {}
    finishes: dict[str, int] = {}
    for job, _enq, _started, finished_at, _pid in rows:
        starts[job] = starts.get(job, 0) + 1
        finishes[job] = finishes.get(job, 0) + (finished_at is not None)
    result.figures["sigterm"] = {
        "jobs": count, "in_flight": len(in_flight),
        "in_flight_finished_before_exit": len(in_flight & after_exit),
        "worker_exit_s": round(exit_s, 2) if exit_s is not None else None,
        "started_by_old_worker_after_signal": sum(1 for row in rows if signalled_at < row[2] < signalled_at
                                                  + (exit_s or 30) and row[0] not in in_flight),
        "completed": sum(1 for n in finishes.values() if n >= 1),
        "started_twice_or_more": sum(1 for n in starts.values() if n > 1),
        "never_completed": count - sum(1 for n in finishes.values() if n >= 1),
    }
    return new


def run_engine(cls: type[Engine], args: argparse.Namespace, tmp: Path) -> Result:
    tag = f"qbench_{cls.key.replace('-', '_')}_{os.getpid()}"
    env = {**os.environ, "QBENCH_DSN": args.database_url, "QBENCH_SCHEMA": tag, "QBENCH_QUEUE": tag,
           "QBENCH_AMQP_URL": args.amqp_url, "QBENCH_REDIS_URL": args.redis_url,
           "QBENCH_REDIS_HEARTBEAT_MS": str(REDIS_HEARTBEAT_MS), "QBENCH_REDIS_MAINTENANCE": str(REDIS_MAINTENANCE),
           "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    saved = {key: os.environ.get(key) for key in env if key.startswith("QBENCH_")}
    os.environ.update({key: value for key, value in env.items() if key.startswith("QBENCH_")})
    engine = cls(env, tmp)
    result = Result(cls.key, cls.label, cls.settings)
    runs = Runs(args.database_url, tag)
    worker: Worker | None = None
    started = time.monotonic()
    try:
        engine.setup()
        log(f"{cls.label}: enqueue latency ...")
        measure_enqueue(engine, args.enqueues, result)
        engine.extra_enqueue(args.enqueues, result)
        log(f"{cls.label}: worker start-up and end-to-end latency ...")
        worker = measure_start_and_latency(engine, runs, args.e2e_samples, result)
        log(f"{cls.label}: throughput of {args.throughput_jobs} jobs ...")
        measure_throughput(engine, runs, args.throughput_jobs, result)
        if isinstance(engine, Procrastinate):
            log(f"{cls.label}: kill -9 mid-job, new worker without a stalled-job sweeper ...")
            worker = measure_crash(engine, runs, worker, result, "crash", 10.0)
            result.figures["crash"]["still_doing_in_db"] = engine.stuck_doing()
            worker.terminate()
            engine.forget_stuck()
            worker = engine.start_worker(sweep=True)
            time.sleep(1.0)
            log(f"{cls.label}: kill -9 mid-job, new worker with a stalled-job sweeper ...")
            worker = measure_crash(engine, runs, worker, result, "crash_sweeper", 30.0, sweep=True)
        else:
            log(f"{cls.label}: kill -9 mid-job ...")
            worker = measure_crash(engine, runs, worker, result, "crash", 30.0)
        log(f"{cls.label}: SIGTERM mid-job ...")
        worker = measure_sigterm(engine, runs, worker, result)
        worker.terminate()
        worker = None
    except Exception as exc:  # noqa: BLE001 - a bench reports, it does not fail
        result.notes.append(f"aborted: {exc!r}")
        log(f"{cls.label}: aborted: {exc!r}")
        if worker is not None:
            log(worker.tail())
    finally:
        if worker is not None:
            worker.kill()
        with contextlib.suppress(Exception):
            engine.close_client()
        try:
            engine.teardown()
        except Exception as exc:  # noqa: BLE001
            result.notes.append(f"teardown: {exc!r}")
        runs.drop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    result.figures["bench_seconds"] = round(time.monotonic() - started, 1)
    return result


# --- install footprint and in-process modes -------------------------------------------------------------------------

def closure(requirement: str) -> set[str]:
    """The installed distributions a requirement pulls in, itself included (names normalised)."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    seen: set[str] = set()
    todo = [Requirement(requirement)]
    while todo:
        req = todo.pop()
        name = canonicalize_name(req.name)
        key = name + "[" + ",".join(sorted(req.extras)) + "]"
        if key in seen:
            continue
        seen.add(key)
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        extras = {""} | set(req.extras)
        for line in dist.requires or []:
            sub = Requirement(line)
            if sub.marker is None or any(sub.marker.evaluate({"extra": extra}) for extra in extras):
                todo.append(sub)
    return {key.split("[")[0] for key in seen}


def footprint(requirement: str) -> dict[str, Any]:
    base = closure("plc-bot[postgres]")
    pulled = closure(requirement)
    new = sorted(pulled - base)
    size = 0
    for name in new:
        with contextlib.suppress(metadata.PackageNotFoundError):
            size += sum(f.size or 0 for f in metadata.distribution(name).files or [])
    return {"requirement": requirement, "packages": len(pulled), "new_to_plc_bot": new,
            "new_size_mib": round(size / 2**20, 1)}


PROBE_DONE: list[int] = []


def probe_job(i: int) -> None:
    time.sleep(JOB_SECONDS)
    PROBE_DONE.append(i)


def probe_in_process() -> dict[str, dict[str, Any]]:
    """Each engine's mode without a broker server: 40 jobs of 50 ms, enqueued then drained in this process."""
    out: dict[str, dict[str, Any]] = {}
    count = 40
    done = PROBE_DONE
    logging.getLogger("procrastinate").setLevel(logging.ERROR)  # "App is instantiated in the main module"

    # Dramatiq: StubBroker (in memory) and a Worker with 8 threads in this process.
    try:
        import dramatiq
        from dramatiq.brokers.stub import StubBroker

        broker = StubBroker()
        done.clear()
        actor = dramatiq.actor(probe_job, broker=broker, actor_name="probe", queue_name="probe")
        worker = dramatiq.Worker(broker, worker_threads=THREADS, worker_timeout=100)
        worker.start()
        lat, started = [], time.perf_counter()
        for i in range(count):
            t = time.perf_counter()
            actor.send(i)
            lat.append(time.perf_counter() - t)
        broker.join("probe", timeout=30_000)
        worker.join()
        out["dramatiq"] = {"mode": "StubBroker + dramatiq.Worker threads in the app process",
                           "enqueue_p50_ms": ms(pct(lat, 50)), "drain_s": round(time.perf_counter() - started, 2),
                           "ran": len(done), "durable": False}
        worker.stop()
        broker.close()
    except Exception as exc:  # noqa: BLE001
        out["dramatiq"] = {"mode": "StubBroker", "error": repr(exc)}

    # Celery: task_always_eager runs the job inside .delay() (the caller waits for it); the memory transport with
    # an in-process worker is the test helper celery.contrib.testing.worker.start_worker.
    try:
        from celery import Celery

        app = Celery("probe", broker="memory://", set_as_current=False)
        app.conf.update(task_always_eager=True, task_ignore_result=True)
        done.clear()
        task = app.task(name="probe")(probe_job)
        lat = []
        for i in range(10):
            t = time.perf_counter()
            task.delay(i)
            lat.append(time.perf_counter() - t)
        eager = {"mode": "task_always_eager (runs inside the caller)", "enqueue_p50_ms": ms(pct(lat, 50)),
                 "ran": len(done), "durable": False}
        app.close()
        from celery.contrib.testing.worker import start_worker

        app = Celery("probe2", broker="memory://", set_as_current=False)
        app.conf.update(task_ignore_result=True, worker_hijack_root_logger=False)
        done.clear()
        task = app.task(name="probe")(probe_job)
        with start_worker(app, pool="threads", concurrency=THREADS, perform_ping_check=False, loglevel="ERROR"):
            lat, drain = timed_sends(task.delay, count, lambda: len(done) >= count)
        app.close()
        out["celery"] = {"mode": "memory:// + celery.contrib.testing start_worker (threads) in the app process",
                         "enqueue_p50_ms": ms(pct(lat, 50)), "drain_s": round(drain, 2), "ran": len(done),
                         "durable": False, "eager": eager}
        # kombu's SQLAlchemy transport on a SQLite file: a queue with no server (polled every second); a fetched
        # message is only marked invisible and its ack kept in memory, so a kill -9 strands it.
        with tempfile.TemporaryDirectory(prefix="plc-qbench-sqla-") as tmp:
            app = Celery("probe3", broker=f"sqla+sqlite:///{tmp}/queue.sqlite3", set_as_current=False)
            app.conf.update(task_ignore_result=True, worker_hijack_root_logger=False)
            done.clear()
            task = app.task(name="probe")(probe_job)
            with start_worker(app, pool="threads", concurrency=THREADS, perform_ping_check=False, loglevel="ERROR"):
                lat, drain = timed_sends(task.delay, count, lambda: len(done) >= count)
            app.close()
        out["celery"]["sqlite"] = {"mode": "sqla+sqlite:// (kombu SQLAlchemy transport) + start_worker",
                                   "enqueue_p50_ms": ms(pct(lat, 50)), "drain_s": round(drain, 2), "ran": len(done)}
    except Exception as exc:  # noqa: BLE001
        out["celery"] = {"mode": "memory:// / eager", "error": repr(exc)}

    # procrastinate: the InMemoryConnector of procrastinate.testing and a worker that stops when the queue is empty.
    try:
        import asyncio

        import procrastinate
        from procrastinate.testing import InMemoryConnector

        app = procrastinate.App(connector=InMemoryConnector())
        done.clear()
        task = app.task(name="probe")(probe_job)
        lat, started = [], time.perf_counter()
        with app.open():
            for i in range(count):
                t = time.perf_counter()
                task.defer(i=i)
                lat.append(time.perf_counter() - t)

        async def drain() -> None:
            asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(THREADS))
            async with app.open_async():
                await app.run_worker_async(concurrency=THREADS, wait=False, install_signal_handlers=False)

        asyncio.run(drain())
        out["procrastinate"] = {"mode": "procrastinate.testing.InMemoryConnector (a test double)",
                                "enqueue_p50_ms": ms(pct(lat, 50)), "drain_s": round(time.perf_counter() - started, 2),
                                "ran": len(done), "durable": False}
    except Exception as exc:  # noqa: BLE001
        out["procrastinate"] = {"mode": "InMemoryConnector", "error": repr(exc)}
    return out


# --- output ---------------------------------------------------------------------------------------------------------

def fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.1f}{unit}" if abs(value) >= 10 else f"{value:.2f}{unit}"
    return f"{value}{unit}"


def print_engine(result: Result, foot: dict[str, Any], probe: dict[str, Any]) -> None:
    f = result.figures
    print(f"\n== {result.label}  [{result.settings}]")
    rows = [
        ("enqueue, 1 thread, p50 / p99 / max", f"{fmt(f.get('enqueue_1_thread_p50_ms'))} / "
         f"{fmt(f.get('enqueue_1_thread_p99_ms'))} / {fmt(f.get('enqueue_1_thread_max_ms'))} ms "
         f"({f.get('enqueue_1_thread_count', 0)} enqueues)"),
        (f"enqueue, {CALLER_THREADS} threads, p50 / p99 / max", f"{fmt(f.get('enqueue_16_threads_p50_ms'))} / "
         f"{fmt(f.get('enqueue_16_threads_p99_ms'))} / {fmt(f.get('enqueue_16_threads_max_ms'))} ms "
         f"({f.get('enqueue_16_threads_count', 0)} enqueues, {fmt(f.get('enqueue_16_threads_per_s'))}/s)"),
        ("enqueue, publisher confirms, p50 / p99 / max", f"{fmt(f.get('enqueue_confirmed_p50_ms'))} / "
         f"{fmt(f.get('enqueue_confirmed_p99_ms'))} / {fmt(f.get('enqueue_confirmed_max_ms'))} ms"
         if "enqueue_confirmed_p50_ms" in f else None),
        ("worker start -> first job", f"{fmt(f.get('worker_start_to_first_job_s'))} s"),
        ("end-to-end, idle worker, p50 / p99 / max", f"{fmt(f.get('e2e_p50_ms'))} / {fmt(f.get('e2e_p99_ms'))} / "
         f"{fmt(f.get('e2e_max_ms'))} ms ({f.get('e2e_samples', 0)} jobs)"),
        (f"throughput, {f.get('throughput_jobs', 0)} x 50 ms jobs", f"{fmt(f.get('throughput_per_s'))} jobs/s "
         f"({f.get('throughput_jobs_done', 0)} done; enqueueing took {fmt(f.get('throughput_enqueue_all_s'))} s)"),
    ]
    rows = [row for row in rows if row[1] is not None]
    for key, title in (("crash", "kill -9"), ("crash_sweeper", "kill -9, with sweeper")):
        c = f.get(key)
        if not c:
            continue
        rows += [
            (f"{title}: completed / never / twice", f"{c['completed']}/{c['jobs']} / {c['never_completed']} / "
             f"{c['completed_twice_or_more']} (observed {c['observed_for_s']} s after the kill)"),
            (f"{title}: killed mid-job, re-run", f"{c['killed_mid_job']} killed, {c['killed_jobs_rerun']} re-run "
             f"(started twice: {c['started_twice_or_more']})"),
            (f"{title}: redelivery after kill", f"first {fmt(c['redelivery_first_s'])} s, last "
             f"{fmt(c['redelivery_last_s'])} s (new worker's first job {fmt(c['new_worker_first_job_s'])} s after "
             f"spawn); all done {fmt(c['all_done_after_kill_s'])} s after the kill"),
        ]
        if "still_doing_in_db" in c:
            rows.append((f"{title}: left in status 'doing'", str(c["still_doing_in_db"])))
    t = f.get("sigterm")
    if t:
        rows += [
            ("SIGTERM: in-flight finished / exit", f"{t['in_flight_finished_before_exit']}/{t['in_flight']} finished "
             f"before exit; worker gone {fmt(t['worker_exit_s'])} s after the signal"),
            ("SIGTERM: all jobs", f"{t['completed']}/{t['jobs']} completed, {t['never_completed']} lost, "
             f"{t['started_twice_or_more']} started twice, {t['started_by_old_worker_after_signal']} new ones "
             "started by the stopping worker"),
        ]
    rows.append(("install", f"{foot['packages']} packages; new to plc-bot[postgres]: "
                 f"{', '.join(foot['new_to_plc_bot']) or 'none'} ({foot['new_size_mib']} MiB)"))
    if probe:
        text = probe.get("error") or (f"{probe['mode']}: enqueue p50 {fmt(probe['enqueue_p50_ms'])} ms, "
                                      f"{probe['ran']} jobs in {fmt(probe.get('drain_s'))} s, not durable")
        rows.append(("in-process, no broker", text))
        if "eager" in probe:
            e = probe["eager"]
            rows.append(("", f"{e['mode']}: enqueue p50 {fmt(e['enqueue_p50_ms'])} ms"))
        if "sqlite" in probe:
            e = probe["sqlite"]
            rows.append(("", f"{e['mode']}: enqueue p50 {fmt(e['enqueue_p50_ms'])} ms, {e['ran']} jobs in "
                             f"{fmt(e['drain_s'])} s; kill -9 strands fetched jobs (kombu acks in memory)"))
    rows.append(("bench time", f"{fmt(f.get('bench_seconds'))} s"))
    width = max(len(title) for title, _ in rows)
    for title, text in rows:
        print(f"  {title:<{width}}  {text}")
    for note in result.notes:
        print(f"  note: {note}")


def print_summary(results: list[Result]) -> None:
    print("\n== summary (ms unless noted)")
    head = (f"{'engine':<30}{'enq p50':>8}{'enq p99':>8}{'16t p99':>8}{'e2e p50':>8}{'e2e p99':>8}{'jobs/s':>8}"
            f"{'kill: lost':>11}{'twice':>6}{'redeliv s':>10}{'TERM exit s':>12}")
    print(head)
    for r in results:
        f = r.figures
        c = f.get("crash_sweeper") or f.get("crash") or {}
        t = f.get("sigterm") or {}
        redelivery = c.get("redelivery_last_s")
        if c and not c.get("killed_jobs_rerun"):
            redelivery = "never"
        print(f"{r.label:<30}{fmt(f.get('enqueue_1_thread_p50_ms')):>8}{fmt(f.get('enqueue_1_thread_p99_ms')):>8}"
              f"{fmt(f.get('enqueue_16_threads_p99_ms')):>8}{fmt(f.get('e2e_p50_ms')):>8}{fmt(f.get('e2e_p99_ms')):>8}"
              f"{fmt(f.get('throughput_per_s')):>8}{fmt(c.get('never_completed')):>11}"
              f"{fmt(c.get('completed_twice_or_more')):>6}{fmt(redelivery):>10}{fmt(t.get('worker_exit_s')):>12}")
    crash = next((r.figures.get("crash") for r in results if r.engine == "procrastinate"), None)
    if crash:
        print(f"procrastinate without a sweeper: {crash['never_completed']} of {crash['jobs']} jobs never completed "
              f"(left in 'doing'); the row above is with the sweeper")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default=",".join(ENGINES), help=f"comma-separated, of: {', '.join(ENGINES)}")
    parser.add_argument("--enqueues", type=int, default=1000, help="sequential enqueues (and 16-thread total)")
    parser.add_argument("--e2e-samples", type=int, default=40, help="end-to-end samples (default 40)")
    parser.add_argument("--throughput-jobs", type=int, default=500)
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--amqp-url", default="amqp://guest:guest@127.0.0.1:5672/%2F")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--json", action="store_true", help="figures as JSON on stdout (progress on stderr)")
    args = parser.parse_args(argv)
    chosen = [ENGINES[key.strip()] for key in args.engines.split(",") if key.strip()]
    started = time.monotonic()
    results = []
    with tempfile.TemporaryDirectory(prefix="plc-qbench-") as tmp:
        for cls in chosen:
            results.append(run_engine(cls, args, Path(tmp)))
    log("install footprint and in-process modes ...")
    feet = {cls.key: footprint(cls.requirement) for cls in chosen}
    probes = probe_in_process()
    total = time.monotonic() - started
    if args.json:
        json.dump({"results": [r.__dict__ for r in results], "footprint": feet, "in_process": probes,
                   "seconds": round(total, 1)}, sys.stdout, indent=2)
        print()
        return 0
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"queue engines: {os.cpu_count()} cores (load average {load} at the end), Python {sys.version.split()[0]}, "
          f"worker = 1 process x {THREADS} "
          f"threads; job = insert a row, sleep, update it (PostgreSQL); "
          f"{', '.join(f'{n} {metadata.version(n)}' for n in ('dramatiq', 'celery', 'procrastinate'))}")
    for result in results:
        print_engine(result, feet[result.engine], probes.get(result.engine.split("-")[0], {}))
    print_summary(results)
    print(f"total {total:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
