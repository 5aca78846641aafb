"""The "Change goal" button under `/plc goal`'s report."""

from __future__ import annotations

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.services import Services
from handlers.actions import payload
from handlers.commands.goal import open_goal_modal
from handlers.render.assessment_policy import CHANGE_GOAL_ACTION


def register(app: App, services: Services) -> None:
    @app.action(CHANGE_GOAL_ACTION)
    def change_goal(ack: Ack, body: dict, client: WebClient, context: dict) -> None:
        ack()
        team = services.teams.find(context.get("team_id") or "", payload.channel_id(body))
        if team is not None:
            open_goal_modal(client, services, team, body.get("trigger_id") or "", services.catalog_for(team))
