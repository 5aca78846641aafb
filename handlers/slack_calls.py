"""Small wrappers around Web API calls that several listeners make."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View

logger = logging.getLogger(__name__)


def post_in_channel(client: WebClient, channel_id: str, **message: Any) -> dict[str, Any] | None:
    """chat.postMessage; joins a public channel first if the bot is not in it yet."""
    try:
        return client.chat_postMessage(channel=channel_id, **message).data  # type: ignore[return-value]
    except SlackApiError as error:
        if error.response.get("error") != "not_in_channel":
            logger.warning("chat.postMessage failed: %s", error.response.get("error"))
            return None
    try:
        client.conversations_join(channel=channel_id)
        return client.chat_postMessage(channel=channel_id, **message).data  # type: ignore[return-value]
    except SlackApiError as error:
        logger.warning("could not post after joining: %s", error.response.get("error"))
        return None


def open_modal(client: WebClient, trigger_id: str, view: View | dict[str, Any]) -> bool:
    """views.open; False (logged) when Slack refuses it, e.g. an expired trigger."""
    try:
        client.views_open(trigger_id=trigger_id, view=view)
    except SlackApiError as error:
        logger.warning("views.open failed: %s", error.response.get("error"))
        return False
    return True
