"""`/plc upload` (the upload modal) and `/plc data` (list, `delete NAME`)."""

from __future__ import annotations

from handlers.commands.context import CommandContext
from handlers.render.assessments import data_list
from handlers.views.upload import open_upload_modal

QUOTES = "\"'“”‘’"


def run_upload(ctx: CommandContext) -> None:
    team = ctx.require_team("upload.no_team")
    if team is None:
        return
    ctx.ack()
    if not open_upload_modal(ctx.client, team, ctx.command.get("trigger_id") or "", ctx.catalog):
        ctx.respond(text=ctx.catalog.t("upload.modal_failed"), response_type="ephemeral")


def run_data(ctx: CommandContext) -> None:
    team = ctx.require_team("upload.no_team")
    if team is None:
        return
    parts = ctx.args.strip().split(maxsplit=1)
    if parts and parts[0].lower() == "delete":
        name = parts[1].strip().strip(QUOTES).strip() if len(parts) > 1 else ""
        if not name:
            ctx.ack(text=ctx.catalog.t("upload.data.usage"), response_type="ephemeral")
            return
        _delete(ctx, name)
        return
    ctx.ack(text=data_list(ctx.catalog, ctx.services.assessments.list(team.id)), response_type="ephemeral")


def _delete(ctx: CommandContext, name: str) -> None:
    assert ctx.team is not None
    service = ctx.services.assessments
    uploaders = service.uploaders(ctx.team.id, name)
    known = any(info.name == name for info in service.list(ctx.team.id))
    if not known:
        ctx.ack(text=ctx.catalog.t("upload.data.not_found", name=name), response_type="ephemeral")
        return
    if ctx.user_id not in ctx.team.facilitator_ids and ctx.user_id not in uploaders:
        ctx.ack(text=ctx.catalog.t("upload.data.not_allowed", name=name), response_type="ephemeral")
        return
    service.delete(ctx.team.id, name)
    ctx.ack(text=ctx.catalog.t("upload.data.deleted", name=name), response_type="ephemeral")
