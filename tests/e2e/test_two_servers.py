"""Two `plc-bot run --http --no-scheduler` servers on one PostgreSQL schema, as two hosts (or two
workers) of one deployment: whatever one commits, the other's very next request answers from.

Each server runs one gunicorn worker, so a server that has answered for a channel once would keep
that answer if it kept any per-process copy of the team: every test first makes server B read
the team, then changes it through server A, then asks B at once.
"""

from __future__ import annotations

import itertools
import os
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from sqlalchemy import Engine, create_engine, func, select, text

from bot.devtools.slack_emulator import SlackEmulator
from bot.devtools.slack_requests import SlackRequestSender, values_for
from storage.models import Team, TeamMember
from tests.conftest import postgres_schema_url
from tests.e2e.servers import SECRET, gunicorn_app

pytestmark = pytest.mark.skipif(not os.environ.get("PLC_TEST_DATABASE_URL"),
                                reason="two servers share one database: set PLC_TEST_DATABASE_URL (PostgreSQL)")

MARIA, JAMES = "U0TEACH02", "U0TEACH03"
NOT_A_TEAM = "This channel is not a PLC team yet"
NOT_FACILITATOR = "Only the team's facilitator can change these settings."
_channels = itertools.count(1)


@dataclass
class Cluster:
    emulator: SlackEmulator
    a: SlackRequestSender  # server A
    b: SlackRequestSender  # server B, another process on the same database
    db: Engine  # the shared schema, to see when an asynchronous write has committed

    def new_channel(self) -> str:
        channel = f"C0TWO{next(_channels):04d}"
        self.emulator.add_channel(channel, f"plc-{channel.lower()}")
        return channel


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    base = os.environ["PLC_TEST_DATABASE_URL"]
    schema = f"plc_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_schema_url(base, "public"))
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = postgres_schema_url(base, schema)
    db = create_engine(url)
    processes = []
    try:
        with SlackEmulator() as emulator:
            emulator.add_user(MARIA, "maria", real_name="Maria Lopez", tz="America/New_York", locale="en-US")
            emulator.add_user(JAMES, "james", real_name="James Brown", tz="America/Chicago", locale="en-US")
            options: dict[str, Any] = dict(workers=1, threads=2, args=("--no-scheduler",), DATABASE_URL=url,
                                           LOG_LEVEL="WARNING")
            # A first: `plc-bot run` applies the migrations before it serves; B then finds them done.
            with gunicorn_app(tmp_path_factory.mktemp("a"), emulator, **options) as (url_a, process_a):
                processes.append(process_a)
                with gunicorn_app(tmp_path_factory.mktemp("b"), emulator, **options) as (url_b, process_b):
                    processes.append(process_b)
                    yield Cluster(
                        emulator,
                        SlackRequestSender(f"{url_a}/slack/events", SECRET, team_id=emulator.team_id,
                                           emulator=emulator),
                        SlackRequestSender(f"{url_b}/slack/events", SECRET, team_id=emulator.team_id,
                                           emulator=emulator),
                        db,
                    )
    finally:
        for process in processes:
            process.communicate(timeout=15)
        db.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def command(server: SlackRequestSender, text: str, user_id: str, channel: str) -> requests.Response:
    reply = server.slash_command("/plc", text, user_id=user_id, channel_id=channel)
    assert reply.status_code == 200
    return reply


def open_view(cluster: Cluster, server: SlackRequestSender, text: str, user_id: str, channel: str) -> dict[str, Any]:
    """`/plc TEXT` through `server`, which must answer by opening a modal (views.open with its trigger)."""
    before = len(cluster.emulator.calls_to("views.open"))
    reply = command(server, text, user_id, channel)
    assert reply.text == "", reply.text  # an empty ack: no refusal, no "not a team yet"
    call = cluster.emulator.wait_for("views.open", count=before + 1)[-1]
    assert call.args["trigger_id"] == server.last_trigger_id
    return call.response["view"]


def submit(server: SlackRequestSender, view: dict[str, Any], user_id: str, **answers: Any) -> requests.Response:
    return server.view_submission(view, values_for(view, answers), user_id=user_id)


def set_up(cluster: Cluster, server: SlackRequestSender, user_id: str, channel: str, **answers: Any) -> None:
    """`/plc setup` and its submission through `server` (the ack comes after the commit)."""
    view = open_view(cluster, server, "setup", user_id, channel)
    fields = {"team_name": "Grade 4 Math PLC", "team_timezone": "America/New_York", "team_language": "en",
              "team_members": [user_id]}
    fields.update(answers)
    reply = submit(server, view, user_id, **fields)
    assert reply.status_code == 200 and reply.text == "", reply.text


def wait_until(check: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_schedule_through_b_right_after_setup_through_a_opens_the_modal(cluster: Cluster) -> None:
    channel = cluster.new_channel()
    assert NOT_A_TEAM in command(cluster.b, "schedule", MARIA, channel).text  # B has read the channel

    set_up(cluster, cluster.a, MARIA, channel)
    view = open_view(cluster, cluster.b, "schedule", MARIA, channel)  # at once, on the other server
    assert view["callback_id"] == "meeting_schedule"


def test_facilitators_made_or_removed_through_a_are_authorised_or_refused_at_once_through_b(
    cluster: Cluster,
) -> None:
    channel = cluster.new_channel()
    set_up(cluster, cluster.a, MARIA, channel, team_members=[MARIA, JAMES])  # Maria facilitates
    assert NOT_FACILITATOR in command(cluster.b, "settings", JAMES, channel).text
    marias_form = open_view(cluster, cluster.b, "settings", MARIA, channel)

    # James edits the team through A and leaves Maria out: he becomes its facilitator, she leaves it.
    set_up(cluster, cluster.a, JAMES, channel, team_members=[JAMES])
    assert open_view(cluster, cluster.b, "settings", JAMES, channel)["callback_id"] == "team_settings"
    assert NOT_FACILITATOR in command(cluster.b, "settings", MARIA, channel).text
    # ...and the form she opened while she was facilitator no longer writes anything.
    reply = submit(cluster.b, marias_form, MARIA, intervention_below="50")
    assert reply.json() == {"response_action": "errors", "errors": {"focus_mode": NOT_FACILITATOR}}

    # James leaves the channel (an event, handled after its ack): once that has committed, B refuses him.
    cluster.a.event({"type": "member_left_channel", "user": JAMES, "channel": channel, "channel_type": "C",
                     "team": cluster.emulator.team_id})

    def james_left() -> bool:
        with cluster.db.connect() as connection:
            return not connection.scalar(
                select(func.count()).select_from(TeamMember).join(Team)
                .where(Team.channel_id == channel, TeamMember.user_id == JAMES))

    wait_until(james_left)
    assert NOT_FACILITATOR in command(cluster.b, "settings", JAMES, channel).text


def test_language_and_settings_changed_through_a_are_answered_at_once_through_b(cluster: Cluster) -> None:
    channel = cluster.new_channel()
    set_up(cluster, cluster.a, MARIA, channel, team_members=[MARIA, JAMES])
    assert command(cluster.b, "help", JAMES, channel).json()["text"] == "PLC Bot: what I can do"
    before = command(cluster.b, "settings", JAMES, channel).json()["text"]
    assert "Focus keeper: normal" in before and "70%" in before

    set_up(cluster, cluster.a, MARIA, channel, team_members=[MARIA, JAMES], team_language="tr")
    assert command(cluster.b, "help", JAMES, channel).json()["text"] == "PLC Bot: neler yapabilirim"

    form = open_view(cluster, cluster.a, "settings", MARIA, channel)
    reply = submit(cluster.a, form, MARIA, intervention_below="80", extension_from="95", focus_mode="off")
    assert reply.status_code == 200 and reply.text == "", reply.text
    after = command(cluster.b, "settings", JAMES, channel).json()["text"]
    assert "Odak koruyucu: kapalı" in after and "Destek: %80 altı · zenginleştirme: %95 ve üstü" in after
