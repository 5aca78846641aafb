"""Production under faults, with real processes: two web servers, two job workers and two schedulers
on one PostgreSQL schema and one RabbitMQ queue, driven by signed HTTP and the Slack emulator, whose
file host is slowed down so that a kill lands in the middle of an upload.

Runs when PLC_TEST_DATABASE_URL (PostgreSQL) and PLC_TEST_BROKER_URL (RabbitMQ) are set, as
.ci/run sets them when the servers answer.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, text

from bot.devtools.deployment import Process, Server, Topology, wait_until
from bot.devtools.slack_emulator import SlackEmulator
from bot.devtools.slack_requests import values_for
from storage.models import AssessmentResult, Job, ProcessHeartbeat
from tests.conftest import postgres_schema_url
from tests.e2e.helpers import CHANNEL, FACILITATOR, register_team

PG = os.environ.get("PLC_TEST_DATABASE_URL")
BROKER = os.environ.get("PLC_TEST_BROKER_URL")
pytestmark = pytest.mark.skipif(not (PG and BROKER), reason="needs PLC_TEST_DATABASE_URL and PLC_TEST_BROKER_URL")

NAME = "Unit 5 CFA"
SLOW_HOST = 4.0  # seconds the file host takes per download
RESULTS = (b"student,item,standard,score,max points\n"
           b"Zeynep Kaya,Q1,4.NF.1,2,2\nZeynep Kaya,Q2,4.NF.2,2,2\n"
           b"Oliver Smith,Q1,4.NF.1,0,2\nOliver Smith,Q2,4.NF.2,1,2\n")


@pytest.fixture
def topology(tmp_path: Path) -> Iterator[Topology]:
    assert PG and BROKER
    schema = f"plc_topo_{uuid.uuid4().hex[:10]}"
    queue = f"plc-test-{uuid.uuid4().hex[:10]}"
    admin = create_engine(postgres_schema_url(PG, "public"))
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    with SlackEmulator() as emulator:
        emulator.add_user("U0TEACH02", "maria", real_name="Maria Lopez", tz="America/New_York", locale="en-US")
        emulator.add_user("U0TEACH03", "james", real_name="James Brown", tz="America/Chicago", locale="en-US")
        emulator.add_channel(CHANNEL, "grade4-math-plc")
        topo = Topology(tmp_path, emulator, postgres_schema_url(PG, schema), BROKER, queue)
        topo.migrate()
        try:
            yield topo
        finally:
            topo.stop_all()
            _delete_queues(BROKER, queue)
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


def _delete_queues(broker_url: str, queue: str) -> None:
    import pika

    connection = pika.BlockingConnection(pika.URLParameters(broker_url))
    channel = connection.channel()
    for name in (queue, f"{queue}.DQ", f"{queue}.XQ"):
        channel.queue_delete(name)
    connection.close()


def db_scalar(topo: Topology, query: Any) -> Any:
    engine = create_engine(topo.database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(query).scalar()
    finally:
        engine.dispose()


def summaries(topo: Topology) -> list[dict[str, Any]]:
    return [m for m in topo.emulator.messages(CHANNEL)
            if not m.get("ephemeral_to") and not m.get("upload") and NAME in m.get("text", "")]


def submit_upload(server: Server, user_id: str = FACILITATOR) -> None:
    topo_emulator = server.emulator
    assert topo_emulator is not None and server.slack is not None
    file = topo_emulator.add_file("results.csv", RESULTS, user_id=user_id)
    before = len(topo_emulator.calls_to("views.open"))
    reply = server.slack.slash_command("/plc", "upload", user_id=user_id, channel_id=CHANNEL)
    assert reply.status_code == 200
    view = topo_emulator.wait_for("views.open", count=before + 1)[-1].response["view"]
    answers = {"upload_file": [file], "upload_name": NAME, "upload_date": "2026-11-20"}
    started = time.monotonic()
    reply = server.slack.view_submission(view, values_for(view, answers), user_id=user_id)
    assert reply.status_code == 200 and reply.text == "", reply.text
    assert time.monotonic() - started < 1.0  # acknowledged at once: the slow download is the job's


def running_job_pid(topo: Topology) -> int:
    """The pid of the worker process running the upload job (from the job's row and the heartbeats)."""
    def probe() -> int | None:
        worker = db_scalar(topo, select(Job.worker_id).where(Job.kind == "upload", Job.state == "running"))
        if worker is None:
            return None
        return db_scalar(topo, select(ProcessHeartbeat.pid).where(ProcessHeartbeat.id == worker))
    return wait_until(probe, 20, "the upload job to start")


def assert_summary_once(topo: Topology, started: float, within: float = 60.0) -> float:
    """The summary is posted, once, within `within` s of `started`; returns the seconds it took."""
    wait_until(lambda: True if summaries(topo) else None, within, "the summary\n" + topo.logs())
    took = time.monotonic() - started
    wait_until(lambda: True if db_scalar(topo, select(func.count()).select_from(Job)
                                         .where(Job.state.in_(("queued", "running")))) == 0 else None,
               30, "every job to finish")
    time.sleep(1.0)  # anything doubled would come right after
    assert len(summaries(topo)) == 1, topo.logs()
    assert len(topo.emulator.calls_to("files.completeUploadExternal")) == 1
    dms = [m for m in topo.emulator.messages(FACILITATOR) if NAME in m.get("text", "")]
    assert len(dms) == 1
    assert db_scalar(topo, select(func.count()).select_from(AssessmentResult)) == 4
    return took


def test_a_team_set_up_on_one_server_is_seen_at_once_by_the_other(topology: Topology) -> None:
    a, b = topology.server("server-a"), topology.server("server-b")
    early = b.slack.slash_command("/plc", "schedule", user_id=FACILITATOR, channel_id=CHANNEL)  # type: ignore[union-attr]
    assert "not a PLC team" in early.text  # server B has looked the channel up before the team exists
    register_team(a)
    before = len(topology.emulator.calls_to("views.open"))
    reply = b.slack.slash_command("/plc", "schedule", user_id=FACILITATOR, channel_id=CHANNEL)  # type: ignore[union-attr]
    assert reply.status_code == 200
    assert "not a PLC team" not in reply.text
    view = topology.emulator.wait_for("views.open", count=before + 1)[-1].response["view"]
    assert view["callback_id"] == "meeting_schedule"


def upload_on_a_worker(topology: Topology) -> tuple[float, Process]:
    """One server, two workers, an upload whose slow download is under way: (when it was sent, its worker)."""
    server = topology.server("server-a")
    topology.worker("worker-1")
    topology.worker("worker-2")
    register_team(server)
    topology.emulator.slow_downloads(SLOW_HOST)
    submit_upload(server)
    started = time.monotonic()
    pid = running_job_pid(topology)
    time.sleep(0.5)  # the download is under way
    return started, next(p for p in topology.processes if p.popen.pid == pid)


def test_a_worker_killed_mid_upload_leaves_the_job_to_the_other_worker(topology: Topology) -> None:
    started, victim = upload_on_a_worker(topology)
    victim.kill9()
    took = assert_summary_once(topology, started)
    print(f"\nworker kill -9 mid-upload: summary after {took:.1f} s")


def test_the_server_that_acknowledged_an_upload_is_killed_right_after(topology: Topology) -> None:
    a, b = topology.server("server-a"), topology.server("server-b")
    topology.worker("worker-1")
    topology.worker("worker-2")
    register_team(b)
    topology.emulator.slow_downloads(SLOW_HOST)
    submit_upload(a)
    started = time.monotonic()
    a.kill9()
    took = assert_summary_once(topology, started)
    print(f"\nserver kill -9 after the ack: summary after {took:.1f} s")


def test_a_worker_stopped_with_sigterm_mid_job_finishes_or_hands_it_back_once(topology: Topology) -> None:
    started, stopping = upload_on_a_worker(topology)
    stop_started = time.monotonic()
    assert stopping.terminate(timeout=45) == 0, stopping.output()
    stop_took = time.monotonic() - stop_started
    assert stop_took < 35, f"the worker took {stop_took:.1f} s to stop"
    took = assert_summary_once(topology, started)
    print(f"\nworker SIGTERM mid-job: exited 0 in {stop_took:.1f} s, summary after {took:.1f} s")


def test_a_scheduler_killed_leaves_the_meeting_to_the_other_once(topology: Topology) -> None:
    server = topology.server("server-a")
    topology.worker("worker-1")
    register_team(server)
    # A weekly meeting today, starting at the first whole minute at least 40 s from now (UTC).
    start = (datetime.now(UTC) + timedelta(seconds=99)).replace(second=0, microsecond=0)
    before = len(topology.emulator.calls_to("views.open"))
    server.slack.slash_command("/plc", "schedule", user_id=FACILITATOR, channel_id=CHANNEL)  # type: ignore[union-attr]
    view = topology.emulator.wait_for("views.open", count=before + 1)[-1].response["view"]
    answers = {"schedule_weekdays": [str(start.weekday())], "schedule_start_time": start.strftime("%H:%M"),
               "schedule_duration": "30", "schedule_recurrence": "weekly",
               "schedule_first_date": start.date().isoformat(), "schedule_timezone": "UTC"}
    reply = server.slack.view_submission(view, values_for(view, answers), user_id=FACILITATOR)  # type: ignore[union-attr]
    assert reply.status_code == 200 and reply.text == "", reply.text
    first = topology.scheduler("scheduler-1")
    topology.scheduler("scheduler-2")
    time.sleep(2)
    first.kill9()

    def agenda_posts() -> list[dict[str, Any]]:
        return [m for m in topology.emulator.messages(CHANNEL) if m.get("text", "").startswith("PLC meeting:")]

    wait_until(lambda: True if agenda_posts() else None,
               (start - datetime.now(UTC)).total_seconds() + 60, "the meeting's message\n" + topology.logs())
    late = (datetime.now(UTC) - start).total_seconds()
    time.sleep(5)
    assert len(agenda_posts()) == 1, topology.logs()
    print(f"\nscheduler kill -9: the meeting's message posted once, {late:.1f} s after its time")
