"""The Pacer on a fake clock, and end to end: dispatcher + real WebClient + emulator answering 429."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.app import web_client
from bot.devtools.slack_emulator import SlackEmulator
from bot.scheduler.dispatcher import DueNotice, NoticeDispatcher
from bot.scheduler.pacing import Pacer
from bot.scheduler.planner import NoticePlanner
from bot.settings import Settings
from storage.db import Database
from storage.models import Team
from tests.scheduler import add_notice, make_team, migrated, notices


class FakeClock:
    """A monotonic clock that only moves when someone sleeps."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def paced(clock: FakeClock, **kwargs: float) -> Pacer:
    return Pacer(clock=clock, sleep=clock.sleep, **kwargs)


def test_one_channel_gets_one_message_per_second() -> None:
    clock = FakeClock()
    pacer = paced(clock)
    times = []
    for _ in range(4):
        pacer.wait("T1", "C1")
        times.append(clock.now - 100)
    assert times == pytest.approx([0, 1, 2, 3])
    clock.now += 5  # a quiet channel does not wait
    assert pacer.wait("T1", "C1") == 0


def test_channels_share_the_workspace_rate() -> None:
    clock = FakeClock()
    pacer = paced(clock, per_workspace_rate=20.0)
    times = []
    for i in range(100):
        pacer.wait("T1", f"C{i}")
        times.append(clock.now)
    assert times[-1] - times[0] == pytest.approx(99 / 20)
    assert all(b - a == pytest.approx(0.05) for a, b in zip(times, times[1:], strict=False))
    for start in times:  # no window of one second holds more than 20
        assert sum(start <= t < start + 1 for t in times) <= 20
    before = clock.now
    pacer.wait("T2", "C1")  # another workspace has its own bucket
    assert clock.now == before


def test_a_burst_is_allowed_then_the_rate_holds() -> None:
    clock = FakeClock()
    pacer = paced(clock, per_workspace_rate=10.0, burst=5)
    waits = [pacer.wait("T1", f"C{i}") for i in range(8)]
    assert waits[:5] == [0] * 5
    assert waits[5:] == pytest.approx([0.1] * 3)


def test_limits_can_be_turned_off() -> None:
    clock = FakeClock()
    pacer = paced(clock, per_channel_interval=0, per_workspace_rate=0)
    assert sum(pacer.wait("T1", "C1") for _ in range(50)) == 0


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = migrated(database_url)
    yield database
    database.dispose()


def test_dispatch_through_the_web_client_survives_429s_and_delivers_each_once(
    db: Database, emulator: SlackEmulator
) -> None:
    client = web_client(Settings(slack_bot_token=emulator.bot_token, slack_api_url=emulator.api_url,
                                 database_url=db.url))
    teams = [make_team(db, f"C0PLC100{i}") for i in range(4)]
    with db.session() as session:
        channel_of = dict(session.execute(select(Team.id, Team.channel_id)).all())

    def post(notice: DueNotice) -> None:
        client.chat_postMessage(channel=channel_of[notice.team_id], text=f"notice {notice.id}")

    now = datetime.now(UTC)
    # The first channel gets two notices, the others one; the 429 hits the very first post.
    ids = [add_notice(db, team, now - timedelta(seconds=1), kind="item_ending") for team in teams]
    ids.append(add_notice(db, teams[0], now - timedelta(seconds=1), ref=1, kind="item_ending"))
    emulator.fail_next("chat.postMessage", 429, retry_after=1)
    dispatcher = NoticeDispatcher(db, {"item_ending": post}, NoticePlanner(db), Pacer())
    report = dispatcher.run_due()
    assert (report.sent, report.dropped, report.retried) == (5, 0, 0)
    calls = emulator.calls_to("chat.postMessage")
    assert [c.status for c in calls].count(429) == 1
    delivered = Counter(c.args["text"] for c in calls if c.ok)
    assert delivered == Counter(f"notice {i}" for i in ids)
    assert {n.status for n in notices(db)} == {"sent"}
    # Paced: the second notice of a channel was first tried at least a second after the first one.
    first_try: dict[str, dict[str, float]] = {}
    for call in calls:
        first_try.setdefault(call.args["channel"], {}).setdefault(call.args["text"], call.at)
    first, second = first_try["C0PLC1000"].values()
    assert second - first >= 0.95
