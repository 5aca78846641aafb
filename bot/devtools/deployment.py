"""A production deployment on this machine: web servers, job workers and schedulers as real processes.

Used by the fault tests (tests/production) and the load benchmarks (bench/).

Every process is started as the README's production section starts it (`plc-bot run --http
--no-scheduler`, `plc-bot worker`, `plc-bot scheduler`), on one PostgreSQL schema and one broker
queue of its own, calling the Slack emulator of the test. Processes can be stopped with SIGTERM or
killed with SIGKILL (-9) at any moment.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import requests

from bot.devtools.slack_emulator import SlackEmulator
from bot.devtools.slack_requests import SlackRequestSender

ROOT = Path(__file__).resolve().parents[2]
SECRET = "topology-test-signing-secret"
T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(probe: Callable[[], T | None], timeout: float, what: str = "") -> T:
    deadline = time.monotonic() + timeout
    while (found := probe()) is None:
        assert time.monotonic() < deadline, f"timed out waiting for {what or 'it'}"
        time.sleep(0.1)
    return found


@dataclass
class Process:
    """One started `plc-bot` process (its own process group: a kill reaches its children too)."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    url: str | None = None

    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill9(self) -> None:
        os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)

    def terminate(self, timeout: float = 60) -> int:
        os.killpg(self.popen.pid, signal.SIGTERM)
        return self.popen.wait(timeout=timeout)

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@dataclass
class Server(Process):
    """A web server, with a sender that signs requests as Slack does (duck-types the e2e helpers' app)."""

    emulator: SlackEmulator | None = None
    slack: SlackRequestSender | None = None


@dataclass
class Topology:
    tmp_path: Path
    emulator: SlackEmulator
    database_url: str
    broker_url: str
    queue: str
    processes: list[Process] = field(default_factory=list)

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "PLC_", "DATABASE_URL", "PORT"))}
        env.update(PYTHONPATH=str(ROOT), SLACK_BOT_TOKEN=self.emulator.bot_token, SLACK_SIGNING_SECRET=SECRET,
                   SLACK_API_URL=self.emulator.api_url, DATABASE_URL=self.database_url,
                   PLC_BROKER_URL=self.broker_url, PLC_JOB_QUEUE=self.queue, LOG_LEVEL="INFO", **extra)
        if not self.broker_url:  # the embedded default: jobs run inside `plc-bot run`
            del env["PLC_BROKER_URL"]
        return env

    def _start(self, name: str, args: list[str], **extra: str) -> tuple[subprocess.Popen[bytes], Path]:
        log = self.tmp_path / f"{name}.log"
        with log.open("wb") as out:
            popen = subprocess.Popen([sys.executable, "-m", "bot.cli", *args], env=self.env(**extra),
                                     cwd=self.tmp_path, stdout=out, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        return popen, log

    def migrate(self) -> None:
        result = subprocess.run([sys.executable, "-m", "bot.cli", "db", "upgrade"], env=self.env(),
                                cwd=self.tmp_path, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr

    def server(self, name: str, workers: int = 1, threads: int = 8) -> Server:
        port = free_port()
        popen, log = self._start(name, ["run", "--http", "--no-scheduler", "--host", "127.0.0.1", "--port", str(port),
                                        "--workers", str(workers), "--threads", str(threads)])
        url = f"http://127.0.0.1:{port}"
        server = Server(name, popen, log, url, emulator=self.emulator,
                        slack=SlackRequestSender(f"{url}/slack/events", SECRET, team_id=self.emulator.team_id,
                                                 emulator=self.emulator))
        self.processes.append(server)

        def up() -> bool | None:
            assert server.alive(), f"{name} exited:\n{server.output()}"
            try:
                return True if requests.get(f"{url}/healthz", timeout=2).status_code in (200, 503) else None
            except requests.RequestException:
                return None

        wait_until(up, 60, f"{name} to answer")
        return server

    def worker(self, name: str, threads: int = 4) -> Process:
        popen, log = self._start(name, ["worker", "--threads", str(threads)])
        process = Process(name, popen, log)
        self.processes.append(process)
        wait_until(lambda: True if "worker" in process.output() and "started" in process.output() else
                   (None if process.alive() else self._died(process)), 60, f"{name} to start")
        return process

    def scheduler(self, name: str) -> Process:
        popen, log = self._start(name, ["scheduler"])
        process = Process(name, popen, log)
        self.processes.append(process)
        wait_until(lambda: True if "scheduler started" in process.output() else
                   (None if process.alive() else self._died(process)), 60, f"{name} to start")
        return process

    @staticmethod
    def _died(process: Process) -> Any:
        raise AssertionError(f"{process.name} exited:\n{process.output()}")

    def stop_all(self) -> None:
        for process in self.processes:
            if process.alive():
                try:
                    process.terminate(timeout=40)
                except (subprocess.TimeoutExpired, ProcessLookupError):
                    process.kill9()

    def logs(self) -> str:
        return "\n".join(f"===== {p.name}\n{p.output()[-4000:]}" for p in self.processes)
