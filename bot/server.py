"""Serving: gunicorn for HTTP mode, slack-sdk's Socket Mode client otherwise."""

from __future__ import annotations

import logging
from typing import Any

from gunicorn.app.base import BaseApplication

from bot.settings import Settings

logger = logging.getLogger(__name__)


class GunicornServer(BaseApplication):  # type: ignore[misc]
    """gunicorn with threaded workers; each worker builds its own app (no shared engine across fork)."""

    def __init__(self, settings: Settings, host: str, port: int, workers: int, threads: int) -> None:
        self.settings = settings
        self.options = {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "timeout": 30,
            "graceful_timeout": 10,
            "keepalive": 5,
            "accesslog": None,
            "errorlog": "-",
            "loglevel": settings.log_level.lower(),
        }
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from bot.app import create_app

        return create_app(self.settings, apply_migrations=False).wsgi


def serve_http(settings: Settings, host: str, port: int, workers: int, threads: int) -> None:
    GunicornServer(settings, host, port, workers, threads).run()


def serve_socket_mode(settings: Settings) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.app import create_app

    plc = create_app(settings, apply_migrations=False)
    SocketModeHandler(plc.bolt, settings.slack_app_token).start()
