"""`plc-bot run --http` as real processes: what tests that start the server as a deployment does share."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from bot.devtools.slack_emulator import SlackEmulator

ROOT = Path(__file__).resolve().parents[2]
SECRET = "cli-test-signing-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "PLC_", "DATABASE_URL", "PORT"))}
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


@contextmanager
def gunicorn_app(tmp_path: Path, emulator: SlackEmulator, workers: int = 2, threads: int = 4,
                 args: tuple[str, ...] = (), **env: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`plc-bot run --http [args]` on a free port, until /healthz answers; its output is read at the end.

    `env` adds or overrides environment variables (DATABASE_URL, LOG_LEVEL...); the default database is
    ./data under `tmp_path`.
    """
    port = free_port()
    settings = {"SLACK_BOT_TOKEN": emulator.bot_token, "SLACK_SIGNING_SECRET": SECRET,
                "SLACK_API_URL": emulator.api_url, "LOG_LEVEL": "INFO", **env}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run", "--http", "--port", str(port), "--host", "127.0.0.1",
         "--workers", str(workers), "--threads", str(threads), *args],
        env=cli_env(**settings), cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):
                pass  # not listening yet, or a worker still booting on a busy machine
            assert process.poll() is None, "the server exited"
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)
        yield url, process
    finally:
        if process.poll() is None:
            process.terminate()
