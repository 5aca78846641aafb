"""`/plc reflect`: write a reflection (the form), and a member's own log: `log`, `export [csv]`, `delete [N]`.

Writing happens in a team's channel. The form is about the team's last meeting when that meeting
started within the last week (its protocol's prompts, shared copies go to its thread); otherwise it
belongs to no meeting (general prompts, shared copies go to the channel). `log`, `export` and
`delete` work in any channel and only ever touch the caller's own reflections, in every team of
the workspace.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from bot.i18n import Catalog
from bot.jobs.queue import JobRefused
from bot.reflections.export import FORMAT_WORDS, export_filename
from handlers.commands.context import CommandContext
from handlers.jobs.exports import REFLECTION_EXPORT
from handlers.reflection_flow import open_form, remove_posted
from handlers.render.reflections import delete_confirm_blocks, log_blocks

logger = logging.getLogger(__name__)
LOG_SHOWN = 10


def run(ctx: CommandContext) -> None:
    verb, _, rest = ctx.args.strip().partition(" ")
    verb, rest = verb.lower(), rest.strip()
    if verb == "":
        _write(ctx)
    elif verb in ("log", "list"):
        _log(ctx)
    elif verb == "export":
        _export(ctx, rest.lower())
    elif verb == "delete":
        _delete(ctx, rest)
    else:
        ctx.ack(text=ctx.catalog.t("reflections.usage"), response_type="ephemeral")


def _write(ctx: CommandContext) -> None:
    team = ctx.require_team("reflections.no_team")
    if team is None:
        return
    ctx.ack()
    recent = ctx.services.reflections.recent_meeting(team.id)
    if not open_form(ctx.client, ctx.services, team, ctx.command.get("trigger_id") or "",
                     recent[0] if recent else None):
        ctx.respond(text=ctx.catalog.t("reflections.modal_failed"), response_type="ephemeral")


def _texts(ctx: CommandContext) -> Catalog:
    """The channel's team language; outside a team's channel, the language of the member's first team."""
    if ctx.team is not None:
        return ctx.catalog
    teams = ctx.services.teams.teams_of(ctx.workspace_id, ctx.user_id)
    return ctx.services.catalog_for(teams[0] if teams else None)


def _log(ctx: CommandContext) -> None:
    texts = _texts(ctx)
    service = ctx.services.reflections
    entries = service.log(ctx.workspace_id, ctx.user_id, limit=LOG_SHOWN)
    if not entries:
        ctx.ack(text=texts.t("reflections.log.none"), response_type="ephemeral")
        return
    text, blocks = log_blocks(texts, entries, service.count(ctx.workspace_id, ctx.user_id))
    ctx.ack(text=text, blocks=blocks, response_type="ephemeral")


def _export(ctx: CommandContext, word: str) -> None:
    texts = _texts(ctx)
    fmt = FORMAT_WORDS.get(word or "markdown")
    if fmt is None:
        ctx.ack(text=texts.t("reflections.export.bad_format"), response_type="ephemeral")
        return
    entries = ctx.services.reflections.log(ctx.workspace_id, ctx.user_id)
    if not entries:
        ctx.ack(text=texts.t("reflections.log.none"), response_type="ephemeral")
        return
    filename = export_filename(fmt, datetime.now(UTC))
    try:  # the file is built and sent by a job (handlers/jobs/exports.py)
        ctx.services.jobs.enqueue(REFLECTION_EXPORT, {"format": fmt, "language": texts.language},
                                  workspace_id=ctx.workspace_id, user_id=ctx.user_id)
    except JobRefused:
        ctx.ack(text=texts.t("jobs.refused"), response_type="ephemeral")
        return
    ctx.ack(text=texts.t("reflections.export.sent", count=len(entries), filename=filename), response_type="ephemeral")


def _delete(ctx: CommandContext, rest: str) -> None:
    texts = _texts(ctx)
    service = ctx.services.reflections
    number = rest.lstrip("#")
    if number:
        if not number.isdigit():
            ctx.ack(text=texts.t("reflections.usage"), response_type="ephemeral")
            return
        copies = service.delete(ctx.workspace_id, ctx.user_id, int(number))
        if copies is None:
            ctx.ack(text=texts.t("reflections.delete.not_found", id=int(number)), response_type="ephemeral")
            return
        ctx.ack(text=texts.t("reflections.delete.done_one", id=int(number)), response_type="ephemeral")
        remove_posted(ctx.client, copies)
        return
    count = service.count(ctx.workspace_id, ctx.user_id)
    if count == 0:
        ctx.ack(text=texts.t("reflections.delete.none"), response_type="ephemeral")
        return
    text, blocks = delete_confirm_blocks(texts, count)
    ctx.ack(text=text, blocks=blocks, response_type="ephemeral")
