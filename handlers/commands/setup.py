"""`/plc setup`: open the modal that registers (or edits) the channel's team."""

from __future__ import annotations

from handlers.commands.context import CommandContext
from handlers.views.team_setup import open_setup_modal


def run(ctx: CommandContext) -> None:
    # Ack first: views.open needs the trigger_id within 3 s, and Slack shows nothing for an empty ack.
    ctx.ack()
    trigger_id = ctx.command.get("trigger_id") or ""
    opened = open_setup_modal(
        ctx.client, ctx.services, trigger_id=trigger_id, workspace_id=ctx.workspace_id,
        channel_id=ctx.channel_id, user_id=ctx.user_id,
    )
    if not opened:
        ctx.respond(text=ctx.catalog.t("setup.could_not_open"), response_type="ephemeral")
