"""`/plc upload` (the upload modal) and `/plc data` (list, `delete NAME`, `map NAME: MAP`)."""

from __future__ import annotations

from bot.assessments.item_standards import MapProblem, parse_item_map, shown_items
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
    if parts and parts[0].lower() == "map":
        _map(ctx, parts[1] if len(parts) > 1 else "")
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
    deleted = service.delete(ctx.team.id, name)
    if deleted is None:  # deleted meanwhile
        ctx.ack(text=ctx.catalog.t("upload.data.not_found", name=name), response_type="ephemeral")
        return
    text = ctx.catalog.t("upload.data.deleted", name=name)
    if deleted.kept_cycles:
        text += " " + ctx.catalog.t("upload.data.deleted_plan", count=deleted.kept_cycles)
    ctx.ack(text=text, response_type="ephemeral")


def _fold(name: str) -> str:
    """A name for comparing: case does not matter, nor Turkish dotted/dotless i ("SINAV" is "sınav")."""
    return name.replace("İ", "i").replace("I", "i").replace("ı", "i").casefold()


def split_name(args: str, names: list[str]) -> tuple[str, str] | None:
    """`/plc data map`'s NAME and MAP: a quoted name, else the longest known name the text starts
    with, else the text before the first `:`. None when no name can be told apart."""
    args = args.strip()
    if args[:1] and args[0] in QUOTES:
        end = next((i for i in range(1, len(args)) if args[i] in QUOTES), None)
        if end is not None:
            return args[1:end].strip(), args[end + 1:].lstrip(" :")
    for name in sorted(names, key=len, reverse=True):
        rest = args[len(name):]
        if _fold(args[:len(name)]) == _fold(name) and (not rest or rest[0] in " :\n"):
            return name, rest.lstrip(" :")
    name, colon, rest = args.partition(":")
    return (name.strip(), rest.strip()) if colon and name.strip() else None


def _map(ctx: CommandContext, args: str) -> None:
    """Give the items of an assessment their standards: every teacher's upload, in one transaction."""
    assert ctx.team is not None
    t, service = ctx.catalog.t, ctx.services.assessments
    names = [info.name for info in service.list(ctx.team.id)]
    found = split_name(args, names)
    if found is None or not found[1]:
        ctx.ack(text=t("upload.map.usage"), response_type="ephemeral")
        return
    name, text = found
    name = next((n for n in names if _fold(n) == _fold(name)), name)
    if name not in names:
        ctx.ack(text=t("upload.data.not_found", name=name), response_type="ephemeral")
        return
    team = ctx.team
    if ctx.user_id not in {*team.member_ids, *team.facilitator_ids, *service.uploaders(team.id, name)}:
        ctx.ack(text=t("upload.map.not_allowed", name=name), response_type="ephemeral")
        return
    try:
        item_map = parse_item_map(text)
        if item_map is None:
            ctx.ack(text=t("upload.map.not_a_map", text=text), response_type="ephemeral")
            return
        changed = service.map_standards(team.id, name, item_map)
    except MapProblem as problem:
        ctx.ack(text=t(problem.key, **problem.params), response_type="ephemeral")
        return
    if changed is None:  # deleted meanwhile
        ctx.ack(text=t("upload.data.not_found", name=name), response_type="ephemeral")
        return
    done = t("upload.map.done", name=name, items=shown_items(changed.items), rows=changed.rows,
             uploads=changed.uploads)
    ctx.ack(text=done, response_type="ephemeral")
