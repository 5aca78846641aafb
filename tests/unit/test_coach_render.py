"""The coach's renderings within Slack's limits: a digest for hundreds of teams, sections under 3,000 characters."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.coaching.digest import WeekChanges
from bot.coaching.report import Talk, TeamRow
from bot.i18n import catalog
from handlers.render.coach_home import digest_message, share, team_text

UNTIL = datetime(2026, 12, 7, 5, 0, tzinfo=UTC)


def row(index: int, support: tuple[str, ...] = ()) -> TeamRow:
    return TeamRow(team_id=index, name=f"Team {index:03d} with a long name for the digest", channel_id=f"C{index:08d}",
                   since=UNTIL - timedelta(weeks=8), until=UNTIL, meetings_held=3, meetings_scheduled=8,
                   last_meeting=None, talk=Talk({1: 1}, 1, 1), norms_set=True, goal=None, goal_percent=None,
                   assessments=1, last_assessment=date(2026, 12, 1), groups_planned=2, groups_measured=1,
                   changes=(12.5,), rechecks_overdue=1, commitments_done=1, commitments_open=3,
                   commitments_overdue=2, support=support)


def test_the_support_list_itself_is_cut_when_it_cannot_fit() -> None:
    texts = catalog("en")
    weeks = [WeekChanges(i, f"Team {i:04d} with a long name for the digest", f"C{i:08d}", 0, 0, (), 0)
             for i in range(1000)]
    rows = [row(i, ("no_meeting", "no_assessment", "recheck_overdue", "commitments_overdue")) for i in range(1000)]
    _, blocks = digest_message(texts, weeks, rows, UNTIL - timedelta(days=7), UNTIL, ZoneInfo("UTC"))
    sections = [b.to_dict()["text"]["text"] for b in blocks if b.to_dict()["type"] == "section"]
    assert len(sections) == 12 and sum(len(s) for s in sections) < 40_000
    assert sections[0].startswith("*Team 0000 with a long name for the digest* (<#C00000000>): no change this week")
    assert sections[1].startswith("…and 9") and sections[1].endswith(" more teams.")
    assert sections[2].startswith("*May need support*\n• *Team 000 ")
    assert sections[-1].startswith("…and ")


@pytest.mark.parametrize("language", ["en", "tr"])
def test_a_digest_of_200_teams_fits_one_message(language: str) -> None:
    texts = catalog(language)
    weeks = [WeekChanges(i, f"Team {i:03d} with a long name for the digest", f"C{i:08d}", 1, 1, (12.5, -3.0), 2)
             for i in range(200)]
    rows = [row(i, ("no_meeting", "recheck_overdue", "commitments_overdue") if i % 2 else ()) for i in range(200)]
    text, blocks = digest_message(texts, weeks, rows, UNTIL - timedelta(days=7), UNTIL, ZoneInfo("Europe/Istanbul"))
    shown = [block.to_dict() for block in blocks]
    assert len(shown) <= 50
    sections = [b["text"]["text"] for b in shown if b["type"] == "section"]
    assert all(len(s) <= 3000 for s in sections) and sum(len(s) for s in sections) < 40_000
    # Every team that may need support is listed; the quiet weeks give way when there is no room.
    listed = "\n".join(sections)
    assert all(f"*Team {i:03d} with a long name for the digest*:" in listed for i in range(1, 200, 2))
    more = texts.t("coach_home.digest.more", count=0).split("0")[0]
    assert more in listed
    assert text == texts.t("coach_home.digest.text", teams=200, support=100)


def test_shares_and_changes_are_formatted_for_the_language() -> None:
    assert [share(catalog("en"), v) for v in (30.0, 100 / 7, 0.0)] == ["30%", "14.3%", "0%"]
    assert [share(catalog("tr"), v) for v in (30.0, 100 / 7)] == ["%30", "%14,3"]
    assert team_text(catalog("en"), row(1)).splitlines()[1:] == [
        "Meetings: 3 of 8 held",
        "Talk: Learn 33.3% · Know 0% · Respond 0% · Extend 0% · drift 33.3%",
        "Norms: set · SMART goal: none · Assessments reviewed: 1",
        "Plan groups: 2 planned, 1 measured (+13 points) · Commitments: 1 done, 3 open, 2 overdue",
    ]  # whole points, as in the plans' own messages (12.5 rounds half up, as people round)


def test_a_team_name_is_shown_as_written_never_as_a_mention() -> None:
    from dataclasses import replace

    named = replace(row(1), name="<!channel> & <@U0TEACH03>'s team")
    assert team_text(catalog("en"), named).splitlines()[0] == (
        "*&lt;!channel&gt; &amp; &lt;@U0TEACH03&gt;'s team* · <#C00000001>")


def test_the_chart_draws_names_with_dollar_signs_as_text(tmp_path) -> None:  # noqa: ANN001 - pytest's path
    from bot.assessments.goals import Goal, GoalPoint
    from bot.coaching.chart import GroupChange, team_chart

    out = tmp_path / "chart.png"
    team_chart(catalog("en"), "Money $ math $ team", Goal(("4.NF.1",), 80.0, date(2027, 3, 1), "U1"),
               [GoalPoint("Quiz $1 $2", date(2026, 11, 20), 4, 7)], [GroupChange("4.NF.1", 25.0)], out)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
