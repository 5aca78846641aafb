"""Start and Next item on SQLite and PostgreSQL: each click is decided under the meeting's row lock, so
two people clicking at once never both announce the same thing (found by bench/mixed_load.py)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from bot.meetings.service import MeetingService, Step
from bot.teams import TeamDraft, TeamService
from storage import migrate
from storage.db import Database

NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)


@pytest.fixture
def meetings(database_url: str):
    db = Database(database_url)
    migrate.upgrade(db.engine)
    team = TeamService(db).save("T1", "C1", TeamDraft(name="G4 Math", subject="Math", grade_band="4",
                                                      timezone="UTC", language="en", member_ids=["U1", "U2"],
                                                      norms=[]), by_user="U1")
    service = MeetingService(db)
    meeting = service.open_meeting(team.id, NOW, 60, "en")
    yield service, meeting.id, len(meeting.agenda)
    db.dispose()


def clicked_at_once(count: int, click) -> list[Step]:
    barrier = threading.Barrier(count)
    steps: list[Step] = []
    errors: list[BaseException] = []

    def person() -> None:
        barrier.wait()
        try:
            steps.append(click())
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=person) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return steps


def test_start_starts_once_and_next_stops_at_the_last_item(meetings) -> None:
    service, meeting_id, items = meetings
    first, again = service.start(meeting_id, NOW), service.start(meeting_id, NOW)
    assert (first.started, first.moved, first.meeting.status, first.meeting.current_item) == (True, True, "running", 0)
    assert (again.started, again.moved, again.meeting.current_item) == (False, False, 0)
    moves = [service.next_item(meeting_id, NOW) for _ in range(items + 1)]
    assert [s.moved for s in moves] == [True] * (items - 1) + [False, False]
    assert moves[-1].meeting.current_item == items - 1 and not any(s.started for s in moves)


def test_next_on_an_open_meeting_starts_it(meetings) -> None:
    service, meeting_id, _items = meetings
    step = service.next_item(meeting_id, NOW)
    assert (step.started, step.moved, step.meeting.current_item) == (True, True, 0)


def test_people_pressing_start_at_once_start_it_once(meetings) -> None:
    service, meeting_id, _items = meetings
    steps = clicked_at_once(6, lambda: service.start(meeting_id, NOW))
    assert sorted(s.started for s in steps) == [False] * 5 + [True]
    assert {s.meeting.current_item for s in steps} == {0}


def test_people_pressing_next_at_once_move_once_each_without_errors(meetings) -> None:
    service, meeting_id, items = meetings
    service.start(meeting_id, NOW)
    clicks = min(4, items - 1)
    steps = clicked_at_once(clicks, lambda: service.next_item(meeting_id, NOW))
    assert all(s.moved for s in steps)
    assert sorted(s.meeting.current_item for s in steps) == list(range(1, clicks + 1))  # each announces its own item
