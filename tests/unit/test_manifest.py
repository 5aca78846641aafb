"""manifest.yml declares everything the code listens to and requests every scope it needs."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

import handlers
from bot.app import BOT_SCOPES
from bot.manifest import load_manifest, manifest_for_http
from bot.services import Services
from bot.settings import Settings
from storage.db import Database

ROOT = Path(__file__).resolve().parents[2]

# Web API method -> bot scopes that allow it (any one of them is enough).
METHOD_SCOPES: dict[str, set[str]] = {
    "chat_postMessage": {"chat:write"},
    "chat_postEphemeral": {"chat:write"},
    "chat_update": {"chat:write"},
    "chat_delete": {"chat:write"},
    "users_info": {"users:read"},
    "conversations_join": {"channels:join"},
    "conversations_info": {"channels:read", "groups:read"},
    "conversations_members": {"channels:read", "groups:read"},
    "views_open": set(),
    "views_update": set(),
    "views_push": set(),
    "views_publish": set(),
    "files_upload_v2": {"files:write"},
    "files_info": {"files:read"},
}
EVENT_SCOPES: dict[str, set[str]] = {
    "member_joined_channel": {"channels:read", "groups:read"},
    "member_left_channel": {"channels:read", "groups:read"},
    "app_home_opened": set(),
    "message": {"channels:history", "groups:history"},
    "file_shared": {"files:read"},
}


class RecordingApp:
    """Stands in for a Bolt App during registration and records what is registered."""

    def __init__(self) -> None:
        self.registered: dict[str, list[Any]] = {}

    def __getattr__(self, kind: str) -> Any:
        def register(*args: Any, **kwargs: Any) -> Any:
            if args and callable(args[0]) and kind in ("middleware", "error", "use"):
                self.registered.setdefault(kind, []).append(args[0])
                return args[0]
            self.registered.setdefault(kind, []).append(args[0] if args else None)
            return lambda function=None, **_: function
        return register


@pytest.fixture
def registered(tmp_path: Path) -> dict[str, list[Any]]:
    db = Database(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    recorder = RecordingApp()
    handlers.register_all(recorder, Services.build(Settings(), db))  # type: ignore[arg-type]
    db.dispose()
    return recorder.registered


def test_every_registered_command_and_event_is_declared(registered: dict[str, list[Any]]) -> None:
    manifest = load_manifest()
    declared_commands = {c["command"] for c in manifest["features"]["slash_commands"]}
    assert set(registered["command"]) == declared_commands == {"/plc"}
    declared_events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    # Bolt's "message" listener hears the message.* events of the conversation types we subscribe to.
    expected = {e for e in registered["event"] if e != "message"}
    if "message" in registered["event"]:
        expected |= {"message.channels", "message.groups"}
    assert expected == declared_events
    if registered.get("action") or registered.get("view") or registered.get("options"):
        assert manifest["settings"]["interactivity"]["is_enabled"] is True


NOT_METHODS = {"token", "base_url", "timeout", "retry_handlers"}  # attributes of WebClient, not API calls


def called_methods() -> set[str]:
    methods: set[str] = set()
    for folder in ("bot", "handlers"):
        for path in (ROOT / folder).rglob("*.py"):
            if "devtools" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                # client.chat_postMessage(...) and call_or_log("...", client.chat_postMessage, ...) alike
                if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                        and node.value.id in ("client", "self.client") and not node.attr.startswith("_")
                        and node.attr not in NOT_METHODS):
                    methods.add(node.attr)
                if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute)
                        and node.value.attr == "client" and isinstance(node.value.value, ast.Name)
                        and node.value.value.id == "self" and node.attr not in NOT_METHODS):
                    methods.add(node.attr)
    return methods


def test_every_scope_the_code_needs_is_requested(registered: dict[str, list[Any]]) -> None:
    scopes = set(load_manifest()["oauth_config"]["scopes"]["bot"])
    assert scopes == set(BOT_SCOPES)  # what the OAuth flow asks for is what the manifest declares
    methods = called_methods()
    assert "chat_postMessage" in methods and "views_open" in methods
    unknown = methods - set(METHOD_SCOPES)
    assert unknown == set(), f"add these Web API methods to METHOD_SCOPES: {unknown}"
    for method in methods:
        needed = METHOD_SCOPES[method]
        assert not needed or needed & scopes, f"{method} needs one of {needed}"
    for event in registered["event"]:
        needed = EVENT_SCOPES[event]
        assert not needed or needed <= scopes, f"{event} needs {needed}"
    assert "commands" in scopes


def test_http_manifest_points_every_url_at_the_events_endpoint() -> None:
    manifest = manifest_for_http("https://plc.example.org/")
    url = "https://plc.example.org/slack/events"
    assert manifest["features"]["slash_commands"][0]["url"] == url
    assert manifest["settings"]["event_subscriptions"]["request_url"] == url
    assert manifest["settings"]["interactivity"]["request_url"] == url
    assert manifest["settings"]["interactivity"]["message_menu_options_url"] == url
    assert manifest["settings"]["socket_mode_enabled"] is False
    assert manifest["oauth_config"]["redirect_urls"] == ["https://plc.example.org/slack/oauth_redirect"]
    assert load_manifest()["settings"]["socket_mode_enabled"] is True
