"""/healthz with a broker: 200 while the broker and a worker answer, 503 once either has been gone for
longer than the bound; the upload form says so (and keeps nothing) when the queue cannot take a job."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import requests

from bot.app import create_app
from bot.devtools.local_server import LocalServer
from bot.devtools.slack_emulator import SlackEmulator
from bot.devtools.slack_requests import SlackRequestSender, values_for
from bot.jobs import health
from bot.jobs.heartbeat import Heartbeat
from tests.conftest import SIGNING_SECRET, RunningApp, make_settings
from tests.e2e.helpers import CHANNEL, FACILITATOR, register_team

DEAD_BROKER = "amqp://guest:guest@127.0.0.1:9/%2F"  # nothing listens on port 9
BROKER = os.environ.get("PLC_TEST_BROKER_URL")


def serve(emulator: SlackEmulator, database_url: str, broker_url: str) -> Iterator[RunningApp]:
    plc = create_app(make_settings(emulator, database_url, broker_url=broker_url, job_queue="plc-health-test"))
    with LocalServer(plc.wsgi) as server:
        yield RunningApp(plc, server, emulator, SlackRequestSender(f"{server.url}/slack/events", SIGNING_SECRET,
                                                                   team_id=emulator.team_id, emulator=emulator))
    plc.close()


@pytest.fixture
def broker_down(emulator: SlackEmulator, database_url: str) -> Iterator[RunningApp]:
    yield from serve(emulator, database_url, DEAD_BROKER)


def test_an_unreachable_broker_turns_healthz_503_after_the_bound(broker_down: RunningApp,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    beat = Heartbeat(broker_down.plc.services.db, "worker").start()  # a worker elsewhere is fine
    try:
        body = requests.get(f"{broker_down.url}/healthz", timeout=10).json()
        assert body["queue"]["broker"] == "unreachable"
        assert body["status"] == "ok"  # not yet: a broker restart must not take every web server out
        monkeypatch.setattr(health, "UNREACHABLE_AFTER", 0.0)
        monkeypatch.setattr(health, "BROKER_CHECK_EVERY", 0.0)
        reply = requests.get(f"{broker_down.url}/healthz", timeout=10)
        assert reply.status_code == 503
        assert "broker unreachable" in reply.json()["status"]
    finally:
        beat.stop()


@pytest.mark.skipif(not BROKER, reason="needs PLC_TEST_BROKER_URL")
def test_no_worker_for_longer_than_the_bound_turns_healthz_503(emulator: SlackEmulator, database_url: str,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    assert BROKER
    for app in serve(emulator, database_url, BROKER):
        assert requests.get(f"{app.url}/healthz", timeout=10).status_code == 200  # just started: grace
        monkeypatch.setattr(health, "UNREACHABLE_AFTER", 0.0)
        reply = requests.get(f"{app.url}/healthz", timeout=10)
        assert reply.status_code == 503 and reply.json()["status"] == "no worker"
        beat = Heartbeat(app.plc.services.db, "worker").start()
        monkeypatch.setattr(health, "UNREACHABLE_AFTER", 30.0)
        body = requests.get(f"{app.url}/healthz", timeout=10).json()
        beat.stop()
        assert body["status"] == "ok" and body["queue"]["broker"] == "ok"


def test_an_upload_the_queue_cannot_take_keeps_the_form_open_with_the_reason(broker_down: RunningApp) -> None:
    app = broker_down
    register_team(app)
    file = app.emulator.add_file("results.csv", b"student,item,score,max points\nA,Q1,1,1\n", user_id=FACILITATOR)
    app.slack.slash_command("/plc", "upload", user_id=FACILITATOR, channel_id=CHANNEL)
    view = app.emulator.wait_for("views.open", count=2)[-1].response["view"]
    reply = app.slack.view_submission(view, values_for(view, {"upload_file": [file], "upload_name": "Quiz"}),
                                      user_id=FACILITATOR)
    assert reply.status_code == 200
    answer = reply.json()
    assert answer["response_action"] == "errors"
    assert "queue is not answering" in next(iter(answer["errors"].values()))
    assert not app.emulator.calls_to("file_download")
