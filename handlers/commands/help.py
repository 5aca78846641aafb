"""`/plc help`: every subcommand, and whether this channel is a team yet."""

from __future__ import annotations

from handlers.commands.context import CommandContext
from handlers.commands.names import SUBCOMMANDS
from handlers.render.help import help_blocks_json


def run(ctx: CommandContext) -> None:
    ctx.ack(
        text=ctx.catalog.t("help.title"),
        blocks=help_blocks_json(ctx.catalog, SUBCOMMANDS, ctx.team),
        response_type="ephemeral",
    )
