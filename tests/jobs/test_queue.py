"""The job queue in its embedded form (Dramatiq's in-memory broker, worker threads in this process):
delivered at least once, effects once, retries, the dead-letter notice, recovery after a crash."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.jobs.heartbeat import Heartbeat
from bot.jobs.queue import JobContext, JobKind, JobQueue, JobRefused, RetryPolicy
from storage import migrate
from storage.db import Database
from storage.models import Job, JobEffect, ProcessHeartbeat


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    migrate.upgrade(database.engine)
    yield database
    database.dispose()


@pytest.fixture
def queue(db: Database) -> Iterator[JobQueue]:
    jobs = JobQueue(db, retry=RetryPolicy(max_retries=2, min_backoff_ms=10, max_backoff_ms=50))
    yield jobs
    jobs.stop_worker(5)


def job_row(db: Database, job_id: str) -> Job:
    with db.session() as session:
        job = session.get(Job, job_id)
        assert job is not None
        session.expunge(job)
        return job


def wait_for(probe, timeout: float = 10.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not (found := probe()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)
    return found


def test_a_job_runs_once_with_its_parameters_and_is_marked_done(db: Database, queue: JobQueue) -> None:
    seen: list[tuple[str, dict, str]] = []
    queue.define(JobKind("note", lambda job: seen.append((job.kind, job.payload, job.user_id))))
    queue.start_worker(2)
    job_id = queue.enqueue("note", {"n": 1}, workspace_id="T1", user_id="U1")
    queue.join()
    assert seen == [("note", {"n": 1}, "U1")]
    row = job_row(db, job_id)
    assert (row.state, row.attempts, row.worker_id) == ("done", 1, queue.process_id)


def test_a_job_delivered_again_repeats_none_of_its_effects(db: Database, queue: JobQueue) -> None:
    posted: list[str] = []
    runs: list[int] = []

    def body(job: JobContext) -> None:
        runs.append(job.attempt)
        job.once("summary", lambda: posted.append("summary"))
        job.once("dm", lambda: posted.append("dm"))

    queue.define(JobKind("post", body))
    queue.start_worker(2)
    job_id = queue.enqueue("post", {})
    queue.join()
    # A second delivery of the same message, as after a worker died before the broker had its ack:
    # the row is still open, so the body runs again, and finds both effects done.
    with db.session() as session:
        session.get(Job, job_id).state = "running"  # type: ignore[union-attr]
    queue._actors["post"].send(job_id)
    queue.join()
    assert runs == [1, 2]
    assert posted == ["summary", "dm"]
    # A delivery of a finished job is not run at all.
    queue._actors["post"].send(job_id)
    queue.join()
    assert runs == [1, 2]


def test_a_failing_effect_is_released_and_done_on_the_next_try(db: Database, queue: JobQueue) -> None:
    calls: list[int] = []

    def flaky() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionError("slack did not answer")

    queue.define(JobKind("flaky", lambda job: job.once("post", flaky)))
    queue.start_worker(1)
    job_id = queue.enqueue("flaky", {})
    wait_for(lambda: job_row(db, job_id).state == "done")
    assert len(calls) == 2
    assert job_row(db, job_id).attempts == 2
    with db.session() as session:
        assert session.get(JobEffect, f"{job_id}:post").state == "done"  # type: ignore[union-attr]


def test_a_job_out_of_retries_is_dead_and_whoever_asked_is_told_once(db: Database, queue: JobQueue) -> None:
    told: list[tuple[str, str]] = []
    attempts: list[int] = []

    def always_fails(job: JobContext) -> None:
        attempts.append(job.attempt)
        raise TimeoutError("file host timed out")

    queue.define(JobKind("doomed", always_fails, lambda job, reason: told.append((job.user_id, reason))))
    queue.start_worker(1)
    job_id = queue.enqueue("doomed", {}, user_id="U9")
    wait_for(lambda: told)
    queue.join()
    assert attempts == [1, 2, 3]  # the first try and max_retries=2 more
    assert told == [("U9", "TimeoutError('file host timed out')")]
    row = job_row(db, job_id)
    assert row.state == "dead" and "timed out" in (row.last_error or "")


def test_jobs_of_a_process_that_died_are_sent_again_by_the_next(db: Database, queue: JobQueue) -> None:
    ran: list[str] = []
    queue.define(JobKind("left", lambda job: ran.append(job.job_id)))
    now = datetime.now(UTC)
    with db.session() as session:
        # A process that beat 2 minutes ago and then died (kill -9: no stop written), with one job
        # queued and one running; and a live process's job, which must be left alone.
        session.add(ProcessHeartbeat(id="dead-proc", kind="worker", host="h", pid=1, started_at=now,
                                     beat_at=now - timedelta(minutes=2), stopped=False))
        for job_id, state, owner in (("j-queued", "queued", "dead-proc"), ("j-running", "running", "dead-proc"),
                                     ("j-live", "running", "live-proc")):
            session.add(Job(id=job_id, kind="left", workspace_id="", user_id="", payload="{}", state=state,
                            attempts=0, worker_id=owner, created_at=now, updated_at=now))
    live = Heartbeat(db, "worker", "live-proc").start()
    try:
        queue.start_worker(2)
        wait_for(lambda: len(ran) == 2)
        queue.join()
    finally:
        live.stop()
    assert sorted(ran) == ["j-queued", "j-running"]
    with db.session() as session:
        states = dict(session.execute(select(Job.id, Job.state)).all())
    assert states == {"j-queued": "done", "j-running": "done", "j-live": "running"}


def test_two_processes_recovering_at_once_send_an_abandoned_job_once(db: Database) -> None:
    ran: list[str] = []
    lock = threading.Lock()
    queues = [JobQueue(db) for _ in range(2)]
    for q in queues:
        q.define(JobKind("left", lambda job: (lock.acquire(), ran.append(job.job_id), lock.release())))
    now = datetime.now(UTC)
    with db.session() as session:
        session.add(Job(id="orphan", kind="left", workspace_id="", user_id="", payload="{}", state="queued",
                        attempts=0, worker_id="gone", created_at=now, updated_at=now))
    try:
        threads = [threading.Thread(target=q.start_worker, args=(1,)) for q in queues]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wait_for(lambda: ran)
        for q in queues:
            q.join()
    finally:
        for q in queues:
            q.stop_worker(5)
    assert ran == ["orphan"]


def test_an_unreachable_broker_refuses_the_job_and_records_why(db: Database) -> None:
    queue = JobQueue(db, "amqp://guest:guest@127.0.0.1:9/%2F")  # nothing listens on port 9
    queue.define(JobKind("x", lambda job: None))
    with pytest.raises(JobRefused):
        queue.enqueue("x", {})
    with db.session() as session:
        job = session.scalars(select(Job)).one()
        assert job.state == "dead" and (job.last_error or "").startswith("not queued")


def test_finished_jobs_their_effects_and_old_heartbeats_are_forgotten_after_a_while(db: Database) -> None:
    from bot.jobs.queue import forget_old_records

    now = datetime.now(UTC)
    old, recent = now - timedelta(days=8), now - timedelta(days=1)
    with db.session() as session:
        for job_id, state, when in (("old-done", "done", old), ("old-dead", "dead", old), ("old-open", "queued", old),
                                    ("new-done", "done", recent)):
            session.add(Job(id=job_id, kind="k", workspace_id="", user_id="", payload="{}", state=state,
                            attempts=1, created_at=when, updated_at=when))
        session.add(JobEffect(key="old-done:summary", state="done", created_at=old))
        session.add(JobEffect(key="new-done:summary", state="done", created_at=recent))
        session.add(ProcessHeartbeat(id="gone", kind="worker", host="h", pid=1, started_at=old, beat_at=old,
                                     stopped=True))
    assert forget_old_records(db, now) == 4
    with db.session() as session:
        assert sorted(session.scalars(select(Job.id))) == ["new-done", "old-open"]  # an open job is never dropped
        assert list(session.scalars(select(JobEffect.key))) == ["new-done:summary"]
        assert not list(session.scalars(select(ProcessHeartbeat.id)))
