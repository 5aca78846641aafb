"""The schedule modal: opening it, storing the rule on submission, and the team's calendar file."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.i18n import catalog
from bot.meetings.ics import calendar_ics
from bot.meetings.recurrence import parse_rule, validate_rule
from bot.services import Services
from bot.teams import TeamProfile
from handlers.render.meeting import when
from handlers.render.schedule import BLOCKS, CALLBACK_ID, read_rule_draft, schedule_modal, schedule_summary
from handlers.render.setup import read_metadata
from handlers.slack_calls import open_modal, post_in_channel

logger = logging.getLogger(__name__)


def open_schedule_modal(client: WebClient, services: Services, team: TeamProfile, trigger_id: str) -> bool:
    texts = catalog(team.language)
    today = datetime.now(UTC).astimezone(ZoneInfo(team.timezone)).date()
    view = schedule_modal(texts, team.channel_id, team.timezone, today, services.schedules.get(team.id))
    return open_modal(client, trigger_id, view)


def upload_calendar(client: WebClient, services: Services, team: TeamProfile) -> bool:
    """Post the team's meetings as an .ics file in its channel (files_upload_v2)."""
    rule = services.schedules.get(team.id)
    if rule is None:
        return False
    texts = catalog(team.language)
    try:
        content = calendar_ics(rule, summary=texts.t("schedule.calendar_summary", team=team.name),
                               description=texts.t("schedule.calendar_description", team=team.name),
                               uid=f"plc-{team.workspace_id}-{team.channel_id}@plc-bot")
    except ValueError:  # a rule with no meeting left has nothing to put in a calendar
        return False
    try:
        client.files_upload_v2(channel=team.channel_id, content=content, filename="plc-meetings.ics",
                               title=texts.t("schedule.calendar_summary", team=team.name),
                               initial_comment=texts.t("schedule.calendar_comment"))
    except SlackApiError as error:
        logger.warning("calendar upload failed: %s", error.response.get("error"))
        return False
    return True


def register(app: App, services: Services) -> None:
    @app.view(CALLBACK_ID)
    def submit_schedule(ack: Ack, view: dict, client: WebClient, context: dict) -> None:
        meta = read_metadata(view)
        team = services.teams.find(context.get("team_id") or "", meta.get("channel_id", ""))
        texts = services.catalog_for(team)
        state = view.get("state")
        values = state.get("values") if isinstance(state, dict) else None
        if team is None or not isinstance(values, dict):
            ack(response_action="errors", errors={BLOCKS["weekdays"]: texts.t("setup.errors.form_expired")})
            return
        draft = read_rule_draft(values)
        zone = draft.timezone if draft.timezone else team.timezone
        try:
            today = datetime.now(UTC).astimezone(ZoneInfo(zone)).date()
        except (KeyError, ValueError):
            today = datetime.now(UTC).date()
        errors = validate_rule(draft, today)
        if errors:
            ack(response_action="errors", errors={BLOCKS[field]: texts.t(key) for field, key in errors.items()})
            return
        rule = services.schedules.save(team.id, parse_rule(draft, today), context.get("user_id") or "")
        ack()
        upcoming = services.schedules.upcoming(team.id, limit=1)
        summary = schedule_summary(texts, rule)
        if upcoming:
            text = texts.t("schedule.saved", summary=summary, next=when(texts, upcoming[0].starts_at, rule.timezone))
        else:
            text = texts.t("schedule.saved_no_next", summary=summary)
        post_in_channel(client, team.channel_id, text=text)
