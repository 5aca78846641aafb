"""`/plc coach export [csv|pdf]`: the term's rows of a coach's teams, sent to them as a file (a job)."""

from __future__ import annotations

from handlers.commands.context import CommandContext


def run_export(ctx: CommandContext, rest: str) -> None:
    ctx.ack(text=ctx.catalog.t("coach.usage"), response_type="ephemeral")
