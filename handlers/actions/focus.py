"""The focus keeper's "Put it in the parking lot" button."""

from __future__ import annotations

import json
import logging

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.services import Services
from handlers.render.focus import FOCUS_PARK_ACTION, parked_blocks

logger = logging.getLogger(__name__)


def register(app: App, services: Services) -> None:
    @app.action(FOCUS_PARK_ACTION)
    def park_drifting_topic(ack: Ack, body: dict, action: dict, client: WebClient, context: dict) -> None:
        ack()
        channel_id = str((body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id") or "")
        team = services.teams.find(context.get("team_id") or "", channel_id)
        try:
            value = json.loads(action.get("value") or "{}")
        except ValueError:
            value = {}
        text = value.get("text") if isinstance(value, dict) else None
        message = body.get("message") or {}
        if team is None or not isinstance(text, str) or not text.strip():
            return
        user_id = (body.get("user") or {}).get("id") or ""
        services.meetings.park(team.id, text, user_id)
        texts = services.catalog_for(team)
        shown = message.get("text") or ""
        try:
            client.chat_update(channel=channel_id, ts=message.get("ts") or "", text=shown,
                               blocks=parked_blocks(texts, shown, user_id))
        except SlackApiError as error:
            logger.warning("chat.update failed: %s", error.response.get("error"))
