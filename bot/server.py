"""Serving: gunicorn for HTTP mode, slack-sdk's Socket Mode client otherwise."""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
from typing import Any

from gunicorn.app.base import BaseApplication

from bot.settings import Settings

logger = logging.getLogger(__name__)
JOB_STOP_SECONDS = 20.0


class GunicornServer(BaseApplication):  # type: ignore[misc]
    """gunicorn with threaded workers; each worker builds its own app (no shared engine across fork).

    With `with_scheduler`, the master also starts `plc-bot scheduler` as a child process and stops it
    on exit: one scheduler per deployment, never one per worker.
    """

    def __init__(self, settings: Settings, host: str, port: int, workers: int, threads: int,
                 with_scheduler: bool = False) -> None:
        self.settings = settings
        self.with_scheduler = with_scheduler
        self.scheduler_process: subprocess.Popen[bytes] | None = None
        self.options = {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "timeout": 30,
            # SIGTERM: stop accepting, finish requests under way; in the embedded mode also the jobs
            # under way in the worker (up to JOB_STOP_SECONDS), the rest are sent again at the next start.
            "graceful_timeout": int(JOB_STOP_SECONDS) + 10,
            "keepalive": 5,
            "accesslog": None,
            "errorlog": "-",
            "loglevel": settings.log_level.lower(),
        }
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)
        self.cfg.set("worker_exit", lambda _arbiter, _worker: self._close_app())
        if self.with_scheduler:
            self.cfg.set("on_starting", lambda _arbiter: self._start_scheduler())
            self.cfg.set("on_exit", lambda _arbiter: self._stop_scheduler())

    def _start_scheduler(self) -> None:
        self.scheduler_process = subprocess.Popen([sys.executable, "-m", "bot.cli", "scheduler"])
        logger.info("scheduler process %d started", self.scheduler_process.pid)

    def _stop_scheduler(self) -> None:
        process = self.scheduler_process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()

    def load(self) -> Any:
        from bot.app import create_app

        self.plc = create_app(self.settings, apply_migrations=False)
        return self.plc.wsgi

    def _close_app(self) -> None:
        """In a worker that is exiting: stop its job threads (embedded mode) and close its database pool."""
        plc = getattr(self, "plc", None)
        if plc is not None:
            plc.services.jobs.stop_worker(JOB_STOP_SECONDS)
            plc.close()


def serve_http(settings: Settings, host: str, port: int, workers: int, threads: int,
               with_scheduler: bool = True) -> None:
    GunicornServer(settings, host, port, workers, threads, with_scheduler).run()


def serve_socket_mode(settings: Settings, with_scheduler: bool = True) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.app import create_app

    plc = create_app(settings, apply_migrations=False)
    scheduler = None
    if with_scheduler:
        from bot.scheduler.runner import start_background

        scheduler = start_background(plc)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # so that `finally` runs on a stop
    try:
        SocketModeHandler(plc.bolt, settings.slack_app_token).start()
    finally:
        if scheduler is not None:
            from bot.scheduler.runner import stop_background

            stop_background(scheduler)  # hands a claimed batch back to the outbox
        plc.services.jobs.stop_worker(JOB_STOP_SECONDS)  # embedded mode: jobs under way may finish
        plc.close()
