"""`/plc goal`: the team's SMART goal and its progress; `set` (or no goal yet) opens the form, `clear` removes it."""

from __future__ import annotations

from datetime import datetime

from slack_sdk import WebClient

from bot.i18n import Catalog
from bot.services import Services
from bot.teams import TeamProfile
from handlers.commands.context import CommandContext
from handlers.render.assessment_policy import goal_modal, goal_report
from handlers.slack_calls import open_modal

SET_WORDS = {"set", "change", "edit"}
CLEAR_WORDS = {"clear", "remove", "delete"}


def open_goal_modal(client: WebClient, services: Services, team: TeamProfile, trigger_id: str,
                    texts: Catalog) -> bool:
    return open_modal(client, trigger_id, goal_modal(texts, team.channel_id, services.assessments.goal(team.id)))


def run(ctx: CommandContext) -> None:
    team = ctx.require_team()
    if team is None:
        return
    word = ctx.args.strip().lower()
    service = ctx.services.assessments
    if word in CLEAR_WORDS:
        key = "goal.cleared" if service.clear_goal(team.id) else "goal.nothing_to_clear"
        ctx.ack(text=ctx.catalog.t(key), response_type="ephemeral")
        return
    goal = service.goal(team.id)
    if goal is not None and word not in SET_WORDS:
        progress = service.goal_progress(team.id, goal)
        text, blocks = goal_report(ctx.catalog, goal, service.policy(team.id), progress,
                                   datetime.now(team.zone).date())
        ctx.ack(text=text, blocks=blocks, response_type="ephemeral")
        return
    ctx.ack()
    if not open_goal_modal(ctx.client, ctx.services, team, ctx.command.get("trigger_id") or "", ctx.catalog):
        ctx.respond(text=ctx.catalog.t("goal.modal_failed"), response_type="ephemeral")
