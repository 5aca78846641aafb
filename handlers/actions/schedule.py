"""Buttons under `/plc schedule`: change, cancel, calendar file."""

from __future__ import annotations

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.services import Services
from handlers.commands.schedule import CALENDAR_ACTION, CANCEL_ACTION, CHANGE_ACTION
from handlers.slack_calls import post_in_channel
from handlers.views.schedule import open_schedule_modal, upload_calendar


def register(app: App, services: Services) -> None:
    def team_for(body: dict, context: dict):  # noqa: ANN202 - TeamProfile | None
        channel = body.get("channel") if isinstance(body.get("channel"), dict) else {}
        return services.teams.find(context.get("team_id") or "", channel.get("id") or "")

    @app.action(CHANGE_ACTION)
    def change_schedule(ack: Ack, body: dict, client: WebClient, context: dict) -> None:
        ack()
        team = team_for(body, context)
        if team is not None:
            open_schedule_modal(client, services, team, body.get("trigger_id") or "")

    @app.action(CANCEL_ACTION)
    def cancel_schedule(ack: Ack, body: dict, client: WebClient, respond: Respond, context: dict) -> None:
        ack()
        team = team_for(body, context)
        if team is None:
            return
        if services.schedules.cancel(team.id, context.get("user_id") or ""):
            respond(delete_original=True)
            post_in_channel(client, team.channel_id, text=services.catalog_for(team).t("schedule.cancelled"))

    @app.action(CALENDAR_ACTION)
    def calendar_file(ack: Ack, body: dict, client: WebClient, context: dict) -> None:
        ack()
        team = team_for(body, context)
        if team is not None:
            upload_calendar(client, services, team)
