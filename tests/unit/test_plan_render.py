"""Rendering of action plans: the meeting's plan button on critical questions 3 and 4, signed point changes,
and the plan form's size (Slack allows 100 blocks in a modal)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.assessments.analysis import Thresholds
from bot.i18n import catalog
from bot.meetings.agenda import AgendaItem
from bot.meetings.service import MeetingView
from bot.plans.library import Elsewhere
from bot.plans.service import MAX_GROUPS, GroupDraft, PlanDraft
from bot.teams import TeamProfile
from handlers.render.meeting import meeting_blocks
from handlers.render.plans import elsewhere_text, plan_modal, points

NOW = datetime(2026, 12, 8, 20, 30, tzinfo=UTC)


def team() -> TeamProfile:
    return TeamProfile(id=1, workspace_id="T1", channel_id="C1", name="Grade 4 Math", subject="Mathematics",
                       grade_band="Grades 3–5", timezone="America/New_York", language="en", norms=[],
                       facilitator_ids=["U1"], member_ids=["U1", "U2"], created_at=NOW)


def controls(current: int) -> list[str]:
    items = [AgendaItem("Norms", 3, 0), AgendaItem("Choose instructional strategies", 7, 3),
             AgendaItem("Plan extension", 5, 4), AgendaItem("Monitor", 5, 2)]
    meeting = MeetingView(id=1, team_id=1, starts_at=NOW, duration_minutes=45, status="running",
                          protocol="data_review", roles={}, agenda=items, current_item=current, item_started_at=NOW,
                          channel_id="C1", message_ts="1.0")
    blocks = [b.to_dict() for b in meeting_blocks(catalog("en"), team(), meeting)]
    row = next(b for b in blocks if b.get("block_id") == "meeting_controls")
    return [e["action_id"] for e in row["elements"]]


def test_the_plan_button_shows_while_respond_or_extend_is_under_way() -> None:
    assert controls(0) == ["meeting_next", "meeting_park", "meeting_commit", "meeting_end"]
    assert controls(1) == ["meeting_next", "meeting_park", "meeting_commit", "plan_open", "meeting_end"]
    assert controls(2) == controls(1)
    assert "plan_open" not in controls(3)


def test_point_changes_are_signed_whole_and_localised() -> None:
    en, tr = catalog("en"), catalog("tr")
    # Rounded half up, as people round: −2.5 is −3.
    assert [points(en, v) for v in (23.4, -2.5, 0.2, -7.5)] == ["+23 points", "−3 points", "±0 points", "−8 points"]
    assert points(tr, 1234.0) == "+1.234 puan"
    assert elsewhere_text(en, Elsewhere(3, (18.0, 11.0)), []) == \
        "Other teams in the school: 3 tried it, 2 measured it: +18 points, +11 points"
    assert elsewhere_text(en, Elsewhere(1, ()), []) == "Other teams in the school: 1 tried it, 0 measured it"


def test_the_plan_form_stays_within_slack_limits() -> None:
    groups = [GroupDraft(f"4.nf.{i}", "reteach", f"4.NF.{i}", 5, 40.0) for i in range(MAX_GROUPS - 1)]
    groups.append(GroupDraft("extension", "extension", "4.NF.1", 3, 95.0))
    draft = PlanDraft(7, "Unit 3 quiz", Thresholds(), groups, {})
    view = plan_modal(catalog("tr"), "C1", draft, {}, {}).to_dict()
    assert len(view["blocks"]) <= 100 and len(view["title"]["text"]) <= 24 and len(view["private_metadata"]) <= 3000
