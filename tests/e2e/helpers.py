"""Small helpers for end-to-end tests: open the setup modal and submit it like Slack would; run an example
sandbox script."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

from bot.devtools.sandbox import run_sandbox
from bot.devtools.slack_requests import values_for
from tests.conftest import RunningApp

CHANNEL = "C0PLC0001"
FACILITATOR = "U0TEACH02"
ROOT = Path(__file__).resolve().parents[2]


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


def run_example(name: str) -> str:
    """Run examples/NAME in the sandbox from the repository's root (the scripts name files relative to it),
    as the README shows it; the transcript, after checking that the script ran to its end."""
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        code = run_sandbox(script=str(ROOT / "examples" / name), stdout=out)
    finally:
        os.chdir(cwd)
    text = out.getvalue()
    assert code == 0, text
    return text
