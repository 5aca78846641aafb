"""The focus keeper's memory on SQLite and PostgreSQL: labels only, one nudge per thread per cooldown
even when several workers see drift at once, the meeting's focus summary, and its settings."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from bot.focus.keeper import FocusKeeper, FocusSettings, check_focus_settings
from bot.teams import TeamDraft, TeamService
from storage import migrate
from storage.db import Database
from storage.models import FocusEvent

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
DRIFT = "Honestly the administration keeps piling paperwork on us and nobody ever asks teachers anything"
LEARNING = "Most students mixed up numerator and denominator on Q4, let's reteach it with number lines"


@pytest.fixture
def keeper(database_url: str):
    db = Database(database_url)
    migrate.upgrade(db.engine)
    team = TeamService(db).save("T1", "C1", TeamDraft(name="G4 Math", subject="Math", grade_band="4",
                                                      timezone="UTC", language="en", member_ids=[], norms=[]),
                                by_user="U1")
    yield FocusKeeper(db), team.id
    db.dispose()


def events(keeper: FocusKeeper) -> list[FocusEvent]:
    with keeper.db.session() as session:
        rows = list(session.query(FocusEvent).order_by(FocusEvent.id))
        session.expunge_all()
        return rows


def test_only_labels_are_kept_and_drift_is_nudged_once_per_cooldown(keeper) -> None:
    focus, team_id = keeper
    first = focus.observe(team_id, "en", LEARNING, "1700.1", None, NOW)
    assert first is not None and first.verdict.label == "learning" and not first.nudge
    assert focus.observe(team_id, "en", DRIFT, "1700.1", None, NOW + timedelta(minutes=1)).nudge
    assert not focus.observe(team_id, "en", DRIFT, "1700.1", None, NOW + timedelta(minutes=9)).nudge
    assert focus.observe(team_id, "en", DRIFT, "1700.2", None, NOW + timedelta(minutes=9)).nudge  # another thread
    assert focus.observe(team_id, "en", DRIFT, "1700.1", None, NOW + timedelta(minutes=11, seconds=1)).nudge
    rows = events(focus)
    assert [(e.thread_ts, e.label, e.nudged) for e in rows] == [
        ("1700.1", "learning", False), ("1700.1", "drift", True), ("1700.1", "drift", False),
        ("1700.2", "drift", True), ("1700.1", "drift", True)]
    assert rows[0].question == 3
    assert not hasattr(rows[0], "text") and not hasattr(rows[0], "user_id")


def test_workers_racing_on_drift_in_one_thread_nudge_it_once(keeper) -> None:
    focus, team_id = keeper
    results: list[bool] = []
    barrier = threading.Barrier(6)

    def worker(i: int) -> None:
        barrier.wait()
        observation = focus.observe(team_id, "en", DRIFT, "1800.1", None, NOW + timedelta(seconds=i))
        results.append(bool(observation and observation.nudge))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 5 + [True]
    assert sum(e.nudged for e in events(focus)) == 1


def test_summary_counts_a_meetings_labels_and_off_means_nothing_is_read(keeper) -> None:
    focus, team_id = keeper
    from storage.models import Meeting

    with focus.db.session() as session:
        meeting = Meeting(team_id=team_id, starts_at=NOW, duration_minutes=45, status="running")
        session.add(meeting)
        session.flush()
        meeting_id = meeting.id
    for i, text in enumerate([LEARNING, DRIFT, "Thanks everyone, see you Tuesday!", DRIFT]):
        focus.observe(team_id, "en", text, "1900.1", meeting_id, NOW + timedelta(minutes=i))
    summary = focus.summary(meeting_id)
    assert (summary.learning, summary.drift, summary.other, summary.nudges) == (1, 2, 1, 1)
    assert summary.questions == {1: 0, 2: 0, 3: 1, 4: 0} and summary.total == 4
    assert type(summary).from_dict(summary.as_dict()) == summary

    focus.set_settings(team_id, FocusSettings("off", True, 5))
    assert focus.settings(team_id) == FocusSettings("off", True, 5)
    assert focus.observe(team_id, "en", DRIFT, "1900.1", meeting_id, NOW + timedelta(hours=1)) is None
    assert focus.summary(meeting_id) == summary


def test_settings_are_checked() -> None:
    assert check_focus_settings("normal", 10) == {}
    assert set(check_focus_settings("loud", 10)) == {"focus_mode"}
    assert set(check_focus_settings("high", 0)) == {"focus_cooldown"}
    assert set(check_focus_settings("low", 2.5)) == {"focus_cooldown"}
    assert set(check_focus_settings(None, None)) == {"focus_mode", "focus_cooldown"}
