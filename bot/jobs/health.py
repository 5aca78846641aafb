"""What /healthz says about the job queue and the scheduler.

503 when the database does not answer, when the broker has been unreachable for longer than
UNREACHABLE_AFTER, or when no worker has beaten for that long (every worker down). The
scheduler's heartbeat is reported, not judged: a web server can serve without one.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Any

from bot.jobs.heartbeat import newest_beat_age
from bot.jobs.queue import JobQueue
from storage.db import Database

UNREACHABLE_AFTER = 60.0  # seconds: the bound the README documents
BROKER_CHECK_EVERY = 5.0  # a load balancer may ask every second; the broker is asked at most this often


class Health:
    """The health report of one web process."""

    def __init__(self, db: Database, queue: JobQueue) -> None:
        self.db = db
        self.queue = queue
        self.started = time.monotonic()
        self._lock = threading.Lock()
        self._broker_checked = 0.0
        self._broker_ok = True
        self._broker_down_since: float | None = None

    def _broker_answers(self) -> bool:
        broker = self.queue.broker
        parameters = getattr(broker, "parameters", None)
        if parameters is not None:  # RabbitMQ
            import pika

            first = parameters[0] if isinstance(parameters, list) else parameters
            connection = pika.BlockingConnection(first)
            connection.close()
            return True
        redis = getattr(broker, "client", None)
        if redis is not None:  # Redis
            return bool(redis.ping())
        return True

    def _broker_state(self) -> tuple[bool, float]:
        """(answers now, seconds it has been unreachable), asking the broker at most every few seconds."""
        now = time.monotonic()
        with self._lock:
            if now - self._broker_checked >= BROKER_CHECK_EVERY:
                self._broker_checked = now
                try:
                    self._broker_ok = self._broker_answers()
                except Exception:  # noqa: BLE001 - any failure means "unreachable"
                    self._broker_ok = False
                if self._broker_ok:
                    self._broker_down_since = None
                elif self._broker_down_since is None:
                    self._broker_down_since = now
            down_for = 0.0 if self._broker_down_since is None else now - self._broker_down_since
            return self._broker_ok, down_for

    def report(self) -> tuple[int, dict[str, Any]]:
        if not self.db.ping():
            return 503, {"status": "database down"}
        now = datetime.now(UTC)
        queue: dict[str, Any] = {"mode": "in-process" if self.queue.in_process else "broker"}
        problems = []
        if not self.queue.in_process:
            answers, down_for = self._broker_state()
            queue["broker"] = "ok" if answers else "unreachable"
            if down_for > UNREACHABLE_AFTER:
                problems.append("broker unreachable")
        worker_age = newest_beat_age(self.db, "worker", now)
        queue["newest_worker_beat_seconds"] = None if worker_age is None else round(worker_age, 1)
        silent_for = worker_age if worker_age is not None else time.monotonic() - self.started
        if silent_for > UNREACHABLE_AFTER:
            problems.append("no worker")
        scheduler_age = newest_beat_age(self.db, "scheduler", now)
        body = {"status": "ok" if not problems else ", ".join(problems), "queue": queue,
                "scheduler": {"newest_beat_seconds": None if scheduler_age is None else round(scheduler_age, 1)}}
        return (503 if problems else 200), body
