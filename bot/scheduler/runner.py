"""Running the scheduler: APScheduler fires two jobs, the outbox holds the work.

APScheduler keeps its jobs in the app's database (SQLAlchemyJobStore, table `apscheduler_jobs`):
`plc-dispatch` every 15 s, `plc-plan-changed` every 30 s, and a one-shot `plc-dispatch-next` at the
next due notice when that comes before the next 15-s run, so reminders go out on time. There is
never one APScheduler job per team or per reminder: those are rows of `scheduled_notices`.

One scheduler process at a time: `run_scheduler(settings)` in the foreground (`plc-bot scheduler`),
or `start_background(plc_app)` inside a one-process deployment (Socket Mode) and in tests.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import FrameType
from typing import TYPE_CHECKING

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.jobs.heartbeat import Heartbeat
from bot.jobs.queue import forget_old_records
from bot.scheduler import jobs
from bot.scheduler.dispatcher import DispatchReport, NoticeDispatcher, Sender, utcnow
from bot.scheduler.pacing import Pacer
from bot.scheduler.planner import NoticePlanner
from bot.settings import Settings
from storage.db import Database

if TYPE_CHECKING:
    from bot.app import PlcApp

logger = logging.getLogger(__name__)

JOB_TABLE = "apscheduler_jobs"
DISPATCH_JOB, DISPATCH_NEXT_JOB, PLAN_CHANGED_JOB = "plc-dispatch", "plc-dispatch-next", "plc-plan-changed"
PURGE_JOB = "plc-purge-expired-results"
PURGE_EVERY = timedelta(hours=1)
DISPATCH_EVERY = timedelta(seconds=15)
PLAN_CHANGED_EVERY = timedelta(seconds=30)
# A schedule written (updated_at) just before a plan_changed run may commit just after it.
CHANGE_OVERLAP = timedelta(seconds=60)

SendersFactory = Callable[["PlcApp"], Mapping[str, Sender]]


def senders_for(plc_app: PlcApp) -> dict[str, Sender]:
    """The app's senders (handlers.scheduled.senders); none, with a warning, when that cannot be imported."""
    try:
        from handlers.scheduled import senders
    except ImportError as error:
        logger.warning("no notice senders (handlers.scheduled: %s): due notices will be dropped", error)
        return {}
    return dict(senders(plc_app))


@dataclass
class SchedulerRuntime:
    """What the jobs of the scheduler process work with (see bot.scheduler.jobs)."""

    db: Database
    planner: NoticePlanner
    dispatcher: NoticeDispatcher
    app: PlcApp | None = None
    scheduler: BaseScheduler | None = None
    changes_seen_at: datetime = field(default_factory=utcnow)
    owns_db: bool = False
    heartbeat: Heartbeat | None = None
    _stopping: threading.Event = field(default_factory=threading.Event, init=False, repr=False)
    _idle: threading.Condition = field(default_factory=threading.Condition, init=False, repr=False)
    _active_jobs: int = field(default=0, init=False, repr=False)

    @classmethod
    def from_app(
        cls, plc_app: PlcApp, senders: Mapping[str, Sender] | None = None, pacer: Pacer | None = None
    ) -> SchedulerRuntime:
        """A runtime on the app's database, with the app's senders unless `senders` is given."""
        db = plc_app.services.db
        planner = NoticePlanner(db)
        chosen = senders_for(plc_app) if senders is None else senders
        dispatcher = NoticeDispatcher(db, chosen, planner, pacer or Pacer())
        return cls(db=db, planner=planner, dispatcher=dispatcher, app=plc_app)

    @classmethod
    def from_settings(
        cls, settings: Settings, senders: Mapping[str, Sender] | None = None, pacer: Pacer | None = None
    ) -> SchedulerRuntime:
        """A runtime for `settings`: the full app when the senders must come from it, else just the database."""
        if senders is None:
            from bot.app import create_app

            runtime = cls.from_app(create_app(settings), pacer=pacer)
            runtime.owns_db = True
            return runtime
        from storage import migrate

        db = Database(settings.database_url)
        migrate.upgrade(db.engine, encryption_keys=settings.encryption_keys)
        planner = NoticePlanner(db)
        dispatcher = NoticeDispatcher(db, senders, planner, pacer or Pacer())
        return cls(db=db, planner=planner, dispatcher=dispatcher, owns_db=True)

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def run_job(self, work: Callable[[], object]) -> None:
        """Run a job's work, unless the runtime is stopping; `stop` waits for it."""
        with self._idle:
            if self._stopping.is_set():
                return
            self._active_jobs += 1
        try:
            work()
        finally:
            with self._idle:
                self._active_jobs -= 1
                self._idle.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no job is running; False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._active_jobs == 0, timeout)

    def stop(self, timeout: float = 30.0) -> None:
        """Stop: hand the batch being sent back, let running jobs end, then shut the scheduler down.

        Jobs are waited for here, not by `shutdown(wait=True)`: APScheduler waits holding its job
        store lock, which a running job needs to schedule `plc-dispatch-next` (a deadlock).
        """
        self._stopping.set()
        self.dispatcher.stop()
        if not self.wait_idle(timeout):
            logger.warning("a scheduler job was still running after %.0f s", timeout)
        scheduler = self.scheduler
        if scheduler is None:
            return
        deadline = time.monotonic() + 10
        while not scheduler.running and time.monotonic() < deadline:
            time.sleep(0.05)  # asked to stop before it started
        if scheduler.running:
            scheduler.shutdown(wait=False)

    def dispatch(self) -> DispatchReport:
        """One dispatcher run, logged."""
        report = self.dispatcher.run_due()
        level = logging.INFO if report else logging.DEBUG
        logger.log(level, "dispatch: sent=%d dropped=%d retried=%d", report.sent, report.dropped, report.retried)
        return report

    def plan_all(self) -> int:
        """Plan every team and every coach's next digest, and look for schedule changes from now on."""
        self.changes_seen_at = utcnow()
        count = self.planner.plan_all(self.changes_seen_at)
        self.plan_digests()
        return count

    def plan_changed(self) -> int:
        """Re-plan the teams whose schedule was written since the last look (with some overlap), and make sure
        every coach with the digest on has their next Monday's notice (a new coach, a digest turned back on,
        or the one just sent)."""
        started = utcnow()
        count = self.planner.plan_changed(self.changes_seen_at - CHANGE_OVERLAP, started)
        self.changes_seen_at = started
        self.plan_digests()
        return count

    def plan_digests(self) -> int:
        """The coaches' Monday digests (bot/coaching/service.py); a failure is logged, the next run tries again."""
        from bot.coaching.service import CoachService

        try:
            added = CoachService(self.db).plan_digests(utcnow())
        except Exception:  # noqa: BLE001 - the meetings' planning must go on
            logger.exception("planning the coaches' digests failed")
            return 0
        if added:
            logger.info("planned %d coach digest(s)", added)
        return added

    def purge_expired_results(self) -> int:
        """Delete the assessment results whose team's retention has ended; how many assessments went."""
        from bot.assessments.service import AssessmentService

        purged = AssessmentService(self.db).purge_expired(utcnow())
        for team_id in sorted({team_id for team_id, _ in purged}):
            logger.info("retention: deleted %d assessment(s) of team %d",
                        sum(1 for t, _ in purged if t == team_id), team_id)
        forgotten = forget_old_records(self.db, utcnow())  # the job queue's bookkeeping, after a week
        if forgotten:
            logger.info("retention: forgot %d finished job record(s)", forgotten)
        return len(purged)

    def schedule_next_dispatch(self) -> datetime | None:
        """Add `plc-dispatch-next` at the next due notice when that is before the next 15-s run."""
        scheduler = self.scheduler
        if scheduler is None or not scheduler.running or self.stopping:
            return None
        due = self.dispatcher.next_due_at()
        if due is None:
            return None
        interval = scheduler.get_job(DISPATCH_JOB)
        if interval is not None and interval.next_run_time is not None and due >= interval.next_run_time:
            return None
        run_at = max(due, utcnow())
        scheduler.add_job(
            jobs.dispatch_due, DateTrigger(run_date=run_at, timezone=UTC), id=DISPATCH_NEXT_JOB,
            name="dispatch the next due notice", replace_existing=True, coalesce=True, max_instances=3,
            misfire_grace_time=60,
        )
        return run_at

    def close(self) -> None:
        if self.owns_db:
            if self.app is not None:
                self.app.close()
            else:
                self.db.dispose()


def create_scheduler(runtime: SchedulerRuntime, blocking: bool) -> BaseScheduler:
    """An APScheduler (not started) with its jobs in the app's database; installs `runtime` for the jobs."""
    scheduler_class = BlockingScheduler if blocking else BackgroundScheduler
    scheduler: BaseScheduler = scheduler_class(
        jobstores={"default": SQLAlchemyJobStore(engine=runtime.db.engine, tablename=JOB_TABLE)},
        executors={"default": ThreadPoolExecutor(4)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60},
        timezone=UTC,
    )
    scheduler.add_job(
        jobs.dispatch_due, IntervalTrigger(seconds=DISPATCH_EVERY.total_seconds(), timezone=UTC),
        id=DISPATCH_JOB, name="dispatch due notices", replace_existing=True, coalesce=True, max_instances=1,
        misfire_grace_time=60,
    )
    scheduler.add_job(
        jobs.plan_changed, IntervalTrigger(seconds=PLAN_CHANGED_EVERY.total_seconds(), timezone=UTC),
        id=PLAN_CHANGED_JOB, name="re-plan changed schedules", replace_existing=True, coalesce=True,
        max_instances=1, misfire_grace_time=60,
    )
    scheduler.add_job(
        jobs.purge_expired_results, IntervalTrigger(seconds=PURGE_EVERY.total_seconds(), timezone=UTC),
        id=PURGE_JOB, name="delete results past their retention", replace_existing=True, coalesce=True,
        max_instances=1, misfire_grace_time=3600, next_run_time=utcnow() + timedelta(seconds=30),
    )
    runtime.scheduler = scheduler
    jobs.install(runtime)
    return scheduler


def _dispatch_now(scheduler: BaseScheduler) -> None:
    """Catch up at start: whatever fell due while no scheduler ran goes out now (or is dropped if expired)."""
    scheduler.add_job(
        jobs.dispatch_due, DateTrigger(run_date=utcnow(), timezone=UTC), id=DISPATCH_NEXT_JOB,
        name="dispatch the next due notice", replace_existing=True, coalesce=True, max_instances=3,
        misfire_grace_time=60,
    )


def start_background(
    plc_app: PlcApp, senders: Mapping[str, Sender] | None = None, pacer: Pacer | None = None
) -> BackgroundScheduler:
    """Plan every team and run the scheduler in threads of this process; stop it with `stop_background`."""
    runtime = SchedulerRuntime.from_app(plc_app, senders, pacer)
    scheduler = create_scheduler(runtime, blocking=False)
    assert isinstance(scheduler, BackgroundScheduler)
    count = runtime.plan_all()
    runtime.heartbeat = Heartbeat(plc_app.services.db, "scheduler").start()  # for /healthz
    scheduler.start()
    _dispatch_now(scheduler)
    logger.info("scheduler started in the background: %d schedules planned", count)
    return scheduler


def stop_background(scheduler: BaseScheduler, timeout: float = 30.0) -> None:
    """Stop a scheduler from `start_background`: the batch being sent is handed back, jobs end, threads stop."""
    runtime = jobs.current()
    runtime.stop(timeout)
    runtime.wait_idle(timeout)
    if runtime.heartbeat is not None:
        runtime.heartbeat.stop()
    jobs.install(None)


def run_scheduler(settings: Settings, senders: SendersFactory | None = None) -> int:
    """`plc-bot scheduler`: plan every team, then dispatch until SIGTERM or SIGINT; returns the exit status.

    `senders` builds the senders from the app (default: handlers.scheduled, see `senders_for`).
    """
    from bot.app import create_app

    plc_app = create_app(settings)  # applies the migrations
    chosen = senders(plc_app) if senders is not None else None
    runtime = SchedulerRuntime.from_app(plc_app, chosen)
    runtime.owns_db = True
    scheduler = create_scheduler(runtime, blocking=True)
    count = runtime.plan_all()
    _stop_on_signals(runtime)
    _dispatch_now(scheduler)
    heartbeat = Heartbeat(plc_app.services.db, "scheduler").start()  # for /healthz
    logger.info("scheduler started: %d schedules planned", count)
    try:
        scheduler.start()  # blocks until shut down
    finally:
        runtime.wait_idle(30)
        heartbeat.stop()
        jobs.install(None)
        runtime.close()
    logger.info("scheduler stopped")
    return 0


def _stop_on_signals(runtime: SchedulerRuntime) -> None:
    """SIGTERM/SIGINT: stop claiming notices, let the running job end, then return from `start()`.

    The stopping runs in a thread: inside the signal handler it would block the interrupted main
    thread, which may hold a lock that the running job needs.
    """

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        logger.info("signal %d: stopping the scheduler", signum)
        threading.Thread(target=runtime.stop, name="scheduler-stop").start()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
