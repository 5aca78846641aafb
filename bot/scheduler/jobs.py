"""The functions APScheduler runs, stored in its job table by reference.

APScheduler's SQLAlchemy job store pickles a job as the *textual reference* of its function
("bot.scheduler.jobs:dispatch_due") plus its arguments. An app, a database engine or a Web API
client cannot be pickled into that table (and would be stale in the next process anyway), so
the jobs take no arguments: they find what they work with in this module's runtime, which the
scheduler process sets once with `install(runtime)` (runner.create_scheduler does it).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.scheduler.runner import SchedulerRuntime

_runtime: SchedulerRuntime | None = None
# plc-dispatch and plc-dispatch-next may fire together; one dispatch at a time in this process.
_dispatch_lock = threading.Lock()


def install(runtime: SchedulerRuntime | None) -> None:
    """Make `runtime` the one the jobs of this process use (None: uninstall)."""
    global _runtime
    _runtime = runtime


def current() -> SchedulerRuntime:
    """The installed runtime; RuntimeError when this process has none."""
    if _runtime is None:
        raise RuntimeError("no scheduler runtime installed in this process (bot.scheduler.jobs.install)")
    return _runtime


def dispatch_due() -> None:
    """Send the outbox's due notices, then schedule the next run for the next due notice."""
    runtime = current()

    def work() -> None:
        with _dispatch_lock:
            runtime.dispatch()
        runtime.schedule_next_dispatch()

    runtime.run_job(work)


def plan_changed() -> None:
    """Re-plan the teams whose schedule changed since the last run."""
    runtime = current()

    def work() -> None:
        runtime.plan_changed()
        runtime.schedule_next_dispatch()

    runtime.run_job(work)


def purge_expired_results() -> None:
    """Delete assessment results past their team's retention (the end of the school year by default)."""
    runtime = current()
    runtime.run_job(runtime.purge_expired_results)
