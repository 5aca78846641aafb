"""Restart safety with real processes: a notice that fell due while the scheduler was stopped goes
out exactly once after the restart (and not again on the next one); one that expired meanwhile is
dropped. The scheduler runs as `plc-bot scheduler` will run it, `run_scheduler(settings)`, with
`emulator_senders` below posting through the app's Web API client to the Slack emulator."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from bot.devtools.slack_emulator import SlackEmulator
from bot.scheduler.dispatcher import DueNotice
from storage.models import Team
from tests.scheduler import add_notice, make_team, migrated, notices

if TYPE_CHECKING:
    from bot.app import PlcApp

ROOT = Path(__file__).resolve().parents[2]
# The process imports first, then starts the scheduler when told to on stdin: the test spawns the
# next process while the previous one still runs, so a restart costs the scheduler's start only.
SCHEDULER = (
    "import logging, sys\n"
    "from bot.settings import configure_logging, load_settings\n"
    "from bot.scheduler.runner import run_scheduler\n"
    "import bot.app\n"
    "from tests.scheduler.test_restart import emulator_senders\n"
    "print('imported', file=sys.stderr, flush=True)\n"
    "if sys.stdin.readline().strip() != 'start':\n"
    "    sys.exit(0)\n"
    "settings = load_settings(env_file=None)\n"
    "configure_logging(settings.log_level)\n"
    "logging.getLogger('bot.scheduler').setLevel(logging.DEBUG)\n"
    "sys.exit(run_scheduler(settings, emulator_senders))\n"
)


def emulator_senders(plc_app: PlcApp) -> dict[str, Callable[[DueNotice], None]]:
    """Senders for the scheduler subprocess: one chat.postMessage to the team's channel per notice."""
    client, db = plc_app.bolt.client, plc_app.services.db

    def post(notice: DueNotice) -> None:
        with db.session() as session:
            channel = session.scalar(select(Team.channel_id).where(Team.id == notice.team_id))
        client.chat_postMessage(channel=channel, text=f"{notice.kind} {notice.id}")

    return {"item_ending": post, "reminder": post}


class SchedulerProcess:
    """A scheduler subprocess whose log lines are collected as they come."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self.process = subprocess.Popen([sys.executable, "-c", SCHEDULER], env=env, cwd=cwd, text=True,
                                        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            with self._changed:
                self.lines.append(line.rstrip())
                self._changed.notify_all()

    def start(self) -> None:
        """Start the scheduler in the (already spawned) process, and wait until it has caught up."""
        self.wait_for_line("imported")
        assert self.process.stdin is not None
        self.process.stdin.write("start\n")
        self.process.stdin.close()
        self.wait_for_line("scheduler started")
        self.wait_for_line("executed successfully")  # the catch-up run at start is over

    def wait_for_line(self, text: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [line for line in self.lines if text in line]
                if found:
                    return found[0]
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise AssertionError(f"no {text!r} in the scheduler's log:\n" + "\n".join(self.lines))
                self._changed.wait(0.1)

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise AssertionError("the scheduler did not stop:\n" + "\n".join(self.lines)) from None
        self._reader.join(timeout=5)
        return code


@contextmanager
def scheduler(spawned: SchedulerProcess) -> Iterator[SchedulerProcess]:
    running = spawned
    try:
        running.start()
        yield running
    finally:
        if running.process.poll() is None:
            assert running.stop() == 0, "\n".join(running.lines)
    assert "Traceback" not in "\n".join(running.lines), "\n".join(running.lines)


@pytest.fixture
def spawn(database_url: str, emulator: SlackEmulator, tmp_path: Path) -> Iterator[Callable[[], SchedulerProcess]]:
    """Spawns scheduler processes on the test's database and emulator; kills any left at the end."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "PLC_", "DATABASE_URL"))}
    env.update(PYTHONPATH=str(ROOT), DATABASE_URL=database_url, SLACK_BOT_TOKEN=emulator.bot_token,
               SLACK_API_URL=emulator.api_url, SLACK_SIGNING_SECRET="restart-test-secret", LOG_LEVEL="INFO")
    spawned: list[SchedulerProcess] = []

    def new_process() -> SchedulerProcess:
        spawned.append(SchedulerProcess(env, tmp_path))
        return spawned[-1]

    yield new_process
    for left in spawned:
        if left.process.poll() is None:
            left.process.kill()
            left.process.wait()


def test_a_notice_due_while_stopped_is_sent_once_after_restart(
    database_url: str, emulator: SlackEmulator, spawn: Callable[[], SchedulerProcess]
) -> None:
    db = migrated(database_url)
    team = make_team(db, "C0PLC0001")
    first_process, second_process, third_process = spawn(), spawn(), spawn()
    with scheduler(first_process) as first:
        # Seconds enough for the first scheduler to stop before either notice is due, on a busy machine too.
        lead = 4.0
        now = datetime.now(UTC)
        due = add_notice(db, team, now + timedelta(seconds=lead + 0.3), kind="item_ending", ref=1,
                         expires_at=now + timedelta(hours=1))
        expired = add_notice(db, team, now + timedelta(seconds=lead), kind="item_ending", ref=2,
                             expires_at=now + timedelta(seconds=lead + 0.3))
        assert first.stop() == 0
        assert datetime.now(UTC) < now + timedelta(seconds=lead)  # stopped before either was due
    assert emulator.calls_to("chat.postMessage") == []
    time.sleep(max(0.0, (now + timedelta(seconds=lead + 0.5) - datetime.now(UTC)).total_seconds()))

    with scheduler(second_process) as second:
        assert "dispatch: sent=1 dropped=1 retried=0" in second.wait_for_line("dispatch: sent=")
    assert [c.args["text"] for c in emulator.calls_to("chat.postMessage")] == [f"item_ending {due}"]

    with scheduler(third_process) as third:
        assert "sent=0" in third.wait_for_line("dispatch: ")
    assert len(emulator.calls_to("chat.postMessage")) == 1
    assert {n.id: n.status for n in notices(db)} == {due: "sent", expired: "dropped"}
    db.dispose()


def test_background_scheduler_sends_at_the_due_time_not_at_the_next_interval(
    emulator: SlackEmulator, tmp_path: Path
) -> None:
    from bot.app import create_app
    from bot.scheduler.runner import start_background, stop_background
    from tests.conftest import make_settings

    plc = create_app(make_settings(emulator, f"sqlite:///{tmp_path / 'plc.sqlite3'}"))
    team = make_team(plc.services.db, "C0PLC0001")
    due_at = datetime.now(UTC) + timedelta(seconds=0.8)
    notice = add_notice(plc.services.db, team, due_at, kind="item_ending")
    sent_at: list[datetime] = []
    scheduler = start_background(plc, senders={"item_ending": lambda n: sent_at.append(datetime.now(UTC))})
    try:
        with plc.services.db.engine.connect() as connection:
            stored = {row[0] for row in connection.exec_driver_sql("SELECT id FROM apscheduler_jobs")}
        assert {"plc-dispatch", "plc-plan-changed", "plc-dispatch-next"} <= stored
        deadline = time.monotonic() + 5
        while not sent_at and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        stop_background(scheduler)
        plc.close()
    assert len(sent_at) == 1
    assert timedelta(0) <= sent_at[0] - due_at < timedelta(seconds=1)  # the interval run is 15 s away
    assert [n.status for n in notices(plc.services.db) if n.id == notice] == ["sent"]
