"""The HTTP face of the app: a WSGI callable in front of Bolt.

Bolt verifies signatures and dispatches; this gateway adds what a public endpoint needs
first: a health check, a body-size cap, a 401 for any request whose signature cannot be
checked, a 400 (never a 5xx) for signed junk that Bolt would choke on, and one log line
per request without tokens or message text.
"""

from __future__ import annotations

import io
import json
import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote_plus

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk.signature import SignatureVerifier

from storage.db import Database

if TYPE_CHECKING:
    from bot.jobs.health import Health

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
MAX_BODY_BYTES = 1024 * 1024

logger = logging.getLogger("plc_bot.requests")
_TEXT_FIELD = re.compile(r"(?:^|&)text=([^&]{0,200})")

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


@dataclass(frozen=True)
class RequestSummary:
    """What a log line may say about a request: its kind and a name, never its content."""

    kind: str
    name: str


class Rejected(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def _payload_name(payload: dict[str, Any]) -> RequestSummary:
    kind = payload.get("type")
    if not isinstance(kind, str):
        raise Rejected(400, "payload has no type")
    if kind in ("block_actions", "interactive_message"):
        actions = payload.get("actions")
        if not isinstance(actions, list) or not actions or not all(isinstance(a, dict) for a in actions):
            raise Rejected(400, "block_actions without actions")
        action_id = actions[0].get("action_id") or actions[0].get("name")
        if not isinstance(action_id, str):
            raise Rejected(400, "action without action_id")
        return RequestSummary(kind, action_id)
    if kind in ("view_submission", "view_closed"):
        view = payload.get("view")
        if not isinstance(view, dict) or not all(isinstance(view.get(k), str) for k in ("callback_id", "type")):
            raise Rejected(400, "view without callback_id or type")
        if kind == "view_submission" and not isinstance(view.get("state"), dict):
            raise Rejected(400, "view_submission without state")
        return RequestSummary(kind, view["callback_id"])
    if kind == "block_suggestion":
        if not isinstance(payload.get("action_id"), str):
            raise Rejected(400, "block_suggestion without action_id")
        return RequestSummary(kind, payload["action_id"])
    if kind in ("shortcut", "message_action"):
        if not isinstance(payload.get("callback_id"), str):
            raise Rejected(400, "shortcut without callback_id")
        return RequestSummary(kind, payload["callback_id"])
    return RequestSummary(kind, "-")


def summarize(body: str, content_type: str, known_subcommands: Iterable[str]) -> RequestSummary:
    """Check that a signed body has a shape Bolt can route, and name it for the log."""
    if "application/json" in content_type:
        try:
            data = json.loads(body)
        except ValueError:
            raise Rejected(400, "body is not JSON") from None
        if not isinstance(data, dict):
            raise Rejected(400, "JSON body is not an object")
        kind = data.get("type")
        if kind == "event_callback":
            event = data.get("event")
            if not isinstance(event, dict) or not isinstance(event.get("type"), str):
                raise Rejected(400, "event_callback without event type")
            return RequestSummary("event", event["type"])
        if kind == "url_verification":
            return RequestSummary("url_verification", "-")
        raise Rejected(400, "unknown JSON request type")
    if ("command=" in body and "payload=" not in body
            and (body.startswith("command=") or "&command=" in body)):
        # Slash commands are the hot path: read only the first word of `text`.
        match = _TEXT_FIELD.search(body)
        words = unquote_plus(match.group(1)).split(maxsplit=1) if match else []
        sub = words[0].lower() if words else "help"
        return RequestSummary("command", sub if sub in known_subcommands else "other")
    form = parse_qs(body, keep_blank_values=True)
    if "payload" in form:
        try:
            payload = json.loads(form["payload"][0])
        except ValueError:
            raise Rejected(400, "payload is not JSON") from None
        if not isinstance(payload, dict):
            raise Rejected(400, "payload is not an object")
        return _payload_name(payload)
    if "ssl_check" in form:
        return RequestSummary("ssl_check", "-")
    raise Rejected(400, "not a Slack request")


class SlackHttpGateway:
    """WSGI app: `POST /slack/events` (signed), `GET /healthz`, and Bolt's OAuth pages."""

    def __init__(
        self, bolt: App, db: Database, signing_secret: str | None, known_subcommands: Iterable[str],
        health: Health | None = None,
    ) -> None:
        self.bolt_handler = SlackRequestHandler(bolt, path=EVENTS_PATH)
        self.oauth_paths = (
            {bolt.oauth_flow.install_path, bolt.oauth_flow.redirect_uri_path} if bolt.oauth_flow else set()
        )
        self.db = db
        self.verifier = SignatureVerifier(signing_secret) if signing_secret else None
        self.known_subcommands = frozenset(known_subcommands)
        self.health = health

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or "/"
        method = environ.get("REQUEST_METHOD") or "GET"
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            if self.health is None:
                healthy = self.db.ping()
                return _reply(start_response, 200 if healthy else 503,
                              {"status": "ok" if healthy else "database down"})
            status, body = self.health.report()
            return _reply(start_response, status, body)
        if path in self.oauth_paths and method == "GET":
            return self.bolt_handler(environ, start_response)
        if path != EVENTS_PATH:
            return _reply(start_response, 404, {"error": "not found"})
        if method != "POST":
            return _reply(start_response, 405, {"error": "method not allowed"})
        return self._slack_request(environ, start_response)

    def _slack_request(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        summary = RequestSummary("unknown", "-")
        status = 500
        try:
            raw = self._read_body(environ)
            try:
                body = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise Rejected(400, "body is not UTF-8") from None
            self._verify(environ, body)
            summary = summarize(body, environ.get("CONTENT_TYPE") or "", self.known_subcommands)
            environ["wsgi.input"] = io.BytesIO(raw)
            environ["CONTENT_LENGTH"] = str(len(raw))
            captured: dict[str, str] = {}

            def capture(status_line: str, headers: list[tuple[str, str]], *args: Any) -> Any:
                captured["status"] = status_line
                return start_response(status_line, headers, *args)

            result = list(self.bolt_handler(environ, capture))
            status = int(captured.get("status", "500").split()[0])
            return result
        except Rejected as rejected:
            status = rejected.status
            return _reply(start_response, rejected.status, {"error": rejected.reason})
        except Exception:
            logger.exception("request failed kind=%s name=%s", summary.kind, summary.name)
            status = 400
            return _reply(start_response, 400, {"error": "request could not be handled"})
        finally:
            logger.info(
                "slack request kind=%s name=%s status=%s ack_ms=%.1f",
                summary.kind, summary.name, status, (time.perf_counter() - started) * 1000,
            )

    @staticmethod
    def _read_body(environ: dict[str, Any]) -> bytes:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            raise Rejected(400, "bad Content-Length") from None
        if length > MAX_BODY_BYTES:
            raise Rejected(413, "body too large")
        return environ["wsgi.input"].read(length) if length > 0 else b""

    def _verify(self, environ: dict[str, Any], body: str) -> None:
        if self.verifier is None:
            return
        timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP") or ""
        signature = environ.get("HTTP_X_SLACK_SIGNATURE") or ""
        if not timestamp.isdigit() or not signature:
            raise Rejected(401, "invalid request")
        if not self.verifier.is_valid(body=body, timestamp=timestamp, signature=signature):
            raise Rejected(401, "invalid request")


def _reply(start_response: StartResponse, status: int, body: dict[str, Any]) -> list[bytes]:
    reasons = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 405: "Method Not Allowed",
               413: "Payload Too Large", 503: "Service Unavailable"}
    data = json.dumps(body).encode()
    start_response(
        f"{status} {reasons.get(status, 'Error')}",
        [("Content-Type", "application/json"), ("Content-Length", str(len(data)))],
    )
    return [data]
