"""App Home data: a person's teams, next meetings, open commitments, reflections, latest results (both DBs)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time

import pytest

from bot.assessments.readers import read_results
from bot.i18n import catalog
from bot.meetings.recurrence import MeetingRule
from bot.services import Services
from bot.settings import Settings
from bot.teams import TeamDraft
from handlers.render.home import home_view
from storage import migrate
from storage.db import Database
from storage.models import Commitment

NOW = datetime(2026, 10, 20, 3, 0, tzinfo=UTC)  # Oct 19 in New York, Oct 20 in Istanbul


def draft(name: str, zone: str, language: str = "en", members: list[str] | None = None) -> TeamDraft:
    return TeamDraft(name=name, subject="Math", grade_band="4", timezone=zone, language=language,
                     member_ids=members or [], norms=[])


@pytest.fixture
def services(database_url: str) -> Iterator[Services]:
    db = Database(database_url)
    migrate.upgrade(db.engine)
    yield Services.build(Settings(database_url=database_url), db)
    db.dispose()


def test_home_brings_together_what_is_the_persons_own(services: Services) -> None:
    math = services.teams.save("T1", "C1", draft("Grade 4 Math", "America/New_York"), by_user="U1")
    science = services.teams.save("T1", "C2", draft("Science", "Europe/Istanbul", "tr", ["U1"]), by_user="U2")
    services.teams.save("T1", "C3", draft("Not mine", "UTC"), by_user="U3")
    services.schedules.save(math.id, MeetingRule(weekdays=(1,), start=time(15, 30), duration_minutes=45,
                                                 recurrence="weekly", first_date=date(2026, 10, 20), last_date=None,
                                                 timezone="America/New_York"), "U1", now=NOW)
    with services.db.session() as session:
        session.add_all([
            Commitment(team_id=math.id, owner_id="U1", created_by="U1", text="Reteach 4.NF.2 with number lines",
                       due_on=date(2026, 10, 19), status="open", postponed=0),
            Commitment(team_id=science.id, owner_id="U1", created_by="U2", text="Bring lab exit tickets",
                       due_on=date(2026, 10, 19), status="open", postponed=0),
            Commitment(team_id=math.id, owner_id="U1", created_by="U1", text="Done already", status="done",
                       postponed=0),
            Commitment(team_id=math.id, owner_id="U2", created_by="U1", text="Someone else's", status="open",
                       postponed=0),
        ])
    for number in range(4):
        services.reflections.save(math.id, "U1", f"Reflection {number}",
                                  now=datetime(2026, 10, 10 + number, 12, tzinfo=UTC))
    services.reflections.save(math.id, "U2", "Not my reflection", now=NOW)
    content = b"student,standard,item,score,max\nAda Lovelace,4.NF.1,Q1,1,1\nAda Lovelace,4.NF.2,Q2,0,1\n" \
              b"Mehmet Kaya,4.NF.1,Q1,1,1\nMehmet Kaya,4.NF.2,Q2,1,1\n"
    table = read_results(content, filename="r.csv", teacher="U1")
    services.assessments.store(math.id, "Fractions quiz", date(2026, 10, 15), "U1", "r.csv", content, table)

    home = services.home.home("T1", "U1", now=NOW)
    assert [h.team.name for h in home.teams] == ["Grade 4 Math", "Science"]
    assert home.language == "en"
    assert home.teams[0].next_meeting == datetime(2026, 10, 20, 19, 30, tzinfo=UTC)
    assert home.teams[1].next_meeting is None and home.teams[1].assessment is None
    # Overdue by each team's own date: Oct 19 is past in Istanbul (Oct 20 there) only.
    assert [(c.text, c.team_name, c.overdue) for c in home.commitments] == [
        ("Reteach 4.NF.2 with number lines", "Grade 4 Math", False), ("Bring lab exit tickets", "Science", True)]
    assert [r.text for r in home.reflections] == ["Reflection 3", "Reflection 2", "Reflection 1"]
    snapshot = home.teams[0].assessment
    assert snapshot is not None
    assert (snapshot.name, snapshot.taken_on, snapshot.students) == ("Fractions quiz", date(2026, 10, 15), 2)
    assert snapshot.groups == {"intervention": 1, "on_track": 0, "extension": 1}
    assert snapshot.standards == [("4.NF.1", 100.0), ("4.NF.2", 50.0)]
    assert "Ada" not in repr(snapshot) and "Mehmet" not in repr(snapshot)

    view = home_view(catalog("en"), home).to_dict()
    assert view["type"] == "home" and len(view["blocks"]) < 100
    shown = str(view)
    assert "Ada" not in shown and "Mehmet" not in shown and "Someone else" not in shown
    assert "Not my reflection" not in shown and "Done already" not in shown and "Not mine" not in shown
    assert "• Reteach 4.NF.2 with number lines · Grade 4 Math · due Oct 19, 2026" in shown
    assert "• Bring lab exit tickets · Science · ⚠️ *overdue* since Oct 19, 2026" in shown
    assert "2 students · intervention (below 70%): 1 · on track: 0 · extension (from 90%): 1" in shown
    assert "By standard: 4.NF.1 100% · 4.NF.2 50%" in shown
    assert "Next meeting: Tuesday, October 20, 3:30 PM (America/New_York)" in shown

    # Once that meeting has been held (early, say), the next one is the week after.
    meeting = services.meetings.open_meeting(math.id, datetime(2026, 10, 20, 19, 30, tzinfo=UTC), 45, "en")
    services.meetings.end(meeting.id, now=NOW)
    assert services.home.home("T1", "U1", now=NOW).teams[0].next_meeting == datetime(2026, 10, 27, 19, 30, tzinfo=UTC)


def test_home_without_a_team(services: Services) -> None:
    home = services.home.home("T1", "U9", now=NOW)
    assert home.teams == [] and home.commitments == [] and home.reflections == [] and home.language is None
    shown = str(home_view(catalog("tr"), home).to_dict())
    assert "Henüz bir PLC ekibinde değilsiniz." in shown
