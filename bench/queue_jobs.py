"""The job and the per-engine apps that `bench.queue_engines` compares; also its procrastinate worker runner.

Everything is configured from environment variables so that each engine's own worker CLI can import it:

- ``QBENCH_DSN``: the PostgreSQL database the job records its runs in (and procrastinate's jobs live in);
- ``QBENCH_SCHEMA``: the schema of the ``runs`` table (and of procrastinate's tables), first on the search_path;
- ``QBENCH_QUEUE``: the queue name (and Redis namespace), unique per bench run;
- ``QBENCH_AMQP_URL``, ``QBENCH_REDIS_URL``: the brokers;
- ``QBENCH_REDIS_HEARTBEAT_MS``, ``QBENCH_REDIS_MAINTENANCE``: Dramatiq's Redis heartbeat timeout and its
  maintenance chance (per million commands).

The job (`run_job`) sleeps and records its start, its end and its process in ``runs``: one row per run,
inserted when it starts, so a run killed mid-job still shows.

Worker commands (started by the bench as subprocesses):

    dramatiq --processes 1 --threads 8 bench.queue_jobs:setup_dramatiq_rabbitmq
    dramatiq --processes 1 --threads 8 bench.queue_jobs:setup_dramatiq_redis
    celery -A bench.queue_jobs:celery_app worker --pool threads --concurrency 8 ...
    python -m bench.queue_jobs procrastinate-worker [--sweep SECONDS]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import psycopg

TASK_NAME = "qbench_job"
_local = threading.local()


def env(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise RuntimeError(f"{name} is not set")
    return value


def connect(dsn: str | None = None, schema: str | None = None) -> psycopg.Connection:
    schema = schema or env("QBENCH_SCHEMA")
    return psycopg.connect(dsn or env("QBENCH_DSN"), autocommit=True, options=f"-c search_path={schema}")


def _connection() -> psycopg.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None or conn.closed:
        conn = _local.conn = connect()
    return conn


def run_job(key: str, enqueued_at: float, seconds: float) -> None:
    """The measured job: record the start, sleep, record the end (one thread-local connection per thread)."""
    started = time.time()
    conn = _connection()
    row_id = conn.execute(
        "INSERT INTO runs (job, enqueued_at, started_at, pid) VALUES (%s, %s, %s, %s) RETURNING id",
        (key, enqueued_at, started, os.getpid())).fetchone()[0]
    time.sleep(seconds)
    conn.execute("UPDATE runs SET finished_at = %s WHERE id = %s", (time.time(), row_id))


# --- Dramatiq ---------------------------------------------------------------------------------------------------

def _declare_dramatiq_actor(broker: Any) -> Any:
    import dramatiq

    dramatiq.set_broker(broker)
    return dramatiq.actor(run_job, broker=broker, actor_name=TASK_NAME, queue_name=env("QBENCH_QUEUE"),
                          max_retries=0)


def setup_dramatiq_rabbitmq(confirm_delivery: bool = False) -> Any:
    from dramatiq.brokers.rabbitmq import RabbitmqBroker

    return _declare_dramatiq_actor(RabbitmqBroker(url=env("QBENCH_AMQP_URL"), confirm_delivery=confirm_delivery))


def setup_dramatiq_redis() -> Any:
    from dramatiq.brokers.redis import DEFAULT_HEARTBEAT_TIMEOUT, DEFAULT_MAINTENANCE_CHANCE, RedisBroker

    broker = RedisBroker(
        url=env("QBENCH_REDIS_URL"), namespace=env("QBENCH_QUEUE"),
        heartbeat_timeout=int(env("QBENCH_REDIS_HEARTBEAT_MS", str(DEFAULT_HEARTBEAT_TIMEOUT))),
        maintenance_chance=int(env("QBENCH_REDIS_MAINTENANCE", str(DEFAULT_MAINTENANCE_CHANCE))))
    return _declare_dramatiq_actor(broker)


# --- Celery -----------------------------------------------------------------------------------------------------

def make_celery() -> Any:
    from celery import Celery

    app = Celery("qbench", broker=env("QBENCH_AMQP_URL"), set_as_current=False)
    queue = env("QBENCH_QUEUE")
    app.conf.update(
        task_default_queue=queue, task_default_exchange=queue, task_default_routing_key=queue,
        task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1,
        task_ignore_result=True, worker_enable_remote_control=False, worker_send_task_events=False,
        worker_hijack_root_logger=False, broker_connection_retry_on_startup=True,
        broker_pool_limit=16,  # one producer connection per caller thread in the 16-thread test
    )
    app.task(name=TASK_NAME)(run_job)
    return app


def __getattr__(name: str) -> Any:
    """`celery -A bench.queue_jobs:celery_app` and `procrastinate --app bench.queue_jobs.procrastinate_app` build
    their app on first access (from the environment)."""
    makers = {"celery_app": make_celery, "procrastinate_app": lambda: make_procrastinate(pool_size=4)}
    if name in makers:
        app = globals()[name] = makers[name]()
        return app
    raise AttributeError(name)


# --- procrastinate ----------------------------------------------------------------------------------------------

def make_procrastinate(pool_size: int = 16) -> Any:
    import procrastinate

    connector = procrastinate.PsycopgConnector(
        conninfo=env("QBENCH_DSN"), kwargs={"options": f"-c search_path={env('QBENCH_SCHEMA')}"},
        min_size=1, max_size=pool_size)
    app = procrastinate.App(connector=connector)
    app.task(name=TASK_NAME, queue=env("QBENCH_QUEUE"))(run_job)
    return app


async def _sweep_stalled(app: Any, stale_after: float) -> None:
    """The recipe procrastinate documents for jobs of dead workers: find them by heartbeat, retry them now."""
    while True:
        await asyncio.sleep(0.5)
        for job in await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=stale_after):
            await app.job_manager.retry_job(job)
            print(f"sweeper: retried stalled job {job.id}", file=sys.stderr, flush=True)


async def _procrastinate_worker(threads: int, sweep: float | None, heartbeat: float) -> None:
    # Sync tasks run in the event loop's default executor: min(32, cores + 4) threads unless set (6 on 2 cores).
    asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(max_workers=threads))
    app = make_procrastinate(pool_size=4)
    async with app.open_async():
        sweeper = asyncio.create_task(_sweep_stalled(app, sweep)) if sweep else None
        try:
            await app.run_worker_async(concurrency=threads, queues=[env("QBENCH_QUEUE")],
                                       update_heartbeat_interval=heartbeat, stalled_worker_timeout=max(3 * heartbeat,
                                                                                                      5.0))
        finally:
            if sweeper:
                sweeper.cancel()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="bench.queue_engines' procrastinate worker")
    parser.add_argument("command", choices=["procrastinate-worker"])
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--sweep", type=float, help="retry jobs of workers without a heartbeat for SECONDS")
    parser.add_argument("--heartbeat", type=float, default=10.0, help="worker heartbeat interval (default 10 s)")
    args = parser.parse_args(argv)
    asyncio.run(_procrastinate_worker(args.threads, args.sweep, args.heartbeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
