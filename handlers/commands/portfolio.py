"""`/plc portfolio [pdf|md]`: a member's own professional-learning portfolio, sent to them by DM (a job).

It works in any channel and only ever holds the caller's own inquiry cycles, commitments and
reflections. Naming anybody else (`/plc portfolio @someone`) is refused: nobody can produce another
member's portfolio. Texts are in the member's language: their first team's, else their Slack locale.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

from bot.jobs.queue import JobRefused
from bot.portfolio.document import FORMAT_WORDS, export_filename
from handlers.commands.context import CommandContext
from handlers.jobs.exports import PORTFOLIO
from handlers.slack_calls import user_language

USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
SPECIAL = re.compile(r"<![^>]*>")  # <!here>, <!subteam^S123|@team>, ...


def without_mentions(args: str) -> str:
    return " ".join(SPECIAL.sub(" ", USER.sub(" ", args)).split())


def names_someone(args: str, user_id: str) -> bool:
    """True when the arguments name anybody but the caller: a mention, a group, or a plain @name (when Slack
    does not escape the command's text)."""
    if any(found != user_id for found in USER.findall(args)) or SPECIAL.search(args):
        return True
    return any(word.startswith(("@", "＠")) for word in without_mentions(args).split())


def run(ctx: CommandContext) -> None:
    teams = ctx.services.teams.teams_of(ctx.workspace_id, ctx.user_id)
    language = teams[0].language if teams else None
    say: Callable[[str], None]
    if language is None:  # no team: their Slack locale decides, asked after the ack
        ctx.ack()
        language = user_language(ctx.client, ctx.user_id)

        def say(text: str) -> None:
            ctx.respond(text=text, response_type="ephemeral")
    else:
        def say(text: str) -> None:
            ctx.ack(text=text, response_type="ephemeral")
    texts = ctx.services.catalog_for(language=language)
    if names_someone(ctx.args, ctx.user_id):
        say(texts.t("portfolio.not_others"))
        return
    fmt = FORMAT_WORDS.get(without_mentions(ctx.args).lower())
    if fmt is None:
        say(texts.t("portfolio.usage"))
        return
    found = ctx.services.portfolio.gather(ctx.workspace_id, ctx.user_id)
    if found.empty:
        say(texts.t("portfolio.empty"))
        return
    try:  # the document is built and sent by a job (handlers/jobs/exports.py)
        ctx.services.jobs.enqueue(PORTFOLIO, {"format": fmt, "language": texts.language},
                                  workspace_id=ctx.workspace_id, user_id=ctx.user_id)
    except JobRefused:
        say(texts.t("jobs.refused"))
        return
    say(texts.t("portfolio.sent", cycles=len(found.cycles), commitments=len(found.commitments),
                reflections=len(found.reflections), filename=export_filename(fmt, datetime.now(UTC))))
