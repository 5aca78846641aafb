"""Channel membership: the bot joining a channel, people joining or leaving a team's channel."""

from __future__ import annotations

from slack_bolt import App
from slack_sdk import WebClient

from bot.services import Services
from handlers.render.team import introduction_blocks, welcome_member_blocks
from handlers.slack_calls import post_in_channel

EVENTS = ("member_joined_channel", "member_left_channel")


def register(app: App, services: Services) -> None:
    @app.event("member_joined_channel")
    def member_joined(event: dict, client: WebClient, context: dict) -> None:
        channel_id, user_id = event.get("channel") or "", event.get("user") or ""
        workspace_id = context.get("team_id") or event.get("team") or ""
        if not channel_id or not user_id:
            return
        if user_id == context.get("bot_user_id"):
            if services.teams.find(workspace_id, channel_id) is None:
                texts = services.catalog_for()
                post_in_channel(
                    client, channel_id, text=texts.t("team.introduction"), blocks=introduction_blocks(texts)
                )
            return
        team = services.teams.add_member(workspace_id, channel_id, user_id)
        if team is not None:
            texts = services.catalog_for(team)
            client.chat_postEphemeral(
                channel=channel_id, user=user_id, text=texts.t("team.welcome_member", name=team.name),
                blocks=welcome_member_blocks(texts, team),
            )

    @app.event("member_left_channel")
    def member_left(event: dict, context: dict) -> None:
        channel_id, user_id = event.get("channel") or "", event.get("user") or ""
        if channel_id and user_id:
            services.teams.remove_member(context.get("team_id") or event.get("team") or "", channel_id, user_id)
