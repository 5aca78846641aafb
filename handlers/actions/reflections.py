"""Reflection buttons: "Reflect" under a meeting's prompts, and the answer to `/plc reflect delete`."""

from __future__ import annotations

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.services import Services
from handlers.actions import payload
from handlers.reflection_flow import open_form, remove_posted
from handlers.render.reflections import DELETE_ALL_ACTION, KEEP_ACTION, OPEN_ACTION


def register(app: App, services: Services) -> None:
    @app.action(OPEN_ACTION)
    def reflect(ack: Ack, body: dict, client: WebClient, context: dict) -> None:
        ack()
        team = services.teams.find(context.get("team_id") or "", payload.channel_id(body))
        if team is None:
            return
        open_form(client, services, team, body.get("trigger_id") or "", payload.action_number(body))

    @app.action(DELETE_ALL_ACTION)
    def delete_all(ack: Ack, body: dict, client: WebClient, respond: Respond, context: dict) -> None:
        ack()
        workspace_id, user_id = context.get("team_id") or "", payload.user_id(body, context)
        texts = services.catalog_for(services.teams.find(workspace_id, payload.channel_id(body)))
        if not workspace_id or not user_id:
            return
        count, copies = services.reflections.delete_all(workspace_id, user_id)
        respond(text=texts.t("reflections.delete.done_all", count=count), response_type="ephemeral",
                replace_original=True)
        remove_posted(client, copies)

    @app.action(KEEP_ACTION)
    def keep(ack: Ack, body: dict, respond: Respond, context: dict) -> None:
        ack()
        texts = services.catalog_for(services.teams.find(context.get("team_id") or "", payload.channel_id(body)))
        respond(text=texts.t("reflections.delete.cancelled"), response_type="ephemeral", replace_original=True)
