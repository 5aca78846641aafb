"""The Slack app manifest shipped with the package, and its HTTP-mode variant."""

from __future__ import annotations

import copy
from importlib import resources
from typing import Any

import yaml

from bot.web import EVENTS_PATH

OAUTH_REDIRECT_PATH = "/slack/oauth_redirect"


def load_manifest() -> dict[str, Any]:
    """manifest.yml as data (Socket Mode, as checked in)."""
    text = resources.files("bot").joinpath("manifest.yml").read_text("utf-8")
    return yaml.safe_load(text)


def manifest_for_http(base_url: str) -> dict[str, Any]:
    """The manifest with every request URL pointing at `base_url` and Socket Mode off."""
    base = base_url.rstrip("/")
    events_url = base + EVENTS_PATH
    manifest = copy.deepcopy(load_manifest())
    for command in manifest["features"].get("slash_commands", []):
        command["url"] = events_url
    settings = manifest["settings"]
    settings["socket_mode_enabled"] = False
    settings["event_subscriptions"]["request_url"] = events_url
    settings["interactivity"]["request_url"] = events_url
    settings["interactivity"]["message_menu_options_url"] = events_url
    manifest["oauth_config"]["redirect_urls"] = [base + OAUTH_REDIRECT_PATH]
    return manifest


def dump(manifest: dict[str, Any]) -> str:
    return yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True, width=100)
