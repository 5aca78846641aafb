"""`/plc schedule`, `/plc skip DATE`, `/plc next`, `/plc calendar`: the team's recurring meetings."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, MarkdownTextObject, SectionBlock

from handlers.commands.context import CommandContext
from handlers.render.meeting import when
from handlers.render.schedule import schedule_summary
from handlers.slack_calls import slack_user
from handlers.views.schedule import open_schedule_modal, upload_calendar

CHANGE_ACTION, CANCEL_ACTION, CALENDAR_ACTION = "schedule_change", "schedule_cancel", "schedule_calendar"


def run(ctx: CommandContext) -> None:
    team = ctx.require_team()
    if team is None:
        return
    rule = ctx.services.schedules.get(team.id)
    if rule is None:
        ctx.ack()
        open_schedule_modal(ctx.client, ctx.services, team, ctx.command.get("trigger_id") or "")
        return
    t = ctx.catalog.t
    upcoming = ctx.services.schedules.upcoming(team.id, limit=1)
    lines = [t("schedule.current", summary=schedule_summary(ctx.catalog, rule))]
    if upcoming:
        lines.append(t("schedule.next_line", when=when(ctx.catalog, upcoming[0].starts_at, rule.timezone)))
    value = str(team.id)
    blocks = [
        SectionBlock(text=MarkdownTextObject(text="\n".join(lines))),
        ActionsBlock(elements=[
            ButtonElement(text=t("schedule.buttons.change"), action_id=CHANGE_ACTION, value=value, style="primary"),
            ButtonElement(text=t("schedule.buttons.calendar"), action_id=CALENDAR_ACTION, value=value),
            ButtonElement(text=t("schedule.buttons.cancel"), action_id=CANCEL_ACTION, value=value, style="danger"),
        ]),
    ]
    ctx.ack(text=lines[0], blocks=blocks, response_type="ephemeral")


def run_skip(ctx: CommandContext) -> None:
    team = ctx.require_team()
    if team is None:
        return
    try:
        day = date.fromisoformat(ctx.args.strip())
    except ValueError:
        ctx.ack(text=ctx.catalog.t("schedule.skip_usage"), response_type="ephemeral")
        return
    problem = ctx.services.schedules.skip(team.id, day, ctx.user_id)
    if problem is not None:
        ctx.ack(text=ctx.catalog.t(problem), response_type="ephemeral")
        return
    upcoming = ctx.services.schedules.upcoming(team.id, limit=1)
    shown = ctx.catalog.date(day, format=ctx.catalog.t("common.date_format"))
    if upcoming:
        text = ctx.catalog.t("schedule.skipped", date=shown,
                             next=when(ctx.catalog, upcoming[0].starts_at, team.timezone))
    else:
        text = ctx.catalog.t("schedule.skipped_no_next", date=shown)
    ctx.ack(text=text, response_type="in_channel")


def run_next(ctx: CommandContext) -> None:
    team = ctx.require_team()
    if team is None:
        return
    upcoming = ctx.services.schedules.upcoming(team.id, limit=5)
    if not upcoming:
        ctx.ack(text=ctx.catalog.t("schedule.next_none"), response_type="ephemeral")
        return
    your_zone = _user_zone(ctx)
    lines = [ctx.catalog.t("schedule.next_title", team=team.name)]
    for occurrence in upcoming:
        team_time = when(ctx.catalog, occurrence.starts_at, team.timezone)
        if your_zone and your_zone != team.timezone:
            lines.append(ctx.catalog.t("schedule.next_entry_yours", team_time=team_time, team_zone=team.timezone,
                                       your_time=when(ctx.catalog, occurrence.starts_at, your_zone)))
        else:
            lines.append(ctx.catalog.t("schedule.next_entry", team_time=team_time, team_zone=team.timezone))
    ctx.ack(text="\n".join(lines), response_type="ephemeral")


def run_calendar(ctx: CommandContext) -> None:
    team = ctx.require_team()
    if team is None:
        return
    if ctx.services.schedules.get(team.id) is None:
        ctx.ack(text=ctx.catalog.t("schedule.none"), response_type="ephemeral")
        return
    ctx.ack()
    upload_calendar(ctx.client, ctx.services, team)


def _user_zone(ctx: CommandContext) -> str | None:
    """The caller's own Slack timezone, when Slack tells it."""
    zone = slack_user(ctx.client, ctx.user_id).get("tz")  # their own time is a nicety, never a reason to fail
    try:
        ZoneInfo(zone) if isinstance(zone, str) and zone else None
    except (ValueError, KeyError):
        return None
    return zone if isinstance(zone, str) and zone else None
