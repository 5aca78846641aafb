"""The focus keeper's "Put it in the parking lot" button."""

from __future__ import annotations

import json
import logging

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.services import Services
from handlers.actions import payload
from handlers.render.focus import FOCUS_PARK_ACTION, parked_blocks

logger = logging.getLogger(__name__)


def register(app: App, services: Services) -> None:
    @app.action(FOCUS_PARK_ACTION)
    def park_drifting_topic(ack: Ack, body: dict, client: WebClient, context: dict) -> None:
        ack()
        channel = payload.channel_id(body)
        team = services.teams.find(context.get("team_id") or "", channel)
        try:
            value = json.loads(payload.action_value(body) or "{}")
        except ValueError:
            value = {}
        text = value.get("text") if isinstance(value, dict) else None
        message = body.get("message") or {}
        if team is None or not isinstance(text, str) or not text.strip():
            return
        clicked_by = payload.user_id(body, context)
        services.meetings.park(team.id, text, clicked_by)
        texts = services.catalog_for(team)
        shown = message.get("text") or ""
        try:
            client.chat_update(channel=channel, ts=payload.message_ts(body), text=shown,
                               blocks=parked_blocks(texts, shown, clicked_by))
        except SlackApiError as error:
            logger.warning("chat.update failed: %s", error.response.get("error"))
