"""Signed requests shaped the way Slack sends them to a Bolt app, plus view state builders."""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import itertools
import json
import time
import uuid
from typing import Any
from urllib.parse import urlencode

import requests
from slack_sdk.signature import SignatureVerifier

from bot.devtools.slack_emulator import SlackEmulator

DEFAULT_BOT_USER_ID = "U0BOT0001"
_counter = itertools.count(1)


def _trigger_id() -> str:
    """A unique trigger id in Slack's "1234.5678.hex" style."""
    return f"{int(time.time() * 1000)}.{next(_counter)}.{uuid.uuid4().hex}"


def _action_ts() -> str:
    return f"{time.time():.6f}"


class SlackRequestSender:
    """Sends correctly signed requests to a Bolt app's endpoint, with the payload shapes Slack documents."""

    def __init__(
        self,
        endpoint_url: str,
        signing_secret: str,
        team_id: str = "T0PLC0001",
        team_domain: str = "plc-school",
        api_app_id: str = "A0PLC0001",
        emulator: SlackEmulator | None = None,
        timeout: float = 10.0,
        *,
        verification_token: str = "legacy-verification-token",
        session: requests.Session | None = None,
    ) -> None:
        self.endpoint_url = endpoint_url
        self.session = session  # a keep-alive session (benchmarks); None opens a connection per request
        self.team_id = team_id
        self.team_domain = team_domain
        self.api_app_id = api_app_id
        self.emulator = emulator
        self.timeout = timeout
        self.verification_token = verification_token
        self.last_response_url: str | None = None
        self.last_trigger_id: str | None = None
        self._verifier = SignatureVerifier(signing_secret)
        self._secret = signing_secret.encode("utf-8")

    # transport
    def sign(self, body: bytes | str, timestamp: int | None = None) -> dict[str, str]:
        """The X-Slack-Request-Timestamp and X-Slack-Signature headers for a body."""
        ts = str(int(time.time()) if timestamp is None else timestamp)
        if isinstance(body, bytes):
            try:
                body = body.decode("utf-8")
            except UnicodeDecodeError:
                # slack_sdk's helper only takes text; Slack signs the raw bytes, so do that for junk tests.
                digest = hmac.new(self._secret, b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
                return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}
        signature = self._verifier.generate_signature(timestamp=ts, body=body) or ""
        return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature}

    def post_raw(
        self,
        body: bytes | str,
        content_type: str,
        headers: dict[str, str] | None = None,
        sign: bool = True,
        timestamp: int | None = None,
    ) -> requests.Response:
        """POST a body to the endpoint, signed unless `sign` is False."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        all_headers = {"Content-Type": content_type}
        if sign:
            all_headers.update(self.sign(data, timestamp))
        all_headers.update(headers or {})
        poster = self.session.post if self.session is not None else requests.post
        return poster(self.endpoint_url, data=data, headers=all_headers, timeout=self.timeout)

    def _post_form(self, fields: dict[str, str]) -> requests.Response:
        return self.post_raw(urlencode(fields), "application/x-www-form-urlencoded")

    def _post_payload(self, payload: dict[str, Any]) -> requests.Response:
        return self._post_form({"payload": json.dumps(payload)})

    def _post_json(self, body: dict[str, Any], headers: dict[str, str] | None = None) -> requests.Response:
        return self.post_raw(json.dumps(body), "application/json", headers)

    # shared pieces
    def _response_url(self) -> str:
        if self.emulator is not None:
            url = self.emulator.new_response_url()
        else:
            url = f"https://hooks.slack.com/commands/{self.team_id}/{next(_counter)}/{uuid.uuid4().hex}"
        self.last_response_url = url
        return url

    def _new_trigger_id(self) -> str:
        self.last_trigger_id = _trigger_id()
        return self.last_trigger_id

    def _user_name(self, user_id: str, default: str = "teacher") -> str:
        user = self.emulator.get_user(user_id) if self.emulator is not None else None
        return str(user["name"]) if user else default

    def _user(self, user_id: str) -> dict[str, Any]:
        name = self._user_name(user_id)
        return {"id": user_id, "username": name, "name": name, "team_id": self.team_id}

    def _channel(self, channel_id: str) -> dict[str, Any]:
        channel = self.emulator.get_channel(channel_id) if self.emulator is not None else None
        if channel is not None:
            name = "directmessage" if channel["is_im"] else str(channel["name"])
        else:
            name = "directmessage" if channel_id.startswith("D") else "general"
        return {"id": channel_id, "name": name}

    def _envelope(self, kind: str, user_id: str) -> dict[str, Any]:
        return {
            "type": kind,
            "team": {"id": self.team_id, "domain": self.team_domain},
            "user": self._user(user_id),
            "api_app_id": self.api_app_id,
            "token": self.verification_token,
            "enterprise": None,
            "is_enterprise_install": False,
        }

    # payloads
    def slash_command(
        self,
        command: str,
        text: str = "",
        *,
        user_id: str,
        channel_id: str,
        channel_name: str = "general",
        user_name: str = "teacher",
    ) -> requests.Response:
        """Invoke a slash command (form-encoded like Slack)."""
        fields = {
            "token": self.verification_token,
            "team_id": self.team_id,
            "team_domain": self.team_domain,
            "channel_id": channel_id,
            "channel_name": channel_name,
            "user_id": user_id,
            "user_name": user_name,
            "command": command,
            "text": text,
            "api_app_id": self.api_app_id,
            "is_enterprise_install": "false",
            "response_url": self._response_url(),
            "trigger_id": self._new_trigger_id(),
        }
        return self._post_form(fields)

    def block_actions(
        self,
        actions: list[dict[str, Any]],
        *,
        user_id: str,
        channel_id: str | None = None,
        message: dict[str, Any] | None = None,
        view: dict[str, Any] | None = None,
        container: dict[str, Any] | None = None,
        state_values: dict[str, dict[str, dict[str, Any]]] | None = None,
    ) -> requests.Response:
        """Click/select interactive elements in a message or a view."""
        payload = self._envelope("block_actions", user_id)
        payload["container"] = container or self._container(channel_id, message, view)
        payload["trigger_id"] = self._new_trigger_id()
        if channel_id is not None:
            payload["channel"] = self._channel(channel_id)
        if message is not None:
            payload["message"] = {k: v for k, v in copy.deepcopy(message).items() if k != "ephemeral_to"}
        if view is not None:
            payload["view"] = copy.deepcopy(view)
        if state_values is not None:
            payload["state"] = {"values": state_values}
        elif view is not None:
            payload["state"] = copy.deepcopy(view.get("state") or {"values": {}})
        else:
            payload["state"] = {"values": {}}
        if payload["container"].get("type") == "message":
            payload["response_url"] = self._response_url()
        payload["actions"] = [self._complete_action(a) for a in actions]
        return self._post_payload(payload)

    @staticmethod
    def _container(
        channel_id: str | None, message: dict[str, Any] | None, view: dict[str, Any] | None
    ) -> dict[str, Any]:
        if view is not None:
            return {"type": "view", "view_id": view.get("id", "")}
        if message is not None:
            return {
                "type": "message",
                "message_ts": message.get("ts", ""),
                "channel_id": channel_id,
                "is_ephemeral": "ephemeral_to" in message,
            }
        if channel_id is not None:
            return {"type": "message", "message_ts": _action_ts(), "channel_id": channel_id, "is_ephemeral": True}
        return {"type": "message", "message_ts": _action_ts(), "is_ephemeral": True}

    @staticmethod
    def _complete_action(action: dict[str, Any]) -> dict[str, Any]:
        completed = copy.deepcopy(action)
        completed.setdefault("block_id", "b")
        completed.setdefault("type", "button")
        completed.setdefault("action_ts", _action_ts())
        return completed

    def view_submission(
        self, view: dict[str, Any], values: dict[str, dict[str, dict[str, Any]]], *, user_id: str
    ) -> requests.Response:
        """Submit a modal with the given state values (see values_for)."""
        payload = self._envelope("view_submission", user_id)
        submitted = copy.deepcopy(view)
        submitted["state"] = {"values": copy.deepcopy(values)}
        payload.update(trigger_id=self._new_trigger_id(), view=submitted, response_urls=[])
        return self._post_payload(payload)

    def view_closed(self, view: dict[str, Any], *, user_id: str) -> requests.Response:
        """Close a modal (sent only when the view has notify_on_close)."""
        payload = self._envelope("view_closed", user_id)
        payload.update(view=copy.deepcopy(view), is_cleared=False)
        return self._post_payload(payload)

    def block_suggestion(
        self, action_id: str, block_id: str, value: str, *, user_id: str, view: dict[str, Any] | None = None
    ) -> requests.Response:
        """Ask for external_select options while the user types."""
        payload = self._envelope("block_suggestion", user_id)
        payload.update(action_id=action_id, block_id=block_id, value=value)
        if view is not None:
            payload["container"] = {"type": "view", "view_id": view.get("id", "")}
            payload["view"] = copy.deepcopy(view)
        else:
            payload["container"] = {"type": "message", "message_ts": _action_ts(), "is_ephemeral": False}
        return self._post_payload(payload)

    def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
    ) -> requests.Response:
        """Deliver an Events API event_callback."""
        inner = copy.deepcopy(event)
        inner.setdefault("event_ts", _action_ts())
        bot_user_id = self.emulator.bot_user_id if self.emulator is not None else DEFAULT_BOT_USER_ID
        context = json.dumps({"tid": self.team_id, "aid": self.api_app_id, "cid": inner.get("channel")})
        body = {
            "token": self.verification_token,
            "team_id": self.team_id,
            "api_app_id": self.api_app_id,
            "event": inner,
            "type": "event_callback",
            "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": self.team_id,
                    "user_id": bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": "4-" + base64.urlsafe_b64encode(context.encode("utf-8")).decode("ascii"),
        }
        headers = None
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
        return self._post_json(body, headers)

    def url_verification(self, challenge: str) -> requests.Response:
        """The Events API URL verification handshake."""
        return self._post_json({"token": self.verification_token, "challenge": challenge, "type": "url_verification"})


# --------------------------------------------------------------------------- state.values entries


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def _option(value: str, text: str | None = None) -> dict[str, Any]:
    return {"text": _plain(text if text is not None else value), "value": value}


def plain_text_value(value: str) -> dict[str, Any]:
    """A plain_text_input entry."""
    return {"type": "plain_text_input", "value": value}


def static_select_value(value: str, text: str | None = None) -> dict[str, Any]:
    """A static_select entry."""
    return {"type": "static_select", "selected_option": _option(value, text)}


def external_select_value(value: str, text: str | None = None) -> dict[str, Any]:
    """An external_select entry."""
    return {"type": "external_select", "selected_option": _option(value, text)}


def multi_users_value(user_ids: list[str]) -> dict[str, Any]:
    """A multi_users_select entry."""
    return {"type": "multi_users_select", "selected_users": list(user_ids)}


def users_select_value(user_id: str) -> dict[str, Any]:
    """A users_select entry."""
    return {"type": "users_select", "selected_user": user_id}


def datepicker_value(date: str) -> dict[str, Any]:
    """A datepicker entry ("YYYY-MM-DD")."""
    return {"type": "datepicker", "selected_date": date}


def timepicker_value(time: str) -> dict[str, Any]:
    """A timepicker entry ("HH:MM")."""
    return {"type": "timepicker", "selected_time": time}


def checkboxes_value(options: list[tuple[str, str]]) -> dict[str, Any]:
    """A checkboxes entry from (value, text) pairs."""
    return {"type": "checkboxes", "selected_options": [_option(value, text) for value, text in options]}


def file_input_value(files: list[dict[str, Any]]) -> dict[str, Any]:
    """A file_input entry with Slack file objects."""
    return {"type": "file_input", "files": copy.deepcopy(files)}


class _ElementState:
    """Builds one element's state entry from an answer, an initial value, or nothing."""

    _SINGLE_OPTION = ("static_select", "external_select", "radio_buttons")
    _MULTI_OPTION = ("multi_static_select", "multi_external_select", "checkboxes")
    _SCALAR = {
        "users_select": ("selected_user", "initial_user"),
        "conversations_select": ("selected_conversation", "initial_conversation"),
        "channels_select": ("selected_channel", "initial_channel"),
        "datepicker": ("selected_date", "initial_date"),
        "timepicker": ("selected_time", "initial_time"),
        "datetimepicker": ("selected_date_time", "initial_date_time"),
    }
    _LISTS = {
        "multi_users_select": ("selected_users", "initial_users"),
        "multi_conversations_select": ("selected_conversations", "initial_conversations"),
        "multi_channels_select": ("selected_channels", "initial_channels"),
        "file_input": ("files", None),
    }

    def __init__(self, element: dict[str, Any]) -> None:
        self.element = element
        self.kind = str(element.get("type", ""))

    def entry(self, answered: bool, answer: Any = None) -> dict[str, Any]:
        """The state.values entry for this element."""
        entry: dict[str, Any] = {"type": self.kind}
        if self.kind in self._SINGLE_OPTION:
            option = self._find_option(answer) if answered and answer is not None else None
            entry["selected_option"] = option if answered else self.element.get("initial_option")
        elif self.kind in self._MULTI_OPTION:
            chosen = [self._find_option(a) for a in answer or []] if answered else None
            entry["selected_options"] = chosen if answered else self.element.get("initial_options", [])
        elif self.kind in self._SCALAR:
            key, initial = self._SCALAR[self.kind]
            entry[key] = answer if answered else self.element.get(initial)
        elif self.kind in self._LISTS:
            key, initial_key = self._LISTS[self.kind]
            initial = self.element.get(initial_key, []) if initial_key else []
            entry[key] = copy.deepcopy(list(answer or [])) if answered else initial
        elif self.kind == "rich_text_input":
            entry["rich_text_value"] = self._rich_text(answer) if answered else self.element.get("initial_value")
        else:
            value = answer if answered else self.element.get("initial_value")
            entry["value"] = None if value is None else str(value)
        return entry

    def _find_option(self, answer: Any) -> dict[str, Any]:
        if isinstance(answer, dict):
            return copy.deepcopy(answer)
        value = str(answer)
        if self.kind.endswith("external_select"):
            return _option(value)
        for option in self._options():
            if option.get("value") == value:
                found = copy.deepcopy(option)
                if found.get("text", {}).get("type") == "plain_text":
                    found["text"].setdefault("emoji", True)
                return found
        raise ValueError(f"option {value!r} is not offered by {self.element.get('action_id')!r}")

    def _options(self) -> list[dict[str, Any]]:
        options = list(self.element.get("options", []))
        for group in self.element.get("option_groups", []):
            options.extend(group.get("options", []))
        return options

    @staticmethod
    def _rich_text(answer: Any) -> Any:
        if not isinstance(answer, str):
            return answer
        section = {"type": "rich_text_section", "elements": [{"type": "text", "text": answer}]}
        return {"type": "rich_text", "elements": [section]}


def values_for(view: dict[str, Any], answers: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    """Build view.state.values for the view's input blocks, keyed {block_id: {action_id: entry}}.

    `answers` maps block_id to: a string for text inputs and single selects (the option value),
    a list of values for multi selects/checkboxes, user/channel ids, "YYYY-MM-DD", "HH:MM",
    or a list of file objects for file_input. Unanswered inputs keep their initial value (or empty).
    """
    values: dict[str, dict[str, dict[str, Any]]] = {}
    unused = set(answers)
    for block in view.get("blocks", []):
        block_id = block.get("block_id")
        element = block.get("element")
        if block.get("type") != "input" or not block_id or not isinstance(element, dict):
            continue
        answered = block_id in answers
        unused.discard(block_id)
        action_id = element.get("action_id")
        if not action_id:
            if answered:
                raise ValueError(f"input block {block_id!r} has no action_id")
            continue
        state = _ElementState(element)
        values[block_id] = {action_id: state.entry(answered, answers.get(block_id))}
    if unused:
        raise ValueError(f"no input blocks with block_id {sorted(unused)}")
    return values
