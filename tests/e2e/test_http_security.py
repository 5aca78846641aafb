"""The HTTP door: signatures, stale requests, and signed junk never reach a 5xx."""

import json
import time
from datetime import date
from typing import Any
from urllib.parse import urlencode

import pytest
import requests

from tests.conftest import RunningApp
from tests.e2e.helpers import CHANNEL, register_team

USER = "U0TEACH02"


def command_body(text: str = "help") -> str:
    return urlencode({"command": "/plc", "text": text, "team_id": "T0PLC0001", "channel_id": CHANNEL,
                      "user_id": USER, "trigger_id": "1.2.3", "response_url": "https://example.invalid/r"})


def test_healthz(running_app: RunningApp) -> None:
    reply = requests.get(f"{running_app.url}/healthz", timeout=5)
    assert reply.status_code == 200
    body = reply.json()
    assert body["status"] == "ok"
    # The embedded default runs its jobs in this process, whose worker threads beat a heartbeat.
    assert body["queue"]["mode"] == "in-process"
    assert 0 <= body["queue"]["newest_worker_beat_seconds"] < 10
    assert body["scheduler"] == {"newest_beat_seconds": None}  # no scheduler in this test


def test_unsigned_request_is_401(running_app: RunningApp) -> None:
    reply = running_app.slack.post_raw(command_body(), "application/x-www-form-urlencoded", sign=False)
    assert reply.status_code == 401


def test_forged_signature_is_401(running_app: RunningApp) -> None:
    timestamp = str(int(time.time()))
    reply = running_app.slack.post_raw(
        command_body(), "application/x-www-form-urlencoded", sign=False,
        headers={"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": "v0=" + "0" * 64},
    )
    assert reply.status_code == 401


def test_signature_of_another_body_is_401(running_app: RunningApp) -> None:
    headers = running_app.slack.sign(command_body("help"))
    reply = running_app.slack.post_raw(command_body("setup"), "application/x-www-form-urlencoded", sign=False,
                                       headers=headers)
    assert reply.status_code == 401


def test_stale_request_is_401(running_app: RunningApp) -> None:
    six_minutes_ago = int(time.time()) - 6 * 60
    reply = running_app.slack.post_raw(command_body(), "application/x-www-form-urlencoded",
                                       timestamp=six_minutes_ago)
    assert reply.status_code == 401


def test_non_numeric_timestamp_is_401(running_app: RunningApp) -> None:
    headers = running_app.slack.sign(command_body())
    headers["X-Slack-Request-Timestamp"] = "yesterday"
    reply = running_app.slack.post_raw(command_body(), "application/x-www-form-urlencoded", sign=False,
                                       headers=headers)
    assert reply.status_code == 401


def payload_body(payload: object) -> str:
    return urlencode({"payload": json.dumps(payload)})


JUNK = {
    "binary body": (bytes(range(256)) * 4, "application/octet-stream"),
    "binary form": (b"\xff\xfe\x00payload=\x80\x81", "application/x-www-form-urlencoded"),
    "payload not json": ("payload=%7Bnot-json", "application/x-www-form-urlencoded"),
    "payload not json beside a command": ("command=%2Fplc&payload=%7Bnot-json", "application/x-www-form-urlencoded"),
    "json array": ("[1, 2, 3]", "application/json"),
    "json not parsing": ('{"type": "event_callback", ', "application/json"),
    "event without event": ('{"type": "event_callback", "event_id": "Ev1"}', "application/json"),
    "payload array": (payload_body([1, 2]), "application/x-www-form-urlencoded"),
    "action without actions": (payload_body({"type": "block_actions", "user": {"id": USER}}),
                               "application/x-www-form-urlencoded"),
    "action without action_id": (payload_body({"type": "block_actions", "actions": [{"value": "x"}]}),
                                 "application/x-www-form-urlencoded"),
    "view without state": (payload_body({"type": "view_submission", "view": {"callback_id": "team_setup"}}),
                           "application/x-www-form-urlencoded"),
    "view without anything": (payload_body({"type": "view_submission"}), "application/x-www-form-urlencoded"),
    "empty form": ("", "application/x-www-form-urlencoded"),
    "random form": ("a=1&b=2", "application/x-www-form-urlencoded"),
}


@pytest.mark.parametrize("name", list(JUNK))
def test_signed_junk_gets_a_4xx_and_the_app_keeps_serving(running_app: RunningApp, name: str) -> None:
    body, content_type = JUNK[name]
    reply = running_app.slack.post_raw(body, content_type)
    assert 400 <= reply.status_code < 500, (reply.status_code, reply.text)
    again = running_app.slack.slash_command("/plc", "help", user_id=USER, channel_id=CHANNEL)
    assert again.status_code == 200


def test_unknown_action_and_view_are_not_5xx(running_app: RunningApp) -> None:
    reply = running_app.slack.block_actions([{"action_id": "no_such_button", "value": "1"}], user_id=USER,
                                            channel_id=CHANNEL)
    assert reply.status_code < 500
    view = {"id": "V1", "type": "modal", "callback_id": "no_such_modal", "private_metadata": "", "blocks": [],
            "state": {"values": {}}}
    reply = running_app.slack.view_submission(view, {}, user_id=USER)
    assert reply.status_code < 500


# Every kind of state an input could report, each of the wrong type.
JUNK_ENTRY = {"type": "plain_text_input", "value": 5, "selected_option": "1", "selected_options": "x",
              "selected_date": 3, "selected_time": [], "selected_users": "U1", "selected_user": 5, "files": "x",
              "selected_conversation": {}}


def every_form(app: RunningApp) -> list[dict[str, Any]]:
    """Each modal of the app as Slack holds it: opened through its command, or rendered as its button opens it."""
    from handlers.render.commitments import commit_modal, drop_modal, more_time_modal
    from handlers.views.meeting_forms import agenda_item_modal, park_modal

    forms = [app.emulator.wait_for("views.open")[-1].response["view"]]  # the setup form of register_team
    for text in ("schedule", "upload", "goal set", "settings", "reflect"):
        app.slack.slash_command("/plc", text, user_id=USER, channel_id=CHANNEL)
        forms.append(app.emulator.wait_for("views.open", count=len(forms) + 1)[-1].response["view"])
    app.slack.slash_command("/plc", "commit model fraction strips by 2030-01-10", user_id=USER, channel_id=CHANNEL)
    services = app.plc.services
    team = services.teams.find(app.emulator.team_id, CHANNEL)
    assert team is not None
    [commitment] = services.commitments.open_for_team(team.id)
    texts = services.catalog_for(team)
    built = [agenda_item_modal(texts, CHANNEL), park_modal(texts, CHANNEL), commit_modal(texts, CHANNEL, USER),
             more_time_modal(texts, commitment, date(2030, 1, 1), "", ""), drop_modal(texts, commitment, "", "")]
    return forms + [{"id": f"V{i}", **view.to_dict()} for i, view in enumerate(built)]


def test_every_form_submitted_with_junk_state_is_refused_without_a_5xx(running_app: RunningApp) -> None:
    register_team(running_app)
    forms = every_form(running_app)
    assert len({form["callback_id"] for form in forms}) == 11
    for form in forms:
        inputs = [b for b in form["blocks"] if b["type"] == "input"]
        junk = {b["block_id"]: {b["element"]["action_id"]: JUNK_ENTRY} for b in inputs}
        for values in ("junk", [], junk, {b["block_id"]: "x" for b in inputs}):
            reply = running_app.slack.view_submission(form, values, user_id=USER)  # type: ignore[arg-type]
            assert reply.status_code == 200, (form["callback_id"], values, reply.text)
            assert reply.json()["response_action"] == "errors", (form["callback_id"], values)


def every_action_id() -> list[str]:
    from handlers.commands.meeting import PICK_QUESTION_ACTION
    from handlers.commands.schedule import CALENDAR_ACTION, CANCEL_ACTION, CHANGE_ACTION
    from handlers.render import assessment_policy, assessments, commitments, focus, home, meeting, reflections, team

    return [meeting.START_ACTION, meeting.NEXT_ACTION, meeting.END_ACTION, meeting.PARK_ACTION,
            meeting.ADD_ITEM_ACTION, f"{PICK_QUESTION_ACTION}_1", focus.FOCUS_PARK_ACTION,
            home.COMMITMENT_MENU_ACTION, assessment_policy.CHANGE_GOAL_ACTION, team.OPEN_SETUP_ACTION,
            assessments.CHOOSE_COLUMN_ACTION, assessments.READ_COLUMN_ACTION, reflections.OPEN_ACTION,
            reflections.DELETE_ALL_ACTION, reflections.KEEP_ACTION, commitments.COMMIT_ACTION,
            commitments.DONE_ACTION, commitments.MORE_TIME_ACTION, commitments.DROP_ACTION,
            CALENDAR_ACTION, CANCEL_ACTION, CHANGE_ACTION]


def test_every_button_with_a_junk_or_stale_value_does_nothing_harmful(running_app: RunningApp,
                                                                       caplog: pytest.LogCaptureFixture) -> None:
    """Values of buttons on old messages (a meeting or commitment that is gone) or of the wrong shape: no 5xx,
    no listener failing, nothing posted in the channel."""
    register_team(running_app)
    running_app.emulator.wait_for("chat.postMessage")  # the team's set-up summary
    posts = len(running_app.emulator.messages(CHANNEL))
    message = {"ts": "1700000000.000100", "text": "old", "blocks": []}
    for action_id in every_action_id():
        for junk in ({}, {"value": "abc"}, {"value": "999999"}, {"value": "{\"q\": 1}"},
                     {"type": "overflow", "selected_option": "x"}, {"selected_option": {"value": "done:999999"}}):
            reply = running_app.slack.block_actions([{"action_id": action_id, **junk}], user_id=USER,
                                                    channel_id=CHANNEL, message=message)
            assert reply.status_code == 200, (action_id, junk, reply.text)
    time.sleep(0.5)  # listeners run after the ack
    assert not [r.getMessage() for r in caplog.records if r.name == "plc_bot.listeners"]
    assert [m["text"] for m in running_app.emulator.messages(CHANNEL)[posts:]] == []


def test_view_submission_with_fields_missing_keeps_the_modal_open(running_app: RunningApp) -> None:
    view = {"id": "V1", "type": "modal", "callback_id": "team_setup",
            "private_metadata": json.dumps({"channel_id": CHANNEL}), "blocks": [], "state": {"values": {}}}
    reply = running_app.slack.view_submission(view, {}, user_id=USER)
    assert reply.status_code == 200
    assert reply.json()["response_action"] == "errors"


def test_oversized_body_is_413(running_app: RunningApp) -> None:
    reply = running_app.slack.post_raw("text=" + "x" * (2 * 1024 * 1024), "application/x-www-form-urlencoded")
    assert reply.status_code == 413


def test_unknown_paths_and_methods(running_app: RunningApp) -> None:
    assert requests.get(f"{running_app.url}/nope", timeout=5).status_code == 404
    assert requests.get(f"{running_app.url}/slack/events", timeout=5).status_code == 405


def test_url_verification_answers_the_challenge(running_app: RunningApp) -> None:
    reply = running_app.slack.url_verification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P")
    assert reply.status_code == 200
    assert "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" in reply.text
