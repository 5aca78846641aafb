"""`plc-bot worker`: run jobs from the broker until SIGTERM, then stop cleanly.

SIGTERM or SIGINT: the worker takes no new job, lets the jobs under way finish for up to
STOP_SECONDS, hands every message it has not finished back to the broker (which delivers it to
another worker, where the effect ledger keeps it from repeating what was done), and exits 0.
"""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

from bot.settings import Settings

logger = logging.getLogger(__name__)
STOP_SECONDS = 30.0


def run_worker(settings: Settings, threads: int | None = None) -> int:
    from bot.app import create_app

    plc = create_app(settings, run_jobs=False)  # applies the migrations
    stopping = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        logger.info("signal %d: the worker stops taking jobs", signum)
        stopping.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    queue = plc.services.jobs
    queue.start_worker(threads or settings.job_threads)
    logger.info("worker %s started with %d threads on %s", queue.process_id, threads or settings.job_threads,
                (settings.broker_url or "").split("@")[-1])
    try:
        while not stopping.wait(1.0):
            pass
    finally:
        queue.stop_worker(STOP_SECONDS)
        plc.close()
    logger.info("worker stopped")
    return 0
