"""`/plc commit TEXT [by DATE] [for @someone]` and `/plc commitments [mine]`."""

from __future__ import annotations

from bot.commitments.parser import CommitmentParseError, fold, mine_words, parse_commitment
from bot.commitments.service import CommitmentError, local_today
from handlers.commands.context import CommandContext
from handlers.jobs.commitments import request_announce
from handlers.render.commitments import error_text, list_text, recorded_text


def run_commit(ctx: CommandContext) -> None:
    team = ctx.require_team()
    if team is None:
        return
    if not ctx.args.strip():
        ctx.ack(text=ctx.catalog.t("commitments.usage"), response_type="ephemeral")
        return
    try:
        parsed = parse_commitment(ctx.args, team.language, local_today(team.timezone))
        commitment = ctx.services.commitments.create(
            team.id, parsed.text, parsed.owner_id, ctx.user_id, parsed.due_on, parsed.standard)
    except (CommitmentParseError, CommitmentError) as error:
        text = error_text(ctx.catalog, error.key, error.params)
        if error.key != "commitments.errors.empty":
            text += "\n" + ctx.catalog.t("commitments.usage")
        ctx.ack(text=text, response_type="ephemeral")
        return
    ctx.ack(text=recorded_text(ctx.catalog, commitment), response_type="ephemeral")
    request_announce(ctx.services, team, commitment)


def run_commitments(ctx: CommandContext) -> None:
    team = ctx.require_team()
    if team is None:
        return
    mine = bool(ctx.args.strip()) and fold(ctx.args.strip()) in mine_words(team.language)
    service = ctx.services.commitments
    found = service.open_for_owner(ctx.user_id, [team.id]) if mine else service.open_for_team(team.id)
    ctx.ack(text=list_text(ctx.catalog, team, found, local_today(team.timezone), mine=mine),
            response_type="ephemeral")
