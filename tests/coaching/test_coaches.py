"""CoachService on SQLite and PostgreSQL: naming coaches (all teams or some), the list, removal, and the weekly
digest planned once in the scheduler's outbox for Monday 08:00 in the coach's timezone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.coaching.service import COACH_DIGEST, CoachService, next_digest_at, slack_language
from bot.teams import TeamDraft, TeamService
from storage import migrate
from storage.db import Database
from storage.models import ScheduledNotice

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)  # Wednesday


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    migrate.upgrade(database.engine)
    yield database
    database.dispose()


def team(db: Database, channel: str, name: str, workspace: str = "T1") -> int:
    draft = TeamDraft(name=name, subject="Math", grade_band="4", timezone="America/New_York", language="en",
                      member_ids=["U1"], norms=[])
    return TeamService(db).save(workspace, channel, draft, by_user="U1").id


def digests(db: Database) -> list[tuple[int, int, datetime, str]]:
    with db.session() as session:
        rows = session.scalars(select(ScheduledNotice).where(ScheduledNotice.kind == COACH_DIGEST)
                               .order_by(ScheduledNotice.id))
        return [(r.team_id, r.ref, r.due_at, r.status) for r in rows]


def test_coaches_of_every_team_or_of_some(db: Database) -> None:
    g4, g5, g6 = team(db, "C4", "Grade 4"), team(db, "C5", "Grade 5"), team(db, "C6", "Grade 6")
    other = team(db, "C9", "Elsewhere", workspace="T2")
    coaches = CoachService(db)
    everyone = coaches.add("T1", "UCOACH1", None, "UADMIN", "Europe/Istanbul", "tr-TR")
    some = coaches.add("T1", "UCOACH2", [g5, g4, g5], "UADMIN", "America/Chicago", "en-US")
    assert (everyone.all_teams, everyone.language, everyone.timezone) == (True, "tr", "Europe/Istanbul")
    assert (some.all_teams, some.team_ids, some.language) == (False, (g4, g5), "en")
    assert coaches.team_ids(everyone) == [g4, g5, g6] and other not in coaches.team_ids(everyone)
    assert coaches.team_ids(some) == [g4, g5]
    assert coaches.coaches_of("T1", g4) == ["UCOACH1", "UCOACH2"] and coaches.coaches_of("T1", g6) == ["UCOACH1"]
    assert [c.user_id for c in coaches.list("T1")] == ["UCOACH1", "UCOACH2"] and coaches.list("T2") == []
    # Naming again changes the teams; removing is real.
    again = coaches.add("T1", "UCOACH2", [g6], "UADMIN", "America/Chicago", "fr-FR")
    assert (again.id, again.team_ids, again.language) == (some.id, (g6,), "en")
    assert coaches.remove("T1", "UCOACH2") and not coaches.remove("T1", "UCOACH2")
    assert coaches.get("T1", "UCOACH2") is None


def test_the_digest_is_planned_once_for_monday_eight_in_the_coach_zone(db: Database) -> None:
    g4 = team(db, "C4", "Grade 4")
    coaches = CoachService(db)
    istanbul = coaches.add("T1", "UCOACH1", None, "UADMIN", "Europe/Istanbul", "tr-TR")
    chicago = coaches.add("T1", "UCOACH2", [g4], "UADMIN", "America/Chicago", "en-US")
    assert coaches.plan_digests(NOW) == 2
    assert coaches.plan_digests(NOW) == 0  # a second scheduler, or the next run: nothing more
    # Monday 7 December 08:00: 05:00 UTC in Istanbul (UTC+3), 14:00 UTC in Chicago (UTC-6).
    assert digests(db) == [(g4, istanbul.id, datetime(2026, 12, 7, 5, 0, tzinfo=UTC), "pending"),
                           (g4, chicago.id, datetime(2026, 12, 7, 14, 0, tzinfo=UTC), "pending")]
    assert coaches.set_digest("T1", "UCOACH2", False)
    assert [d[1] for d in digests(db)] == [istanbul.id]
    assert coaches.plan_digests(NOW) == 0
    assert not coaches.set_digest("T1", "UNOBODY", True)


def test_a_coach_without_teams_gets_no_digest(db: Database) -> None:
    coaches = CoachService(db)
    coaches.add("T1", "UCOACH1", None, "UADMIN", "Europe/Istanbul", "tr-TR")
    assert coaches.plan_digests(NOW) == 0 and digests(db) == []


def test_next_monday_eight() -> None:
    istanbul = ZoneInfo("Europe/Istanbul")
    assert next_digest_at(istanbul, NOW) == datetime(2026, 12, 7, 5, 0, tzinfo=UTC)
    monday_eight = datetime(2026, 12, 7, 5, 0, tzinfo=UTC)
    assert next_digest_at(istanbul, monday_eight) == datetime(2026, 12, 14, 5, 0, tzinfo=UTC)
    assert next_digest_at(istanbul, datetime(2026, 12, 7, 4, 59, tzinfo=UTC)) == monday_eight
    # Across the end of daylight saving time in New York (1 November 2026): still 08:00 local.
    new_york = ZoneInfo("America/New_York")
    assert next_digest_at(new_york, datetime(2026, 10, 28, 12, 0, tzinfo=UTC)) == \
        datetime(2026, 11, 2, 13, 0, tzinfo=UTC)
    assert [slack_language(x) for x in ("tr-TR", "en-GB", "fr-FR", None)] == ["tr", "en", "en", "en"]
