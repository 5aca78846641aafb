"""Options for external selects (`block_suggestion`)."""

from __future__ import annotations

from slack_bolt import Ack, App

from bot.services import Services
from bot.teams.service import search_timezones
from handlers.render.setup import TIMEZONE_ACTION


def register(app: App, services: Services) -> None:
    @app.options(TIMEZONE_ACTION)
    def timezone_options(ack: Ack, payload: dict) -> None:
        query = payload.get("value") if isinstance(payload.get("value"), str) else ""
        ack(options=[{"text": {"type": "plain_text", "text": zone}, "value": zone} for zone in search_timezones(query)])
