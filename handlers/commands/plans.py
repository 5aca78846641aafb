"""`/plc plan [ASSESSMENT]` (the action-plan form) and `/plc worked [STANDARD or words]` (the library)."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.assessments.goals import standard_key
from bot.i18n import Catalog
from bot.plans.grouping import EXTENSION
from bot.plans.library import is_standard_token
from bot.plans.service import PlanError
from bot.services import Services
from bot.teams import TeamProfile
from handlers.commands.context import CommandContext
from handlers.render.plans import plan_modal, worked_text
from handlers.slack_calls import open_modal

QUOTES = "\"'“”‘’"


def plan_form(services: Services, team: TeamProfile, name: str, texts: Catalog):  # noqa: ANN201 - a View
    """The plan form for the assessment `name` (the latest with standards when empty); PlanError when
    there is nothing to plan."""
    name = name.strip().strip(QUOTES).strip() or services.plans.latest_with_standards(team.id) or ""
    if not name:
        raise PlanError("plans.errors.no_assessment")
    draft = services.plans.draft(team.id, name)
    standards = [g.standard for g in draft.groups if g.kind != EXTENSION]
    elsewhere = services.library.elsewhere(team.workspace_id, team.id, standards)
    connections = services.library.connections(team.workspace_id, team.id, standards)
    by_key: dict[str, list] = {}
    for connection in connections:
        by_key.setdefault(standard_key(connection.standard), []).append(connection)
    return plan_modal(texts, team.channel_id, draft, elsewhere, by_key)


def open_plan(client: WebClient, services: Services, team: TeamProfile, trigger_id: str, name: str) -> str | None:
    """Open the plan form; the text to tell the person when it cannot be opened, else None."""
    texts = services.catalog_for(team)
    try:
        view = plan_form(services, team, name, texts)
    except PlanError as problem:
        return texts.t(problem.key, **problem.params)
    if not open_modal(client, trigger_id, view):
        return texts.t("plans.errors.modal_failed")
    return None


def run_plan(ctx: CommandContext) -> None:
    team = ctx.require_team("plans.errors.no_team")
    if team is None:
        return
    ctx.ack()
    problem = open_plan(ctx.client, ctx.services, team, ctx.command.get("trigger_id") or "", ctx.args)
    if problem is not None:
        ctx.respond(text=problem, response_type="ephemeral")


def run_worked(ctx: CommandContext) -> None:
    query = " ".join(ctx.args.strip().strip(QUOTES).split())[:200]
    team = ctx.team
    library = ctx.services.library
    entries = library.search(ctx.workspace_id, team.id if team else None, query)
    codes = [word for word in query.split() if is_standard_token(word)]
    connections = library.connections(ctx.workspace_id, team.id if team else None, codes) if codes else []
    shown = {e.team_name for e in entries}
    connections = [c for c in connections if c.team_name not in shown]
    own_private = team is not None and not library.sharing(team.id)
    ctx.ack(text=worked_text(ctx.catalog, query, entries, connections, own_private), response_type="ephemeral")
