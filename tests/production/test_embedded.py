"""The embedded default under faults: one `plc-bot run --http` on SQLite, no broker, jobs in process.

A kill -9 in the middle of an upload loses nothing: the job's row is in the database, and the next
start of the bot sends it again once the dead process's heartbeat has gone quiet. SIGTERM lets the
upload under way finish (or leaves it to the next start) and exits 0. Either way the team sees the
summary exactly once.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.devtools.deployment import Topology, wait_until
from bot.devtools.slack_emulator import SlackEmulator
from storage.models import Job
from tests.e2e.helpers import CHANNEL, register_team
from tests.production.test_faults import SLOW_HOST, assert_summary_once, db_scalar, submit_upload


@pytest.fixture
def embedded(tmp_path: Path) -> Iterator[Topology]:
    with SlackEmulator() as emulator:
        emulator.add_user("U0TEACH02", "maria", real_name="Maria Lopez", tz="America/New_York", locale="en-US")
        emulator.add_user("U0TEACH03", "james", real_name="James Brown", tz="America/Chicago", locale="en-US")
        emulator.add_channel(CHANNEL, "grade4-math-plc")
        topo = Topology(tmp_path, emulator, f"sqlite:///{tmp_path / 'plc.sqlite3'}", broker_url="", queue="plc")
        topo.migrate()
        try:
            yield topo
        finally:
            topo.stop_all()


def upload_under_way(topo: Topology) -> float:
    server = topo.server("bot")
    register_team(server)
    topo.emulator.slow_downloads(SLOW_HOST)
    submit_upload(server)
    started = time.monotonic()
    wait_until(lambda: True if db_scalar(topo, select(func.count()).select_from(Job)
                                         .where(Job.state == "running")) else None, 20, "the job to start")
    time.sleep(1.0)  # the download is under way
    return started


def test_killed_mid_upload_the_next_start_finishes_it_once(embedded: Topology) -> None:
    started = upload_under_way(embedded)
    embedded.processes[0].kill9()
    assert not embedded.processes[0].alive()
    embedded.server("bot-again")
    took = assert_summary_once(embedded, started, within=75)
    print(f"\nembedded kill -9 mid-upload, restarted at once: summary after {took:.1f} s")


def test_sigterm_mid_upload_exits_0_and_the_upload_is_shared_once(embedded: Topology) -> None:
    started = upload_under_way(embedded)
    stop_started = time.monotonic()
    assert embedded.processes[0].terminate(timeout=60) == 0, embedded.logs()
    stop_took = time.monotonic() - stop_started
    embedded.server("bot-again")
    took = assert_summary_once(embedded, started, within=75)
    print(f"\nembedded SIGTERM mid-upload: exited 0 in {stop_took:.1f} s; summary after {took:.1f} s")
