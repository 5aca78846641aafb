"""Where a `block_actions` payload says things, read defensively (signed junk must not raise)."""

from __future__ import annotations

from typing import Any


def _field(container: Any, key: str) -> str:
    value = container.get(key) if isinstance(container, dict) else None
    return value if isinstance(value, str) else ""


def channel_id(body: dict) -> str:
    """The channel the clicked message is in (`channel.id`, else `container.channel_id`)."""
    return _field(body.get("channel"), "id") or _field(body.get("container"), "channel_id")


def message_ts(body: dict) -> str:
    """The clicked message's ts (`message.ts`, else `container.message_ts` for ephemeral messages)."""
    return _field(body.get("message"), "ts") or _field(body.get("container"), "message_ts")


def user_id(body: dict, context: dict | None = None) -> str:
    """Who clicked: Bolt's context, else `user.id`."""
    from_context = (context or {}).get("user_id")
    return from_context if isinstance(from_context, str) and from_context else _field(body.get("user"), "id")


def _action(body: dict) -> dict[str, Any]:
    actions = body.get("actions")
    first = actions[0] if isinstance(actions, list) and actions else None
    return first if isinstance(first, dict) else {}


def action_value(body: dict) -> str:
    """The clicked button's `value` ("" when it has none)."""
    return _field(_action(body), "value")


def action_number(body: dict) -> int | None:
    """The clicked button's value as a row id (a meeting's, a commitment's); None when it is not one."""
    value = action_value(body)
    return int(value) if value.isdigit() else None


def chosen_option(body: dict) -> str:
    """The value of the option chosen in an overflow menu or select ("" when none)."""
    return _field(_action(body).get("selected_option"), "value")
