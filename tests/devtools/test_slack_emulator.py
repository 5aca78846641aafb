"""Tests for the Slack Web API emulator and the signed request sender (no mocks)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest
import requests
from slack_bolt import Ack, App, BoltRequest, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import RateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier

from bot.devtools.slack_emulator import SlackEmulator
from bot.devtools.slack_requests import (
    SlackRequestSender,
    checkboxes_value,
    datepicker_value,
    multi_users_value,
    plain_text_value,
    static_select_value,
    values_for,
)

SECRET = "devtools-test-signing-secret"
Captured = dict[str, Any]
Responder = Callable[[bytes, dict[str, str]], tuple[int, str]]


class Receiver:
    """A tiny HTTP endpoint that hands each POST to a responder and keeps what it got."""

    def __init__(self, responder: Responder | None = None) -> None:
        self.requests: list[Captured] = []
        self.responder = responder or (lambda body, headers: (200, ""))
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                receiver.requests.append({"body": body, "headers": headers})
                status, text = receiver.responder(body, headers)
                data = text.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json" if text.startswith("{") else "text/plain")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/slack/events"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def emu() -> Iterator[SlackEmulator]:
    with SlackEmulator() as running:
        running.add_user("U0TEACH01", "ayse", real_name="Ayşe Yılmaz", tz="Europe/Istanbul", locale="tr-TR")
        running.add_user("U0TEACH02", "maria", real_name="Maria Lopez")
        running.add_channel("C0PLC0001", "grade4-math-plc")
        yield running
    assert running.errors == []


@pytest.fixture
def client(emu: SlackEmulator) -> WebClient:
    return WebClient(base_url=emu.api_url, token=emu.bot_token)


def test_post_message_is_answered_and_recorded(emu: SlackEmulator, client: WebClient) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Agenda*"}}]
    first = client.chat_postMessage(channel="C0PLC0001", text="hello", blocks=blocks)
    second = client.chat_postMessage(channel="C0PLC0001", text="reply", thread_ts=first["ts"])

    assert first["ok"] and first["channel"] == "C0PLC0001"
    assert first["message"]["user"] == emu.bot_user_id and first["message"]["blocks"] == blocks
    assert float(second["ts"]) > float(first["ts"])
    call = emu.wait_for("chat.postMessage", count=2)[0]
    assert call.token == emu.bot_token and call.args["blocks"] == blocks and call.status == 200
    assert [m["text"] for m in emu.messages("C0PLC0001")] == ["hello", "reply"]
    assert emu.messages("C0PLC0001")[1]["thread_ts"] == first["ts"]


def test_form_encoded_json_values_are_decoded(emu: SlackEmulator, client: WebClient) -> None:
    client.api_call("chat.postMessage", params={"channel": "C9", "blocks": '[{"type": "divider"}]'})
    assert emu.calls_to("chat.postMessage")[0].args["blocks"] == [{"type": "divider"}]


def test_bad_token_is_invalid_auth(emu: SlackEmulator) -> None:
    with pytest.raises(SlackApiError) as caught:
        WebClient(base_url=emu.api_url, token="xoxb-wrong").chat_postMessage(channel="C0PLC0001", text="x")
    assert caught.value.response["error"] == "invalid_auth"
    assert emu.calls_to("chat.postMessage")[0].token == "xoxb-wrong"
    assert emu.messages("C0PLC0001") == []


def test_rate_limited_call_is_retried_and_delivered_once(emu: SlackEmulator) -> None:
    retrying = WebClient(
        base_url=emu.api_url, token=emu.bot_token, retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)]
    )
    emu.fail_next("chat.postMessage", status=429, retry_after=0)

    assert retrying.chat_postMessage(channel="C0PLC0001", text="once")["ok"]
    assert [c.status for c in emu.calls_to("chat.postMessage")] == [429, 200]
    assert emu.calls_to("chat.postMessage")[0].error == "ratelimited"
    assert [m["text"] for m in emu.messages("C0PLC0001")] == ["once"]


def test_fail_next_with_slack_error_and_not_in_channel(emu: SlackEmulator, client: WebClient) -> None:
    emu.fail_next("users.info", status=200, error="user_not_found", times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError):
            client.users_info(user="U0TEACH01")
    assert client.users_info(user="U0TEACH01")["user"]["name"] == "ayse"

    emu.add_channel("C0SECRET1", "staff-room", bot_is_member=False)
    with pytest.raises(SlackApiError) as caught:
        client.chat_postMessage(channel="C0SECRET1", text="hi")
    assert caught.value.response["error"] == "not_in_channel"
    assert client.conversations_join(channel="C0SECRET1")["channel"]["is_member"] is True
    assert client.chat_postMessage(channel="C0SECRET1", text="hi")["ok"]


def test_users_and_conversations(emu: SlackEmulator, client: WebClient) -> None:
    user = client.users_info(user="U0TEACH01", include_locale=True)["user"]
    assert (user["locale"], user["tz"], user["tz_offset"]) == ("tr-TR", "Europe/Istanbul", 3 * 3600)
    assert "locale" not in client.users_info(user="U0TEACH02")["user"]
    with pytest.raises(SlackApiError):
        client.users_info(user="U0NOBODY1")
    dm = client.conversations_open(users="U0TEACH02")["channel"]["id"]
    assert dm.startswith("D") and dm == client.conversations_open(users="U0TEACH02")["channel"]["id"]
    assert client.conversations_members(channel="C0PLC0001")["members"] == ["U0TEACH01", "U0TEACH02"]
    assert client.conversations_info(channel="C0PLC0001")["channel"]["name"] == "grade4-math-plc"
    ephemeral = client.chat_postEphemeral(channel="C0PLC0001", user="U0TEACH01", text="psst")
    assert emu.messages("C0PLC0001")[-1]["ephemeral_to"] == "U0TEACH01"
    assert ephemeral["message_ts"] == emu.messages("C0PLC0001")[-1]["ts"]


def test_update_and_delete_message(emu: SlackEmulator, client: WebClient) -> None:
    ts = client.chat_postMessage(channel="C0PLC0001", text="draft")["ts"]
    updated = client.chat_update(channel="C0PLC0001", ts=ts, text="final")
    assert updated["text"] == "final" and emu.messages("C0PLC0001")[0]["text"] == "final"
    client.chat_delete(channel="C0PLC0001", ts=ts)
    assert emu.messages("C0PLC0001") == []
    with pytest.raises(SlackApiError) as caught:
        client.chat_update(channel="C0PLC0001", ts=ts, text="gone")
    assert caught.value.response["error"] == "message_not_found"


def test_files_upload_v2_records_each_step(emu: SlackEmulator, client: WebClient) -> None:
    content = b"name,score\nayse,5\n"
    response = client.files_upload_v2(
        channel="C0PLC0001", content=content, filename="scores.csv", title="Scores", initial_comment="Here"
    )

    assert response["file"]["name"] == "scores.csv" and response["file"]["title"] == "Scores"
    methods = [c.method for c in emu.calls]
    assert methods == ["files.getUploadURLExternal", "upload", "files.completeUploadExternal"]
    uploaded = emu.uploaded_files()
    assert len(uploaded) == 1 and uploaded[0]["content"] == content and uploaded[0]["channel_id"] == "C0PLC0001"
    assert emu.messages("C0PLC0001")[0]["text"] == "Here"
    assert client.files_info(file=response["file"]["id"])["file"]["size"] == len(content)


def test_complete_upload_of_unknown_file_fails(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as caught:
        client.files_completeUploadExternal(files=[{"id": "F0MISSING", "title": "x"}])
    assert caught.value.response["error"] == "file_not_found"


def test_file_download_needs_bearer_token(emu: SlackEmulator) -> None:
    file_obj = emu.add_file("notes.txt", b"secret notes", user_id="U0TEACH01")
    assert file_obj["id"].startswith("F") and file_obj["filetype"] == "text" and file_obj["size"] == 12

    authorized = requests.get(
        file_obj["url_private_download"], headers={"Authorization": f"Bearer {emu.bot_token}"}, timeout=5
    )
    anonymous = requests.get(file_obj["url_private_download"], timeout=5)

    assert authorized.status_code == 200 and authorized.content == b"secret notes"
    assert anonymous.status_code == 200 and b"secret notes" not in anonymous.content
    assert "text/html" in anonymous.headers["Content-Type"] and anonymous.history[0].status_code == 302
    assert [c.status for c in emu.calls_to("file_download")] == [200, 302]


def test_views_open_update_publish(emu: SlackEmulator, client: WebClient) -> None:
    modal = {"type": "modal", "callback_id": "agenda", "title": {"type": "plain_text", "text": "Agenda"}, "blocks": []}
    view = client.views_open(trigger_id="123.456.abc", view=modal)["view"]
    assert view["id"].startswith("V") and view["callback_id"] == "agenda" and view["state"] == {"values": {}}
    assert emu.views()[view["id"]]["callback_id"] == "agenda"

    client.views_update(view_id=view["id"], view={**modal, "private_metadata": "m1"})
    assert emu.views()[view["id"]]["private_metadata"] == "m1"
    client.views_publish(user_id="U0TEACH01", view={"type": "home", "blocks": []})
    assert emu.views()["home:U0TEACH01"]["type"] == "home"
    with pytest.raises(SlackApiError) as caught:
        client.api_call("views.open", json={"view": modal})
    assert caught.value.response["error"] == "invalid_arguments"


def test_response_url_unknown_method_and_bad_request(emu: SlackEmulator, client: WebClient) -> None:
    url = emu.new_response_url()
    assert requests.post(url, json={"text": "done", "response_type": "ephemeral"}, timeout=5).text == "ok"
    assert emu.wait_for("response_url")[0].args["text"] == "done"

    with pytest.raises(SlackApiError) as caught:
        client.api_call("pins.add", params={"channel": "C0PLC0001"})
    assert caught.value.response["error"] == "unknown_method"

    bad = requests.post(
        f"{emu.api_url}chat.postMessage", data=b"{not json", headers={"Content-Type": "application/json"}, timeout=5
    )
    assert bad.status_code == 400 and bad.json() == {"ok": False, "error": "invalid_form_data"}
    assert client.auth_test()["user_id"] == emu.bot_user_id


def test_wait_for_reports_what_was_called(emu: SlackEmulator, client: WebClient) -> None:
    client.auth_test()
    with pytest.raises(AssertionError, match="auth.test"):
        emu.wait_for("chat.postMessage", timeout=0.1)
    emu.clear()
    assert emu.calls == []


def test_sign_output_verifies() -> None:
    sender = SlackRequestSender("http://127.0.0.1:9/slack/events", SECRET)
    body = "command=%2Fplc&text=hello"
    headers = sender.sign(body)
    verifier = SignatureVerifier(SECRET)
    assert verifier.is_valid(body, headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"])
    assert not SignatureVerifier("other-secret").is_valid_request(body, headers)
    assert not verifier.is_valid_request(body, sender.sign(body, timestamp=1_000_000))


def test_sender_payload_shapes_are_signed(emu: SlackEmulator) -> None:
    with Receiver() as receiver:
        sender = SlackRequestSender(receiver.url, SECRET, emulator=emu)
        sender.slash_command("/plc", "agenda", user_id="U0TEACH01", channel_id="C0PLC0001")
        message = {"type": "message", "ts": "1700000000.000100", "text": "x"}
        sender.block_actions(
            [{"action_id": "rsvp_yes", "value": "1"}], user_id="U0TEACH01", channel_id="C0PLC0001", message=message
        )
        sender.event({"type": "app_home_opened", "user": "U0TEACH01", "tab": "home"}, retry_num=1)

    verifier = SignatureVerifier(SECRET)
    assert all(verifier.is_valid_request(r["body"], r["headers"]) for r in receiver.requests)
    command = {k: v[0] for k, v in parse_qs(receiver.requests[0]["body"].decode(), keep_blank_values=True).items()}
    assert command["command"] == "/plc" and command["text"] == "agenda" and command["user_id"] == "U0TEACH01"
    assert command["response_url"].startswith(emu.base_url) and command["trigger_id"].count(".") == 2
    payload = json.loads(parse_qs(receiver.requests[1]["body"].decode())["payload"][0])
    assert payload["type"] == "block_actions" and payload["user"]["name"] == "ayse"
    assert payload["container"] == {
        "type": "message",
        "message_ts": message["ts"],
        "channel_id": "C0PLC0001",
        "is_ephemeral": False,
    }
    assert payload["channel"] == {"id": "C0PLC0001", "name": "grade4-math-plc"}
    assert payload["actions"][0]["block_id"] == "b" and "action_ts" in payload["actions"][0]
    event = json.loads(receiver.requests[2]["body"])
    assert event["type"] == "event_callback" and event["event_id"].startswith("Ev") and "event_ts" in event["event"]
    assert event["authorizations"][0]["user_id"] == emu.bot_user_id
    assert receiver.requests[2]["headers"]["x-slack-retry-num"] == "1"


SAMPLE_MODAL: dict[str, Any] = {
    "type": "modal",
    "callback_id": "schedule_meeting",
    "title": {"type": "plain_text", "text": "Meeting"},
    "blocks": [
        {"type": "section", "text": {"type": "mrkdwn", "text": "Plan a meeting"}},
        {
            "type": "input",
            "block_id": "topic",
            "label": {"type": "plain_text", "text": "Topic"},
            "element": {"type": "plain_text_input", "action_id": "topic_input"},
        },
        {
            "type": "input",
            "block_id": "kind",
            "label": {"type": "plain_text", "text": "Kind"},
            "element": {
                "type": "static_select",
                "action_id": "kind_select",
                "option_groups": [
                    {
                        "label": {"type": "plain_text", "text": "All"},
                        "options": [
                            {"text": {"type": "plain_text", "text": "Data review"}, "value": "data"},
                            {"text": {"type": "plain_text", "text": "Lesson study"}, "value": "lesson"},
                        ],
                    }
                ],
            },
        },
        {
            "type": "input",
            "block_id": "who",
            "label": {"type": "plain_text", "text": "Who"},
            "element": {"type": "multi_users_select", "action_id": "who_select"},
        },
        {
            "type": "input",
            "block_id": "day",
            "label": {"type": "plain_text", "text": "Day"},
            "element": {"type": "datepicker", "action_id": "day_pick", "initial_date": "2024-09-02"},
        },
        {
            "type": "input",
            "block_id": "extras",
            "label": {"type": "plain_text", "text": "Extras"},
            "element": {
                "type": "checkboxes",
                "action_id": "extras_check",
                "options": [{"text": {"type": "plain_text", "text": "Snacks"}, "value": "snacks"}],
            },
        },
        {
            "type": "input",
            "block_id": "notes",
            "optional": True,
            "label": {"type": "plain_text", "text": "Notes"},
            "element": {"type": "plain_text_input", "action_id": "notes_input", "multiline": True},
        },
    ],
}


def test_values_for_builds_slack_state_entries() -> None:
    answers = {"topic": "Unit 3", "kind": "lesson", "who": ["U0TEACH01"], "extras": ["snacks"]}
    values = values_for(SAMPLE_MODAL, answers)

    assert values == {
        "topic": {"topic_input": plain_text_value("Unit 3")},
        "kind": {"kind_select": static_select_value("lesson", "Lesson study")},
        "who": {"who_select": multi_users_value(["U0TEACH01"])},
        "day": {"day_pick": datepicker_value("2024-09-02")},
        "extras": {"extras_check": checkboxes_value([("snacks", "Snacks")])},
        "notes": {"notes_input": {"type": "plain_text_input", "value": None}},
    }
    with pytest.raises(ValueError):
        values_for(SAMPLE_MODAL, {"kind": "nope"})
    with pytest.raises(ValueError):
        values_for(SAMPLE_MODAL, {"no_such_block": "x"})


def test_bolt_app_round_trip(emu: SlackEmulator) -> None:
    app = App(client=WebClient(base_url=emu.api_url, token=emu.bot_token), signing_secret=SECRET)

    @app.command("/plc")
    def open_modal(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=SAMPLE_MODAL)
        respond("opening")

    @app.view("schedule_meeting")
    def submit(ack: Ack, view: dict[str, Any], client: WebClient) -> None:
        values = view["state"]["values"]
        ack()
        topic = values["topic"]["topic_input"]["value"]
        kind = values["kind"]["kind_select"]["selected_option"]["value"]
        client.chat_postMessage(channel="C0PLC0001", text=f"{topic} ({kind})")

    def dispatch(body: bytes, headers: dict[str, str]) -> tuple[int, str]:
        response = app.dispatch(BoltRequest(body=body.decode("utf-8"), headers=headers))
        return response.status, response.body

    with Receiver(dispatch) as receiver:
        sender = SlackRequestSender(receiver.url, SECRET, emulator=emu)
        assert sender.slash_command("/plc", user_id="U0TEACH01", channel_id="C0PLC0001").status_code == 200
        view = emu.wait_for("views.open")[0].response["view"]
        assert emu.wait_for("response_url")[0].args["text"] == "opening"
        values = values_for(view, {"topic": "Unit 3", "kind": "data", "who": ["U0TEACH02"], "extras": []})
        assert sender.view_submission(view, values, user_id="U0TEACH01").status_code == 200
        emu.wait_for("chat.postMessage")
        assert emu.messages("C0PLC0001")[-1]["text"] == "Unit 3 (data)"
        assert sender.post_raw("command=%2Fplc", "application/x-www-form-urlencoded", sign=False).status_code == 401
