"""Buttons about the team itself."""

from __future__ import annotations

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.services import Services
from handlers.render.team import OPEN_SETUP_ACTION
from handlers.views.team_setup import open_setup_modal


def register(app: App, services: Services) -> None:
    @app.action(OPEN_SETUP_ACTION)
    def open_team_setup(ack: Ack, body: dict, client: WebClient, respond: Respond, context: dict) -> None:
        ack()
        channel = body.get("channel") if isinstance(body.get("channel"), dict) else {}
        channel_id = channel.get("id") or context.get("channel_id") or ""
        opened = channel_id and open_setup_modal(
            client, services, trigger_id=body.get("trigger_id") or "", workspace_id=context.get("team_id") or "",
            channel_id=channel_id, user_id=context.get("user_id") or "",
        )
        if not opened:
            respond(text=services.catalog_for().t("setup.could_not_open"), response_type="ephemeral",
                    replace_original=False)
