"""Queries over the job tables: job records, effects done once, process heartbeats."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from storage.models import Job, JobEffect, ProcessHeartbeat
from storage.repositories import upsert_insert

OPEN_STATES = ("queued", "running")


class JobRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, job: Job) -> None:
        self.session.add(job)

    def get(self, job_id: str) -> Job | None:
        return self.session.get(Job, job_id)

    def set_state(self, job_id: str, state: str, now: datetime, *, error: str | None = None,
                  worker_id: str | None = None, attempt: bool = False) -> None:
        values: dict[str, object] = {"state": state, "updated_at": now}
        if error is not None:
            values["last_error"] = error[:4000]
        if worker_id is not None:
            values["worker_id"] = worker_id
        if attempt:
            values["attempts"] = Job.attempts + 1
        self.session.execute(update(Job).where(Job.id == job_id).values(**values))

    def open_jobs_not_of(self, live_workers: set[str]) -> list[tuple[str, str | None]]:
        """(id, worker_id) of queued or running jobs whose process is not among `live_workers`."""
        rows = self.session.execute(select(Job.id, Job.worker_id).where(Job.state.in_(OPEN_STATES)))
        return [(job_id, worker) for job_id, worker in rows if worker not in live_workers]

    def take_over(self, job_id: str, from_worker: str | None, to_worker: str, now: datetime) -> bool:
        """Move an abandoned job to `to_worker`; False when another process took it first."""
        result = self.session.execute(
            update(Job).where(Job.id == job_id, Job.worker_id.is_(None) if from_worker is None
                              else Job.worker_id == from_worker, Job.state.in_(OPEN_STATES))
            .values(worker_id=to_worker, state="queued", updated_at=now))
        return (result.rowcount or 0) == 1

    def recent(self, limit: int) -> list[Job]:
        return list(self.session.scalars(select(Job).order_by(Job.created_at.desc()).limit(limit)))

    def forget_finished_before(self, cutoff: datetime) -> int:
        result = self.session.execute(delete(Job).where(Job.state.in_(("done", "dead")), Job.updated_at < cutoff))
        return result.rowcount or 0


class JobEffectRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def claim(self, key: str, now: datetime) -> bool:
        """Record `key` as claimed; False when any process claimed or did it before."""
        statement = (upsert_insert(self.session)(JobEffect).values(key=key, state="claimed", created_at=now)
                     .on_conflict_do_nothing(index_elements=["key"]).returning(JobEffect.key))
        return self.session.execute(statement).scalar_one_or_none() is not None

    def get(self, key: str) -> JobEffect | None:
        return self.session.get(JobEffect, key)

    def finish(self, key: str, result: str | None = None) -> None:
        self.session.execute(update(JobEffect).where(JobEffect.key == key).values(state="done", result=result))

    def release(self, key: str) -> None:
        self.session.execute(delete(JobEffect).where(JobEffect.key == key, JobEffect.state == "claimed"))

    def forget_before(self, cutoff: datetime) -> int:
        result = self.session.execute(delete(JobEffect).where(JobEffect.created_at < cutoff))
        return result.rowcount or 0


class HeartbeatRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def beat(self, beat: ProcessHeartbeat, now: datetime) -> None:
        found = self.session.get(ProcessHeartbeat, beat.id)
        if found is None:
            self.session.add(ProcessHeartbeat(id=beat.id, kind=beat.kind, host=beat.host, pid=beat.pid,
                                              started_at=now, beat_at=now, stopped=False))
        else:
            found.beat_at, found.stopped = now, False

    def stop(self, beat_id: str, now: datetime) -> None:
        self.session.execute(update(ProcessHeartbeat).where(ProcessHeartbeat.id == beat_id)
                             .values(stopped=True, beat_at=now))

    def live(self, kind: str, since: datetime) -> list[ProcessHeartbeat]:
        query = select(ProcessHeartbeat).where(ProcessHeartbeat.kind == kind, ProcessHeartbeat.beat_at >= since,
                                               ProcessHeartbeat.stopped.is_(False))
        return list(self.session.scalars(query))

    def newest(self, kind: str) -> datetime | None:
        from sqlalchemy import func

        return self.session.scalar(select(func.max(ProcessHeartbeat.beat_at)).where(ProcessHeartbeat.kind == kind))

    def forget_before(self, cutoff: datetime) -> int:
        result = self.session.execute(delete(ProcessHeartbeat).where(ProcessHeartbeat.beat_at < cutoff))
        return result.rowcount or 0
