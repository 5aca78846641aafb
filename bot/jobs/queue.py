"""Slow work as jobs on Dramatiq: RabbitMQ (or Redis) in production, this very process otherwise.

A listener validates, calls `JobQueue.enqueue` (a row in `jobs`, then a message that carries only
the job's id) and acknowledges. A worker runs the job; the broker takes the message back only after
the work (Dramatiq acknowledges late), so a worker that dies part-way has its job delivered again,
and the job's visible effects are done once through `EffectLedger`. Failed attempts are retried with
backoff; a job out of retries is marked dead, logged, and the person who asked is told.

With no `PLC_BROKER_URL` (the embedded default: SQLite, one process, no broker) the same actors run
on Dramatiq's in-memory broker with worker threads in this process; jobs left open by a process that
died are sent again by the next one that starts (see `recover_abandoned`).
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import dramatiq
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import Middleware

from bot.jobs.effects import EffectLedger
from bot.jobs.heartbeat import Heartbeat, live_process_ids
from storage.db import Database
from storage.jobs import HeartbeatRepository, JobEffectRepository, JobRepository
from storage.models import Job

logger = logging.getLogger(__name__)
QUEUE = "plc"
DEAD_ACTOR = "plc.job_dead"
RECOVER_SECONDS = 15.0  # embedded mode: how often open jobs of dead processes are looked for


class JobRefused(Exception):
    """The job could not be handed to the queue (the broker is unreachable): nothing was accepted."""


@dataclass(frozen=True)
class JobContext:
    """What a running job knows: its id, who asked, its parameters, and the effect ledger."""

    job_id: str
    kind: str
    workspace_id: str
    team_id: int | None
    user_id: str
    payload: dict[str, Any]
    attempt: int
    effects: EffectLedger

    def key(self, name: str) -> str:
        """The idempotency key of this job's effect `name`."""
        return f"{self.job_id}:{name}"[:120]

    def once(self, name: str, effect: Callable[[], object]) -> bool:
        """Run the visible effect `name` unless an earlier delivery of this job did it."""
        return self.effects.once(self.key(name), effect)


@dataclass(frozen=True)
class JobInfo:
    """A job as an administrator sees it (`:jobs` in the sandbox)."""

    id: str
    kind: str
    user_id: str
    state: str
    attempts: int
    last_error: str | None
    created_at: datetime


JobRun = Callable[[JobContext], None]
JobFailed = Callable[[JobContext, str], None]


@dataclass(frozen=True)
class JobKind:
    """A kind of job: its body, and who to tell (and how) when it is given up."""

    name: str
    run: JobRun
    on_failure: JobFailed | None = None
    time_limit_seconds: int = 300


@dataclass
class RetryPolicy:
    max_retries: int = 4
    min_backoff_ms: int = 1_000
    max_backoff_ms: int = 30_000


KEEP_FINISHED = timedelta(days=7)  # far longer than any redelivery: a job's time limit and retries are minutes


def forget_old_records(db: Database, now: datetime) -> int:
    """Delete finished jobs and their effects after KEEP_FINISHED, and heartbeats of processes gone a day."""
    with db.session() as session:
        count = JobRepository(session).forget_finished_before(now - KEEP_FINISHED)
        count += JobEffectRepository(session).forget_before(now - KEEP_FINISHED)
        count += HeartbeatRepository(session).forget_before(now - timedelta(days=1))
    return count


def make_broker(broker_url: str | None) -> dramatiq.Broker:
    """RabbitMQ for amqp://, Redis for redis://, Dramatiq's in-memory broker when unset."""
    if not broker_url:
        return StubBroker()
    if broker_url.startswith(("amqp://", "amqps://")):
        from dramatiq.brokers.rabbitmq import RabbitmqBroker

        # Publisher confirms: enqueue returns only once RabbitMQ has the (persistent) message.
        return RabbitmqBroker(url=broker_url, confirm_delivery=True)
    if broker_url.startswith(("redis://", "rediss://")):
        from dramatiq.brokers.redis import RedisBroker

        return RedisBroker(url=broker_url)
    raise ValueError(f"unsupported broker URL scheme: {broker_url.split(':', 1)[0]}")


class _Busy(Middleware):
    """Counts the jobs of this process's queue that are not finished (the sandbox waits on it)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.pending = 0

    def after_enqueue(self, broker: dramatiq.Broker, message: dramatiq.Message, delay: int | None) -> None:
        with self._lock:
            self.pending += 1

    def after_process_message(self, broker: dramatiq.Broker, message: dramatiq.Message, *,
                              result: Any = None, exception: BaseException | None = None) -> None:
        with self._lock:
            self.pending -= 1

    def after_skip_message(self, broker: dramatiq.Broker, message: dramatiq.Message) -> None:
        with self._lock:
            self.pending -= 1


@dataclass
class JobQueue:
    """The job kinds of one app instance, their broker, and (when asked) a worker that runs them."""

    db: Database
    broker_url: str | None = None
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    queue_name: str = QUEUE
    kinds: dict[str, JobKind] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.broker = make_broker(self.broker_url)
        self.effects = EffectLedger(self.db)
        self.process_id = str(uuid.uuid4())
        self._busy = _Busy()
        self.broker.add_middleware(self._busy)
        self._actors: dict[str, dramatiq.Actor[..., Any]] = {}
        self._worker: dramatiq.Worker | None = None
        self._heartbeat: Heartbeat | None = None
        self._recovery: threading.Thread | None = None
        self._stop_recovery = threading.Event()
        self._dead_actor = dramatiq.Actor(self._dead, broker=self.broker, actor_name=DEAD_ACTOR,
                                          queue_name=self.queue_name, priority=0, options={"max_retries": 3})

    @property
    def in_process(self) -> bool:
        """True for the embedded default: no broker server, jobs run in this process."""
        return not self.broker_url

    def define(self, kind: JobKind) -> None:
        """Register a kind of job (an actor named `plc.<kind>`)."""
        self.kinds[kind.name] = kind
        self._actors[kind.name] = dramatiq.Actor(
            lambda job_id, _kind=kind.name: self._perform(_kind, job_id),
            broker=self.broker, actor_name=f"plc.{kind.name}", queue_name=self.queue_name, priority=0,
            options={"max_retries": self.retry.max_retries, "min_backoff": self.retry.min_backoff_ms,
                     "max_backoff": self.retry.max_backoff_ms, "time_limit": kind.time_limit_seconds * 1000,
                     "on_retry_exhausted": DEAD_ACTOR})

    # -- asking for work ----------------------------------------------------------------------

    def enqueue(self, kind: str, payload: dict[str, Any], *, workspace_id: str = "", team_id: int | None = None,
                user_id: str = "") -> str:
        """Record the job and hand it to the broker; JobRefused when the broker cannot take it."""
        if kind not in self._actors:
            raise KeyError(kind)
        job_id = str(uuid.uuid4())
        now = datetime.now(UTC)
        with self.db.session() as session:
            JobRepository(session).add(Job(
                id=job_id, kind=kind, workspace_id=workspace_id, team_id=team_id, user_id=user_id,
                payload=json.dumps(payload, default=str), state="queued", attempts=0,
                worker_id=self.process_id if self.in_process else None, created_at=now, updated_at=now))
        try:
            self._actors[kind].send(job_id)
        except Exception as error:
            logger.error("job %s (%s) could not be queued: %r", job_id, kind, error)
            with self.db.session() as session:
                JobRepository(session).set_state(job_id, "dead", datetime.now(UTC), error=f"not queued: {error!r}")
            raise JobRefused(str(error)) from error
        return job_id

    # -- doing the work -----------------------------------------------------------------------

    def _context(self, job: Job) -> JobContext:
        return JobContext(job_id=job.id, kind=job.kind, workspace_id=job.workspace_id, team_id=job.team_id,
                          user_id=job.user_id, payload=json.loads(job.payload or "{}"), attempt=job.attempts,
                          effects=self.effects)

    def _perform(self, kind: str, job_id: str) -> None:
        with self.db.session() as session:
            repo = JobRepository(session)
            job = repo.get(job_id)
            if job is None or job.state in ("done", "dead"):
                logger.info("job %s (%s) already %s", job_id, kind, job.state if job else "forgotten")
                return
            repo.set_state(job_id, "running", datetime.now(UTC), worker_id=self.process_id, attempt=True)
            session.flush()
            session.refresh(job)
            context = self._context(job)
        try:
            self.kinds[kind].run(context)
        except BaseException as error:
            logger.warning("job %s (%s) attempt %d failed: %r", job_id, kind, context.attempt, error)
            with self.db.session() as session:
                JobRepository(session).set_state(job_id, "queued", datetime.now(UTC), error=repr(error))
            raise
        with self.db.session() as session:
            JobRepository(session).set_state(job_id, "done", datetime.now(UTC))

    def _dead(self, message: dict[str, Any], retries: dict[str, Any]) -> None:
        """Dramatiq's `on_retry_exhausted`: the job is given up; log it and tell whoever asked."""
        job_id = str((message.get("args") or [""])[0])
        with self.db.session() as session:
            job = JobRepository(session).get(job_id)
            if job is None or job.state == "dead":
                return
            reason = job.last_error or ""
            JobRepository(session).set_state(job_id, "dead", datetime.now(UTC))
            session.flush()
            session.refresh(job)
            context = self._context(job)
        logger.error("job %s (%s) given up after %s attempts: %s", job_id, context.kind, context.attempt, reason)
        kind = self.kinds.get(context.kind)
        if kind is not None and kind.on_failure is not None:
            context.once("failed", lambda: kind.on_failure(context, reason))  # type: ignore[misc]

    # -- running a worker ---------------------------------------------------------------------

    def start_worker(self, threads: int = 4) -> None:
        """Run jobs in this process with `threads` threads, beating a heartbeat; idempotent."""
        if self._worker is not None:
            return
        self._heartbeat = Heartbeat(self.db, "worker", self.process_id).start()
        self._worker = dramatiq.Worker(self.broker, worker_threads=threads, worker_timeout=100)
        self._worker.start()
        if self.in_process:
            self._stop_recovery.clear()
            self._recovery = threading.Thread(target=self._recover_every, name="plc-job-recovery", daemon=True)
            self._recovery.start()

    def _recover_every(self) -> None:
        """Embedded mode: look for jobs of dead processes now, then every RECOVER_SECONDS."""
        while True:
            try:
                self.recover_abandoned()
            except Exception:  # noqa: BLE001 - the next round tries again
                logger.warning("looking for abandoned jobs failed", exc_info=True)
            if self._stop_recovery.wait(RECOVER_SECONDS):
                return

    def stop_worker(self, timeout_seconds: float = 30.0) -> None:
        """Stop taking jobs, let running ones finish for up to `timeout_seconds`, hand back the rest."""
        worker, self._worker = self._worker, None
        self._stop_recovery.set()
        if self._recovery is not None:
            self._recovery.join(timeout=5)
            self._recovery = None
        if worker is not None:
            worker.stop(timeout=int(timeout_seconds * 1000))
        if self._heartbeat is not None:
            self._heartbeat.stop()
            self._heartbeat = None
        if self.in_process:
            self.broker.close()

    def recover_abandoned(self) -> int:
        """Embedded mode: send again the open jobs of processes that stopped beating (a crash)."""
        live = live_process_ids(self.db, "worker") | {self.process_id}
        taken = 0
        with self.db.session() as session:
            candidates = JobRepository(session).open_jobs_not_of(live)
        for job_id, owner in candidates:
            with self.db.session() as session:
                job = JobRepository(session).get(job_id)
                if job is None or job.kind not in self._actors:
                    continue
                kind = job.kind
                if not JobRepository(session).take_over(job_id, owner, self.process_id, datetime.now(UTC)):
                    continue
            self._actors[kind].send(job_id)
            taken += 1
        if taken:
            logger.warning("%d job(s) left open by a stopped process sent again", taken)
        return taken

    def recent(self, limit: int = 20) -> list[JobInfo]:
        """The latest jobs, newest first: what, for whom, how far it got."""
        with self.db.session() as session:
            return [JobInfo(j.id, j.kind, j.user_id, j.state, j.attempts, j.last_error, j.created_at)
                    for j in JobRepository(session).recent(limit)]

    def pending(self) -> int:
        """Jobs enqueued by or running in this process and not finished (in-process mode)."""
        return self._busy.pending

    def join(self, timeout_seconds: float = 30.0) -> None:
        """Wait until this process's in-memory queue is empty (embedded mode, sandbox and tests)."""
        if isinstance(self.broker, StubBroker):
            self.broker.join(self.queue_name, timeout=int(timeout_seconds * 1000), fail_fast=False)
            if self._worker is not None:
                self._worker.join()
