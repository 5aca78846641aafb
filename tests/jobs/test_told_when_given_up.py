"""A job that keeps failing is given up, and whoever asked is told, in the team's language, why."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Job
from tests.conftest import RunningApp
from tests.e2e.helpers import CHANNEL, FACILITATOR, register_team
from tests.e2e.test_meetings import wait_until


def test_a_notice_slack_keeps_refusing_ends_dead_and_its_author_gets_a_dm(running_app: RunningApp) -> None:
    app = running_app
    register_team(app)
    app.emulator.wait_for("chat.postMessage")  # the team's welcome, posted after the form's ack
    retries = app.plc.settings.job_retries
    # Each try of the notice is three HTTP calls (slack-sdk retries a 5xx twice itself).
    app.emulator.fail_next("chat.postMessage", status=500, times=(retries + 1) * 3)
    reply = app.slack.slash_command("/plc", "commit reteach 4.NF.2 with number lines", user_id=FACILITATOR,
                                    channel_id=CHANNEL)
    assert reply.status_code == 200
    told = wait_until(lambda: next((m["text"] for m in app.emulator.messages(FACILITATOR)), None), timeout=20)
    assert told.startswith("I could not finish telling the team about the commitment; please try again.")
    assert "Slack refused the messages several times." in told
    assert not [m for m in app.emulator.messages(CHANNEL) if "reteach" in m.get("text", "")]
    with app.plc.services.db.session() as session:
        job = session.scalars(select(Job).where(Job.kind == "commitment_announced")).one()
        assert (job.state, job.attempts) == ("dead", retries + 1)
