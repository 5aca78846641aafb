"""What every `/plc` subcommand handler receives."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.i18n import Catalog
from bot.services import Services
from bot.teams import TeamProfile


@dataclass
class CommandContext:
    ack: Ack
    respond: Respond
    client: WebClient
    services: Services
    command: dict[str, Any]
    workspace_id: str
    channel_id: str
    user_id: str
    team: TeamProfile | None
    catalog: Catalog
    args: str = ""

    @classmethod
    def build(
        cls, ack: Ack, respond: Respond, client: WebClient, services: Services,
        command: dict[str, Any], context: dict[str, Any],
    ) -> CommandContext:
        workspace_id = context.get("team_id") or command.get("team_id") or ""
        channel_id = command.get("channel_id") or ""
        team = services.teams.find(workspace_id, channel_id) if workspace_id and channel_id else None
        return cls(
            ack=ack, respond=respond, client=client, services=services, command=command,
            workspace_id=workspace_id, channel_id=channel_id, user_id=command.get("user_id") or "",
            team=team, catalog=services.catalog_for(team),
        )

    def require_team(self, message_key: str = "commands.no_team") -> TeamProfile | None:
        """The channel's team; when there is none, answer the caller with `message_key` and return None."""
        if self.team is None:
            self.ack(text=self.catalog.t(message_key), response_type="ephemeral")
        return self.team
