"""`/plc settings` (thresholds, retention), `/plc goal` and growth in the upload summary, end to end."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.assessments.policy import AssessmentPolicy
from bot.devtools.slack_requests import values_for
from tests.conftest import RunningApp
from tests.e2e.helpers import CHANNEL, FACILITATOR, register_team
from tests.e2e.test_meetings import wait_until
from tests.e2e.test_upload import JAMES_CSV, SECOND, channel_posts, ephemerals, results_csv, upload, wait_for_dms

TEAM_ID = 1


def open_modal(app: RunningApp, text: str, user_id: str = FACILITATOR) -> dict[str, Any]:
    before = len(app.emulator.calls_to("views.open"))
    reply = app.slack.slash_command("/plc", text, user_id=user_id, channel_id=CHANNEL)
    assert reply.status_code == 200
    return app.emulator.wait_for("views.open", count=before + 1)[-1].response["view"]


def submit(app: RunningApp, view: dict[str, Any], user_id: str = FACILITATOR, **answers: Any):
    return app.slack.view_submission(view, values_for(view, answers), user_id=user_id)


def test_facilitator_changes_thresholds_and_retention_and_uploads_use_them(running_app: RunningApp) -> None:
    app = running_app
    register_team(app)
    view = open_modal(app, "settings")
    assert view["callback_id"] == "team_settings"
    initial = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert initial["intervention_below"]["initial_value"] == "70"
    assert initial["retention"]["initial_option"]["value"] == "school_year"

    # Extension must start above intervention: the field says so and nothing is stored.
    reply = submit(app, view, intervention_below="80", extension_from="75")
    assert reply.json()["response_action"] == "errors"
    assert "above the intervention limit" in reply.json()["errors"]["extension_from"]
    assert app.plc.services.assessments.policy(TEAM_ID) == AssessmentPolicy()

    reply = submit(app, view, intervention_below="80", extension_from="95", retention="90",
                   school_year_end="2027-06-15")
    assert reply.status_code == 200 and reply.text == ""
    assert app.plc.services.assessments.policy(TEAM_ID) == AssessmentPolicy(80.0, 95.0, 90, "06-15")
    saved = wait_until(lambda: next((m["text"] for m in ephemerals(app, FACILITATOR) if "saved" in m["text"]), None))
    assert "Intervention below 80% · extension from 95%" in saved and "for 90 days after the assessment" in saved

    # With 80 %, Liam Brown (75 %) now needs intervention too; the channel shows the team's limits.
    posts = len(channel_posts(app))
    upload(app, SECOND, JAMES_CSV)
    summary = wait_until(lambda: next((m["text"] for m in channel_posts(app)[posts:] if "Unit 3" in m["text"]), None))
    assert "Intervention (below 80%): 2" in summary
    own = wait_until(lambda: next((m["text"] for m in ephemerals(app, SECOND) if "your students" in m["text"]), None))
    assert "(below 80%): Emma Davis, Liam Brown" in own
    wait_for_dms(app, 1)

    # /plc data tells how long the results are kept: 90 days after 20 Nov 2026.
    data = app.slack.slash_command("/plc", "data", user_id=SECOND, channel_id=CHANNEL).json()["text"]
    assert "kept until Feb 17, 2027" in data


def test_only_a_facilitator_may_change_the_settings(running_app: RunningApp) -> None:
    app = running_app
    register_team(app)
    opened = len(app.emulator.calls_to("views.open"))
    reply = app.slack.slash_command("/plc", "settings", user_id=SECOND, channel_id=CHANNEL).json()
    assert "Intervention below 70% · extension from 90%" in reply["text"]
    assert "until the end of the school year" in reply["text"]
    assert "Only the team's facilitator" in reply["text"]
    assert len(app.emulator.calls_to("views.open")) == opened

    # A form opened by the facilitator and submitted by someone else is refused too.
    view = open_modal(app, "settings")
    reply = submit(app, view, user_id=SECOND, intervention_below="50")
    assert reply.json()["response_action"] == "errors"
    assert app.plc.services.assessments.policy(TEAM_ID) == AssessmentPolicy()


def test_goal_is_set_shown_with_progress_changed_and_cleared(running_app: RunningApp) -> None:
    app = running_app
    register_team(app)
    view = open_modal(app, "goal")  # no goal yet: the form opens
    assert view["callback_id"] == "team_goal"

    reply = submit(app, view, goal_standards="", goal_target="80", goal_due_on="2020-01-01")
    errors = reply.json()["errors"]
    assert set(errors) == {"goal_standards", "goal_due_on"}
    assert app.plc.services.assessments.goal(TEAM_ID) is None

    team_today = datetime.now(ZoneInfo("America/New_York")).date()  # the team's day, not the machine's
    due = (team_today + timedelta(days=120)).isoformat()
    reply = submit(app, view, goal_standards="4.NF.1, 4.nf.2; 4.NF.1", goal_target="80", goal_due_on=due)
    assert reply.status_code == 200 and reply.text == ""
    goal = app.plc.services.assessments.goal(TEAM_ID)
    assert goal is not None and goal.standards == ("4.NF.1", "4.nf.2") and goal.set_by == FACILITATOR
    announced = wait_until(lambda: next((m["text"] for m in channel_posts(app) if "SMART goal" in m["text"]), None))
    assert "80% of our students proficient (at or above 70%) on 4.NF.1, 4.nf.2" in announced

    report = app.slack.slash_command("/plc", "goal", user_id=SECOND, channel_id=CHANNEL).json()
    assert "No stored assessment has items on these standards yet." in report["text"]

    # James's class: Liam 3/4 = 75 % (proficient), Emma 1/4 = 25 % -> 1 of 2 = 50 %.
    posts = len(channel_posts(app))
    upload(app, SECOND, JAMES_CSV)
    summary = wait_until(lambda: next((m["text"] for m in channel_posts(app)[posts:] if "Unit 3" in m["text"]), None))
    assert "*Team goal*: 50% proficient on 4.NF.1, 4.nf.2 (1 of 2 students); target 80%" in summary
    report = app.slack.slash_command("/plc", "goal", user_id=SECOND, channel_id=CHANNEL).json()
    wait_for_dms(app, 1)
    assert "• Unit 3 CFA (Nov 20, 2026): 50% (1 of 2 students)" in report["text"]
    assert "30 points to go, 120 days left" in report["text"]
    button = report["blocks"][-1]["elements"][0]
    assert button["action_id"] == "goal_change"

    # "Change goal" opens the form with the goal filled in.
    opened = len(app.emulator.calls_to("views.open"))
    app.slack.block_actions([{"action_id": "goal_change", "value": button["value"]}], user_id=SECOND,
                            channel_id=CHANNEL)
    view = app.emulator.wait_for("views.open", count=opened + 1)[-1].response["view"]
    filled = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert filled["goal_standards"]["initial_value"] == "4.NF.1, 4.nf.2"
    assert filled["goal_target"]["initial_value"] == "80" and filled["goal_due_on"]["initial_date"] == due

    cleared = app.slack.slash_command("/plc", "goal clear", user_id=FACILITATOR, channel_id=CHANNEL).json()
    assert cleared["text"] == "The team's SMART goal was removed."
    assert app.plc.services.assessments.goal(TEAM_ID) is None


def test_the_summary_shows_growth_since_the_last_assessment_with_each_standard(running_app: RunningApp) -> None:
    app = running_app
    register_team(app)
    first = results_csv([("Liam Brown", "Q1", "4.NF.1", 1, 2), ("Emma Davis", "Q1", "4.NF.1", 0, 2),
                         ("Liam Brown", "Q2", "4.NF.2", 2, 2)])
    upload(app, SECOND, first, name="Unit 2 CFA", upload_date="2026-10-20")
    wait_until(lambda: next((m for m in app.emulator.messages(FACILITATOR) if "Unit 2 CFA" in m["text"]), None))
    posts = len(channel_posts(app))
    upload(app, SECOND, JAMES_CSV, upload_covers="Unit 3: fractions")  # 4.NF.1: 75 %, 4.NF.2: 25 %
    summary = wait_until(lambda: next((m["text"] for m in channel_posts(app)[posts:] if "Unit 3" in m["text"]), None))
    assert "• 4.NF.1: 25.0% → 75.0% (+50 points since Unit 2 CFA)" in summary
    assert "• 4.NF.2: 100.0% → 25.0% (−75 points since Unit 2 CFA)" in summary
    assert "Liam" not in summary and "Emma" not in summary
    wait_for_dms(app, 1)
    data = app.slack.slash_command("/plc", "data", user_id=SECOND, channel_id=CHANNEL).json()["text"]
    assert "*Unit 3 CFA* (Nov 20, 2026) — Unit 3: fractions" in data
    assert "kept until Jun 30, 2027" in data
