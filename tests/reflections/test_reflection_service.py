"""Reflections: saving, a member's own log, export, deletion and the team digest (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from bot.i18n import catalog
from bot.meetings.agenda import protocol_names
from bot.meetings.service import MeetingService
from bot.reflections.export import export_log
from bot.reflections.service import GENERAL, ReflectionService, prompts_for, shorten
from bot.teams import TeamDraft, TeamService
from storage import migrate
from storage.db import Database

NOW = datetime(2026, 10, 27, 21, 0, tzinfo=UTC)


@dataclass
class World:
    db: Database
    reflections: ReflectionService
    meetings: MeetingService
    team_id: int
    other_team_id: int
    foreign_team_id: int  # a team of another workspace


def draft(name: str, language: str = "en") -> TeamDraft:
    return TeamDraft(name=name, subject="Math", grade_band="4", timezone="America/New_York", language=language,
                     member_ids=["U2"], norms=[])


@pytest.fixture
def world(database_url: str) -> Iterator[World]:
    db = Database(database_url)
    migrate.upgrade(db.engine)
    teams = TeamService(db)
    team = teams.save("T1", "C1", draft("Grade 4 Math"), by_user="U1")
    other = teams.save("T1", "C2", draft("Science PLC", "tr"), by_user="U1")
    foreign = teams.save("T9", "C1", draft("Elsewhere"), by_user="U1")
    yield World(db, ReflectionService(db), MeetingService(db), team.id, other.id, foreign.id)
    db.dispose()


def ended_meeting(world: World, starts_at: datetime, team_id: int | None = None) -> int:
    meeting = world.meetings.open_meeting(team_id or world.team_id, starts_at, 45, "en")
    world.meetings.end(meeting.id, now=starts_at + timedelta(minutes=45))
    return meeting.id


def test_a_member_sees_only_their_own_reflections_newest_first(world: World) -> None:
    r = world.reflections
    r.save(world.team_id, "U1", "First thought", now=NOW - timedelta(days=2))
    r.save(world.team_id, "U2", "Someone else's private note", now=NOW - timedelta(days=1))
    r.save(world.other_team_id, "U1", "In my other team", shared=True, now=NOW - timedelta(hours=5))
    r.save(world.foreign_team_id, "U1", "Another workspace", now=NOW)
    log = r.log("T1", "U1")
    assert [e.text for e in log] == ["In my other team", "First thought"]
    assert [e.team_name for e in log] == ["Science PLC", "Grade 4 Math"]
    assert log[0].shared and not log[1].shared
    assert r.count("T1", "U1") == 2
    assert [e.text for e in r.log("T1", "U1", limit=1)] == ["In my other team"]
    assert [e.text for e in r.log("T1", "U2")] == ["Someone else's private note"]


def test_saving_checks_the_text_and_the_meeting(world: World) -> None:
    with pytest.raises(ValueError):
        world.reflections.save(world.team_id, "U1", "   ")
    foreign_meeting = ended_meeting(world, NOW - timedelta(days=1), team_id=world.other_team_id)
    with pytest.raises(ValueError):
        world.reflections.save(world.team_id, "U1", "About a meeting of another team", meeting_id=foreign_meeting)
    meeting_id = ended_meeting(world, NOW - timedelta(hours=2))
    entry = world.reflections.save(world.team_id, "U1", "x" * 5000, meeting_id=meeting_id, prompt="Q?")
    assert len(entry.text) == 3000 and entry.meeting_id == meeting_id and entry.prompt == "Q?"
    assert entry.meeting_starts_at == NOW - timedelta(hours=2)


def test_digest_counts_and_quotes_only_shared_reflections_since_the_previous_meeting(world: World) -> None:
    r = world.reflections
    old = ended_meeting(world, NOW - timedelta(days=14))
    last = ended_meeting(world, NOW - timedelta(days=7))
    r.save(world.team_id, "U1", "Shared before the last meeting", shared=True, meeting_id=old,
           now=NOW - timedelta(days=13))
    r.save(world.team_id, "U1", "A private thought that must never show", now=NOW - timedelta(days=6))
    r.save(world.team_id, "U2", "Number lines helped my students see unit fractions " * 5, shared=True,
           meeting_id=last, now=NOW - timedelta(days=6))
    r.save(world.team_id, "U1", "Exit tickets showed the misconception is gone", shared=True,
           now=NOW - timedelta(days=3))
    r.save(world.other_team_id, "U1", "Shared in another team", shared=True, now=NOW - timedelta(days=2))
    digest = r.shared_digest(world.team_id, last)
    assert digest.count == 2
    assert [q.user_id for q in digest.quotes] == ["U1", "U2"]  # newest first
    assert digest.quotes[0].text == "Exit tickets showed the misconception is gone"
    assert len(digest.quotes[1].text) <= 140 and digest.quotes[1].text.endswith("…")
    assert all("private" not in q.text for q in r.shared_digest(world.team_id, None).quotes)
    assert r.shared_digest(world.team_id, None).count == 3
    assert digest.quotes[1].text == ("Number lines helped my students see unit fractions Number lines helped my "
                                     "students see unit fractions Number lines helped my students see…")
    assert r.shared_digest(world.team_id, None).quotes[-1].text == "Shared before the last meeting"


def test_a_reflection_written_late_about_the_last_meeting_still_counts(world: World) -> None:
    """Linked to the meeting, it is in the digest even if its clock says it was written before (sandbox, time zones)."""
    last = ended_meeting(world, NOW)
    world.reflections.save(world.team_id, "U1", "About the last meeting", shared=True, meeting_id=last,
                           now=NOW - timedelta(days=30))
    assert world.reflections.shared_digest(world.team_id, last).count == 1


def test_delete_one_or_all_of_ones_own_and_the_posted_copies(world: World) -> None:
    r = world.reflections
    private = r.save(world.team_id, "U1", "Private")
    shared = r.save(world.team_id, "U1", "Shared", shared=True)
    r.mark_posted(shared.id, "1700000000.000100")
    other = r.save(world.team_id, "U2", "Not yours")
    assert r.delete("T1", "U1", other.id) is None  # someone else's: as if it did not exist
    assert r.delete("T9", "U1", private.id) is None  # another workspace
    assert r.delete("T1", "U1", private.id) == []
    assert r.delete("T1", "U1", private.id) is None
    r.save(world.other_team_id, "U1", "In the other team")
    count, copies = r.delete_all("T1", "U1")
    assert count == 2
    assert [(c.channel_id, c.message_ts) for c in copies] == [("C1", "1700000000.000100")]
    assert r.log("T1", "U1") == []
    assert [e.text for e in r.log("T1", "U2")] == ["Not yours"]


def test_recent_meeting_is_the_last_ended_one_of_the_past_week(world: World) -> None:
    assert world.reflections.recent_meeting(world.team_id, NOW) is None
    old = ended_meeting(world, NOW - timedelta(days=10))
    assert old and world.reflections.recent_meeting(world.team_id, NOW) is None
    last = ended_meeting(world, NOW - timedelta(days=2))
    assert world.reflections.recent_meeting(world.team_id, NOW) == (last, "data_review")


def test_export_as_markdown_and_csv(world: World) -> None:
    r = world.reflections
    meeting_id = ended_meeting(world, datetime(2026, 10, 20, 19, 30, tzinfo=UTC))
    r.save(world.team_id, "U1", "Öğrenciler sayı doğrusunu sevdi.\nNext: small groups.", meeting_id=meeting_id,
           prompt="What did you notice?", shared=True, now=datetime(2026, 10, 20, 21, 0, tzinfo=UTC))
    r.save(world.other_team_id, "U1", "A private one", now=datetime(2026, 10, 22, 12, 0, tzinfo=UTC))
    entries = r.log("T1", "U1")
    md = export_log(entries, catalog("en"), "markdown", NOW)
    text = md.content.decode("utf-8")
    assert md.filename == "plc-reflections-2026-10-27.md" and md.count == 2
    assert text.startswith("# My PLC reflections\n\nReflections: 2, exported on October 27, 2026.")
    assert "## Oct 20, 2026, 5:00 PM · Grade 4 Math" in text  # the team's time (New York)
    assert "_After the meeting of Oct 20, 2026 · Shared with the team_" in text
    assert "> What did you notice?" in text
    assert "Öğrenciler sayı doğrusunu sevdi.\nNext: small groups." in text
    assert text.index("A private one") < text.index("Öğrenciler")  # newest first
    sheet = export_log(entries, catalog("tr"), "csv", NOW)
    assert sheet.filename.endswith(".csv") and sheet.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(sheet.content.decode("utf-8-sig"))))
    assert rows[0] == ["Yazıldığı zaman", "Ekip", "Toplantı", "Görünürlük", "Sorular", "Yansıtma"]
    assert rows[2][:4] == ["2026-10-20T17:00-04:00", "Grade 4 Math", "20 Eki 2026", "Ekiple paylaşıldı"]
    assert rows[2][5] == "Öğrenciler sayı doğrusunu sevdi.\nNext: small groups."
    assert rows[1][3] == "Gizli"


@pytest.mark.parametrize("language", ["en", "tr"])
def test_every_protocol_has_two_or_three_reflection_prompts(language: str) -> None:
    for protocol in [*protocol_names(), GENERAL]:
        prompts = prompts_for(protocol, language)
        assert 2 <= len(prompts) <= 3, protocol
        assert all(p.endswith("?") and len(p) < 200 for p in prompts)
    assert prompts_for("no_such_protocol", language) == prompts_for(GENERAL, language)
    assert prompts_for(None, language) == prompts_for(GENERAL, language)


def test_shorten_cuts_at_a_word() -> None:
    assert shorten("short  text\nhere", 50) == "short text here"
    assert shorten("one two three four five", 12) == "one two…"


@pytest.mark.parametrize("language", ["en", "tr"])
def test_reflection_and_home_texts_fit_slack_limits(language: str) -> None:
    texts = catalog(language)
    for key in ("reflections.modal.title", "reflections.modal.submit"):
        assert len(texts.t(key)) <= 24, key
    for key in ("reflections.modal.share_in_thread", "reflections.modal.share_in_channel", "reflections.thread.button",
                "reflections.delete.confirm_button", "reflections.delete.cancel_button"):
        assert len(texts.t(key)) <= 75, key
    assert len(texts.t("reflections.modal.text_placeholder")) <= 150
    for key in ("home.header", "home.teams.header", "home.commitments.header", "home.reflections.header",
                "home.assessments.header"):
        assert len(texts.t(key)) <= 150, key
