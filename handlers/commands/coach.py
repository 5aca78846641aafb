"""`/plc coach`: coaches across teams. `add @someone [#team-channel ...]` and `remove @someone` by a workspace
admin (Slack's is_admin / is_owner), the list for anyone, `digest on|off` and `export [csv|pdf]` for a coach."""

from __future__ import annotations

import re

from slack_sdk import WebClient

from bot.coaching.service import CoachView
from bot.i18n import Catalog
from bot.services import Services
from handlers.commands.context import CommandContext
from handlers.slack_calls import slack_user

USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
CHANNEL = re.compile(r"<#(C[A-Z0-9]+)(?:\|[^>]*)?>")


def is_admin(client: WebClient, user_id: str) -> bool:
    # Slack being down must not read as "not an admin": its passing refusals are raised.
    user = slack_user(client, user_id, raise_transient=True)
    return bool(user.get("is_admin") or user.get("is_owner"))


def coach_line(catalog: Catalog, services: Services, coach: CoachView) -> str:
    if coach.all_teams:
        teams = catalog.t("coach.all_teams")
    else:
        found = [services.teams.get(t) for t in coach.team_ids]
        teams = ", ".join(f"<#{t.channel_id}>" for t in found if t is not None) or catalog.t("coach.no_teams")
    digest = catalog.t("coach.digest_on" if coach.digest else "coach.digest_off")
    return catalog.t("coach.line", coach=f"<@{coach.user_id}>", teams=teams, digest=digest)


def run(ctx: CommandContext) -> None:
    word, _, rest = ctx.args.strip().partition(" ")
    word = word.lower()
    if word in ("", "list"):
        coaches = ctx.services.coaches.list(ctx.workspace_id)
        lines = [ctx.catalog.t("coach.list_header", count=len(coaches))] if coaches else [ctx.catalog.t("coach.none")]
        lines += [coach_line(ctx.catalog, ctx.services, c) for c in coaches]
        lines.append(ctx.catalog.t("coach.usage"))
        ctx.ack(text="\n".join(lines), response_type="ephemeral")
    elif word in ("add", "remove"):
        ctx.ack()
        ctx.respond(text=_change(ctx, word, rest), response_type="ephemeral")
    elif word == "digest":
        choice = rest.strip().lower()
        if choice not in ("on", "off", "açık", "kapalı"):
            ctx.ack(text=ctx.catalog.t("coach.digest_usage"), response_type="ephemeral")
            return
        on = choice in ("on", "açık")
        known = ctx.services.coaches.set_digest(ctx.workspace_id, ctx.user_id, on)
        key = ("coach.digest_now_on" if on else "coach.digest_now_off") if known else "coach.not_a_coach"
        ctx.ack(text=ctx.catalog.t(key), response_type="ephemeral")
    elif word == "export":
        from handlers.commands.coach_export import run_export

        run_export(ctx, rest)
    else:
        ctx.ack(text=ctx.catalog.t("coach.usage"), response_type="ephemeral")


def _change(ctx: CommandContext, word: str, rest: str) -> str:
    """Add or remove a coach (after the ack: users.info is asked first); the text to answer with."""
    t = ctx.catalog.t
    if not is_admin(ctx.client, ctx.user_id):
        return t("coach.admins_only")
    users = USER.findall(rest)
    if len(users) != 1:
        return t("coach.usage")
    coach_id = users[0]
    if word == "remove":
        removed = ctx.services.coaches.remove(ctx.workspace_id, coach_id)
        return t("coach.removed" if removed else "coach.not_found", coach=f"<@{coach_id}>")
    channels = CHANNEL.findall(rest)
    team_ids = []
    for channel in channels:
        team = ctx.services.teams.find(ctx.workspace_id, channel)
        if team is None:
            return t("coach.not_a_team", channel=f"<#{channel}>")
        team_ids.append(team.id)
    person = slack_user(ctx.client, coach_id, raise_transient=True)
    if not person or person.get("is_bot") or person.get("deleted"):
        return t("coach.not_a_person", coach=f"<@{coach_id}>")
    coach = ctx.services.coaches.add(ctx.workspace_id, coach_id, team_ids or None, ctx.user_id,
                                     str(person.get("tz") or "UTC"), str(person.get("locale") or "en"))
    return t("coach.added", line=coach_line(ctx.catalog, ctx.services, coach))
