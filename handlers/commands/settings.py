"""`/plc settings`: the focus keeper and the team's data settings (group thresholds, retention)."""

from __future__ import annotations

from datetime import datetime

from handlers.commands.context import CommandContext
from handlers.render.team_settings import settings_modal, settings_text
from handlers.slack_calls import open_modal


def run(ctx: CommandContext) -> None:
    team = ctx.require_team()
    if team is None:
        return
    policy = ctx.services.assessments.policy(team.id)
    focus = ctx.services.focus.settings(team.id)
    today = datetime.now(team.zone).date()
    share = ctx.services.library.sharing(team.id)
    if ctx.user_id not in team.facilitator_ids:
        text = settings_text(ctx.catalog, focus, policy, today, heading="team_settings.current_heading",
                             share=share)
        ctx.ack(text=text + "\n\n" + ctx.catalog.t("team_settings.not_facilitator"), response_type="ephemeral")
        return
    ctx.ack()
    view = settings_modal(ctx.catalog, team.channel_id, focus, policy, today, share)
    if not open_modal(ctx.client, ctx.command.get("trigger_id") or "", view):
        ctx.respond(text=ctx.catalog.t("team_settings.modal_failed"), response_type="ephemeral")
