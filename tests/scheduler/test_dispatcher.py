"""The dispatcher on SQLite and PostgreSQL: once and only once, expiry, retries, races, crashed claims."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.scheduler.dispatcher import DueNotice, NoticeDispatcher
from bot.scheduler.planner import PLANNER_KINDS, NoticePlanner
from storage.db import Database
from storage.models import ScheduledNotice
from tests.scheduler import add_notice, make_team, migrated, notices, set_schedule, utc

NOW = utc(2026, 11, 10, 14, 0)


class Recorder:
    """Senders for every kind that record what they were given; `fail` makes them raise."""

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.sent: list[DueNotice] = []
        self._lock = threading.Lock()

    def __call__(self, notice: DueNotice) -> None:
        if self.fail:
            raise RuntimeError("slack is down")
        with self._lock:
            self.sent.append(notice)

    def senders(self, kinds: tuple[str, ...] = (*PLANNER_KINDS, "item_ending")) -> dict[str, Recorder]:
        return dict.fromkeys(kinds, self)


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = migrated(database_url)
    yield database
    database.dispose()


def dispatcher(db: Database, recorder: Recorder, **kwargs: object) -> NoticeDispatcher:
    return NoticeDispatcher(db, recorder.senders(), NoticePlanner(db), None, **kwargs)  # type: ignore[arg-type]


def test_due_notices_go_out_once_in_due_order(db: Database) -> None:
    team = make_team(db)
    later = add_notice(db, team, NOW - timedelta(seconds=1), kind="item_ending", ref=1)
    earlier = add_notice(db, team, NOW - timedelta(minutes=5), kind="reminder")
    future = add_notice(db, team, NOW + timedelta(minutes=1), kind="item_ending", ref=2)
    recorder = Recorder()
    report = dispatcher(db, recorder).run_due(NOW)
    assert (report.sent, report.dropped, report.retried) == (2, 0, 0)
    assert [n.id for n in recorder.sent] == [earlier, later]
    assert recorder.sent[0] == DueNotice(earlier, team, "reminder", NOW + timedelta(minutes=10), 0,
                                         NOW - timedelta(minutes=5))
    assert not dispatcher(db, recorder).run_due(NOW)  # nothing left to send
    assert len(recorder.sent) == 2
    status = {n.id: n.status for n in notices(db)}
    assert status[earlier] == status[later] == "sent"
    assert status[future] == "pending"


def test_expired_notices_are_dropped_not_sent(db: Database) -> None:
    team = make_team(db)
    late = add_notice(db, team, NOW - timedelta(hours=2), expires_at=NOW - timedelta(minutes=1))
    on_the_edge = add_notice(db, team, NOW - timedelta(hours=1), expires_at=NOW)
    recorder = Recorder()
    report = dispatcher(db, recorder).run_due(NOW)
    assert (report.sent, report.dropped) == (0, 2)
    assert recorder.sent == []
    assert {n.id: n.status for n in notices(db)} == {late: "dropped", on_the_edge: "dropped"}


def test_unknown_kind_is_dropped(db: Database) -> None:
    team = make_team(db)
    notice = add_notice(db, team, NOW - timedelta(seconds=1), kind="poll_results")
    recorder = Recorder()
    report = NoticeDispatcher(db, recorder.senders(("reminder",)), NoticePlanner(db)).run_due(NOW)
    assert (report.sent, report.dropped) == (0, 1)
    assert notices(db)[0].id == notice and notices(db)[0].status == "dropped"


def test_a_failing_sender_is_retried_later_then_dropped_after_five_attempts(db: Database) -> None:
    team = make_team(db)
    notice = add_notice(db, team, NOW, expires_at=NOW + timedelta(hours=3))
    failing = Recorder(fail=True)
    run = dispatcher(db, failing).run_due
    now = NOW
    for attempt in range(1, 5):
        report = run(now)
        assert (report.sent, report.dropped, report.retried) == (0, 0, 1)
        row = notices(db)[0]
        assert (row.status, row.attempts, row.due_at) == ("pending", attempt, now + timedelta(seconds=30 * attempt))
        assert not run(row.due_at - timedelta(seconds=1))  # not before its new due time
        now = row.due_at
    report = run(now)
    assert (report.sent, report.dropped, report.retried) == (0, 1, 0)
    assert (notices(db)[0].id, notices(db)[0].status, notices(db)[0].attempts) == (notice, "dropped", 5)


def test_a_failing_sender_is_not_retried_past_expiry(db: Database) -> None:
    team = make_team(db)
    add_notice(db, team, NOW, expires_at=NOW + timedelta(seconds=20))
    report = dispatcher(db, Recorder(fail=True)).run_due(NOW)
    assert (report.dropped, report.retried) == (1, 0)


def test_two_dispatchers_racing_send_each_notice_once(db: Database) -> None:
    team = make_team(db)
    with db.session() as session:
        session.add_all([
            ScheduledNotice(team_id=team, kind="reminder", occurrence_at=NOW + timedelta(minutes=i), ref=0,
                            due_at=NOW - timedelta(seconds=i), expires_at=NOW + timedelta(hours=1))
            for i in range(120)
        ])
    recorder = Recorder()
    other_db = Database(db.url)
    racers = [dispatcher(db, recorder, batch_size=7), dispatcher(other_db, recorder, batch_size=7)]
    start = threading.Barrier(2)
    reports = []

    def race(racer: NoticeDispatcher) -> None:
        start.wait()
        reports.append(racer.run_due(NOW))

    threads = [threading.Thread(target=race, args=(racer,)) for racer in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    other_db.dispose()
    counts = Counter(n.id for n in recorder.sent)
    assert len(counts) == 120 and set(counts.values()) == {1}
    assert sum(r.sent for r in reports) == 120
    assert {n.status for n in notices(db)} == {"sent"}


def test_notices_left_sending_by_a_crashed_process_are_dropped(db: Database) -> None:
    team = make_team(db)
    stale = add_notice(db, team, NOW - timedelta(minutes=12), status="sending", claimed_at=NOW - timedelta(minutes=11))
    recent = add_notice(db, team, NOW - timedelta(minutes=2), status="sending", claimed_at=NOW - timedelta(minutes=1))
    recorder = Recorder()
    report = dispatcher(db, recorder).run_due(NOW)
    assert (report.sent, report.dropped) == (0, 1)
    assert recorder.sent == []
    assert {n.id: n.status for n in notices(db)} == {stale: "dropped", recent: "sending"}


def test_stop_hands_the_rest_of_the_batch_back(db: Database) -> None:
    team = make_team(db)
    ids = [add_notice(db, team, NOW - timedelta(seconds=10 - i)) for i in range(3)]
    recorder = Recorder()
    runner = dispatcher(db, recorder)

    def send_then_stop(notice: DueNotice) -> None:
        recorder(notice)
        runner.stop()

    runner.senders = {"reminder": send_then_stop}
    assert runner.run_due(NOW).sent == 1
    assert [(n.id, n.status) for n in notices(db)] == [(ids[0], "sent"), (ids[1], "pending"), (ids[2], "pending")]


def test_meeting_start_and_end_roll_the_plan_forward(db: Database) -> None:
    team = make_team(db)
    set_schedule(db, team, weekdays="1", start_time="09:00", timezone="UTC")
    NoticePlanner(db).plan_all(utc(2026, 11, 9, 12, 0))
    assert {n.occurrence_at for n in notices(db)} == {utc(2026, 11, 10, 9, 0), utc(2026, 11, 17, 9, 0)}
    recorder = Recorder()
    report = dispatcher(db, recorder).run_due(utc(2026, 11, 10, 9, 0))
    # The preview expired at the start; reminder and start went out; the plan now reaches a week further.
    assert (report.sent, report.dropped) == (2, 1)
    assert [n.kind for n in recorder.sent] == ["reminder", "meeting_start"]
    assert {n.occurrence_at for n in notices(db, status="pending")} == {
        utc(2026, 11, 10, 9, 0), utc(2026, 11, 17, 9, 0), utc(2026, 11, 24, 9, 0)}
    assert [n.kind for n in notices(db, status="pending") if n.occurrence_at == utc(2026, 11, 10, 9, 0)] == [
        "meeting_end"]


def test_next_due_at(db: Database) -> None:
    team = make_team(db)
    runner = dispatcher(db, Recorder())
    assert runner.next_due_at() is None
    add_notice(db, team, NOW + timedelta(minutes=3))
    add_notice(db, team, NOW + timedelta(minutes=1), kind="meeting_start")
    add_notice(db, team, NOW - timedelta(minutes=1), kind="meeting_end", status="sent")
    assert runner.next_due_at() == NOW + timedelta(minutes=1)
    assert runner.next_due_at().tzinfo is not None  # type: ignore[union-attr]
    assert datetime.now(UTC).tzinfo == runner.next_due_at().tzinfo  # type: ignore[union-attr]
