"""`/plc coach export [csv|pdf]`: the term's rows of a coach's teams, sent to them as a file (a job).

Only a coach may ask (anyone else is told so); the file is built by the `coach_export` job
(handlers/jobs/exports.py) and goes to the coach's direct messages, in the coach's language.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.coaching.export import FORMAT_WORDS, export_filename
from bot.i18n import catalog
from bot.jobs.queue import JobRefused
from handlers.commands.context import CommandContext
from handlers.jobs.exports import COACH_EXPORT


def run_export(ctx: CommandContext, rest: str) -> None:
    coach = ctx.services.coaches.get(ctx.workspace_id, ctx.user_id)
    if coach is None:
        ctx.ack(text=ctx.catalog.t("coach_export.not_a_coach"), response_type="ephemeral")
        return
    texts = catalog(coach.language)
    fmt = FORMAT_WORDS.get(rest.strip().lower() or "csv")
    if fmt is None:
        ctx.ack(text=texts.t("coach_export.usage"), response_type="ephemeral")
        return
    teams = ctx.services.coaches.team_ids(coach)
    if not teams:
        ctx.ack(text=texts.t("coach_export.no_teams"), response_type="ephemeral")
        return
    try:  # the file is built and sent by a job
        ctx.services.jobs.enqueue(COACH_EXPORT, {"format": fmt}, workspace_id=ctx.workspace_id, user_id=ctx.user_id)
    except JobRefused:
        ctx.ack(text=texts.t("jobs.refused"), response_type="ephemeral")
        return
    ctx.ack(text=texts.t("coach_export.sent", count=len(teams), format=texts.t(f"coach_export.formats.{fmt}"),
                         filename=export_filename(fmt, datetime.now(UTC))), response_type="ephemeral")
