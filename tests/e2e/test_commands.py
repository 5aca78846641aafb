"""`/plc` through signed HTTP requests to the real app, with Slack emulated."""

import time

from handlers.commands import PLANNED
from tests.conftest import RunningApp
from tests.e2e.helpers import CHANNEL, register_team

USER = "U0TEACH02"


def help_text(reply) -> str:
    body = reply.json()
    return "\n".join(
        str(block.get("text", {}).get("text", "")) for block in body["blocks"]
    )


def test_help_is_answered_within_three_seconds_and_lists_every_subcommand(running_app: RunningApp) -> None:
    started = time.monotonic()
    reply = running_app.slack.slash_command("/plc", "help", user_id=USER, channel_id=CHANNEL)
    elapsed = time.monotonic() - started
    assert reply.status_code == 200
    assert elapsed < 3.0
    body = reply.json()
    assert body["response_type"] == "ephemeral"
    text = help_text(reply)
    for name in ("help", "setup", "schedule", "skip", "next", "calendar", "agenda", "parking", "roles", "minutes",
                 "upload", "data", "commit", "reflect", "goal", "settings"):
        assert f"/plc {name}" in text
    assert "not a PLC team yet" in text
    # Answered in the ack itself: no Web API call was needed.
    assert running_app.emulator.calls_to("chat.postMessage") == []


def test_empty_command_text_means_help(running_app: RunningApp) -> None:
    reply = running_app.slack.slash_command("/plc", "", user_id=USER, channel_id=CHANNEL)
    assert "/plc setup" in help_text(reply)


def test_help_shows_the_registered_team_in_its_language(running_app: RunningApp) -> None:
    register_team(running_app, team_name="4. Sınıf Matematik", team_language="tr")
    text = help_text(running_app.slack.slash_command("/plc", "help", user_id=USER, channel_id=CHANNEL))
    assert "4. Sınıf Matematik PLC ekibinin kanalı" in text
    assert "ekibin düzenli toplantılarını" in text


def test_unknown_subcommand_gets_a_helpful_ephemeral_reply(running_app: RunningApp) -> None:
    reply = running_app.slack.slash_command("/plc", "setpu now", user_id=USER, channel_id=CHANNEL)
    assert reply.status_code == 200
    assert "Did you mean `/plc setup`?" in reply.json()["text"]
    reply = running_app.slack.slash_command("/plc", "xyzzy", user_id=USER, channel_id=CHANNEL)
    assert "I don't know `/plc xyzzy`" in reply.json()["text"]


def test_planned_subcommands_say_so_politely(running_app: RunningApp) -> None:
    for name in PLANNED:  # listed in /plc help, delivered by a later release
        reply = running_app.slack.slash_command("/plc", name, user_id=USER, channel_id=CHANNEL)
        assert "not available in this version yet" in reply.json()["text"]
    assert "commit" not in PLANNED and "commitments" not in PLANNED
    reply = running_app.slack.slash_command("/plc", "commit", user_id=USER, channel_id=CHANNEL)
    assert reply.json()["text"] == "This channel is not a PLC team yet. Run `/plc setup` first."


def test_a_100_kb_command_gets_a_polite_reply(running_app: RunningApp) -> None:
    reply = running_app.slack.slash_command("/plc", "agenda add " + "x" * 100_000, user_id=USER, channel_id=CHANNEL)
    assert reply.status_code == 200
    assert "more text than a command can take" in reply.json()["text"]
