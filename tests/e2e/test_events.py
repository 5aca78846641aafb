"""Events API: membership events, exactly-once handling of Slack's retries, and rate limits."""

import time

from tests.conftest import RunningApp
from tests.e2e.helpers import CHANNEL, open_setup, register_team, submit_setup


def joined(user: str, channel: str = CHANNEL) -> dict:
    return {"type": "member_joined_channel", "user": user, "channel": channel, "channel_type": "C",
            "team": "T0PLC0001", "inviter": "U0TEACH02"}


def test_a_new_member_is_added_and_welcomed_once_even_when_slack_retries(running_app: RunningApp) -> None:
    register_team(running_app)
    first = running_app.slack.event(joined("U0TEACH01"), event_id="Ev0JOIN001")
    assert first.status_code == 200
    running_app.emulator.wait_for("chat.postEphemeral")
    for retry in (1, 2, 3):
        again = running_app.slack.event(joined("U0TEACH01"), event_id="Ev0JOIN001", retry_num=retry)
        assert again.status_code == 200
    # A different delivery of a real second event is handled (and is a no-op: already a member).
    running_app.slack.event(joined("U0TEACH01"), event_id="Ev0JOIN002")
    welcomes = running_app.emulator.calls_to("chat.postEphemeral")
    assert len(welcomes) == 1
    assert welcomes[0].args["user"] == "U0TEACH01"
    assert "Welcome to the PLC team *Grade 4 Math PLC*" in welcomes[0].args["text"]
    team = running_app.plc.services.teams.find(running_app.emulator.team_id, CHANNEL)
    assert team.member_ids.count("U0TEACH01") == 1


def test_the_bot_introduces_itself_when_added_to_a_channel(running_app: RunningApp) -> None:
    running_app.emulator.add_channel("C0NEW0001", "grade7-science")
    running_app.slack.event(joined(running_app.emulator.bot_user_id, "C0NEW0001"))
    post = running_app.emulator.wait_for("chat.postMessage")[0]
    assert post.args["channel"] == "C0NEW0001"
    assert "register this channel as your team" in post.args["text"]
    button = post.args["blocks"][1]["elements"][0]
    assert button["action_id"] == "open_team_setup"
    # The button opens the setup modal.
    message = running_app.emulator.messages("C0NEW0001")[-1]
    action = {"action_id": "open_team_setup", "block_id": post.args["blocks"][1].get("block_id", "b"), "value": ""}
    running_app.slack.block_actions([action], user_id="U0TEACH03", channel_id="C0NEW0001", message=message)
    opened = running_app.emulator.wait_for("views.open")[0]
    assert opened.response["view"]["callback_id"] == "team_setup"


def test_leaving_the_channel_leaves_the_team(running_app: RunningApp) -> None:
    register_team(running_app)
    teams = running_app.plc.services.teams
    assert "U0TEACH03" in teams.find(running_app.emulator.team_id, CHANNEL).member_ids
    running_app.slack.event({"type": "member_left_channel", "user": "U0TEACH03", "channel": CHANNEL,
                             "channel_type": "C", "team": "T0PLC0001"})
    deadline = time.monotonic() + 5  # the event is handled after Slack's request is acknowledged
    while "U0TEACH03" in teams.find(running_app.emulator.team_id, CHANNEL).member_ids:
        assert time.monotonic() < deadline, "the member was not removed"
        time.sleep(0.05)


def test_rate_limited_post_is_retried_and_delivered_exactly_once(running_app: RunningApp) -> None:
    running_app.emulator.add_channel("C0NEW0002", "grade5-reading")
    running_app.emulator.fail_next("chat.postMessage", status=429, retry_after=1)
    running_app.slack.event(joined(running_app.emulator.bot_user_id, "C0NEW0002"))
    running_app.emulator.wait_for("chat.postMessage", timeout=10)
    calls = running_app.emulator.calls_to("chat.postMessage")
    assert [c.status for c in calls] == [429, 200]
    assert len(running_app.emulator.messages("C0NEW0002")) == 1


def test_not_in_channel_joins_then_posts(running_app: RunningApp) -> None:
    running_app.emulator.add_channel("C0NEW0003", "grade6-math", bot_is_member=False)
    view = open_setup(running_app, channel_id="C0NEW0003")
    submit_setup(running_app, view)
    running_app.emulator.wait_for("chat.postMessage")
    assert [c.error for c in running_app.emulator.calls_to("chat.postMessage")] == ["not_in_channel", None]
    assert len(running_app.emulator.calls_to("conversations.join")) == 1
    assert len(running_app.emulator.messages("C0NEW0003")) == 1
