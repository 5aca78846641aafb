"""Small helpers for end-to-end tests: open the setup modal and submit it like Slack would."""

from __future__ import annotations

from typing import Any

from bot.devtools.slack_requests import values_for
from tests.conftest import RunningApp

CHANNEL = "C0PLC0001"
FACILITATOR = "U0TEACH02"


def open_setup(app: RunningApp, user_id: str = FACILITATOR, channel_id: str = CHANNEL) -> dict[str, Any]:
    before = len(app.emulator.calls_to("views.open"))
    reply = app.slack.slash_command("/plc", "setup", user_id=user_id, channel_id=channel_id)
    assert reply.status_code == 200
    calls = app.emulator.wait_for("views.open", count=before + 1)
    assert calls[-1].args["trigger_id"] == app.slack.last_trigger_id
    return calls[-1].response["view"]


def submit_setup(app: RunningApp, view: dict[str, Any], user_id: str = FACILITATOR, **answers: Any):
    defaults = {
        "team_name": "Grade 4 Math PLC",
        "team_subject": "Mathematics",
        "team_grade_band": "Grades 3–5",
        "team_timezone": "America/New_York",
        "team_language": "en",
        "team_members": [FACILITATOR, "U0TEACH03"],
    }
    defaults.update(answers)
    return app.slack.view_submission(view, values_for(view, defaults), user_id=user_id)


def register_team(app: RunningApp, **answers: Any) -> None:
    view = open_setup(app)
    reply = submit_setup(app, view, **answers)
    assert reply.status_code == 200 and reply.text == ""
