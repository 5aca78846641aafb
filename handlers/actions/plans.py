"""Action-plan buttons: "Make an action plan" (on an upload's summary and in a meeting), and an owner's
choice to show or hide their name with their group's result in the school's library."""

from __future__ import annotations

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.services import Services
from handlers.actions import payload
from handlers.commands.plans import open_plan
from handlers.render.plans import HIDE_ACTION, PLAN_ACTION, SHARE_ACTION
from handlers.slack_calls import call_or_log


def register(app: App, services: Services) -> None:
    @app.action(PLAN_ACTION)
    def plan(ack: Ack, body: dict, client: WebClient, context: dict) -> None:
        ack()
        team = services.teams.find(context.get("team_id") or "", payload.channel_id(body))
        if team is None:
            return
        problem = open_plan(client, services, team, body.get("trigger_id") or "", payload.action_value(body))
        if problem is not None:
            call_or_log("chat.postEphemeral", client.chat_postEphemeral, channel=team.channel_id,
                        user=payload.user_id(body, context), text=problem)

    def share(body: dict, client: WebClient, context: dict, show: bool) -> None:
        value = payload.action_value(body)
        user_id = payload.user_id(body, context)
        group = services.plans.group(int(value)) if value.isdigit() else None
        team = services.teams.get(group.team_id) if group is not None else None
        texts = services.catalog_for(team)
        allowed = (group is not None and team is not None and team.workspace_id == (context.get("team_id") or "")
                   and services.plans.share_owner_name(group.id, user_id, show))
        key = ("plans.measured.shared" if show else "plans.measured.hidden") if allowed else "plans.measured.not_owner"
        call_or_log("chat.postMessage (DM)", client.chat_postMessage, channel=user_id, text=texts.t(key))

    @app.action(SHARE_ACTION)
    def share_name(ack: Ack, body: dict, client: WebClient, context: dict) -> None:
        ack()
        share(body, client, context, True)

    @app.action(HIDE_ACTION)
    def hide_name(ack: Ack, body: dict, client: WebClient, context: dict) -> None:
        ack()
        share(body, client, context, False)
