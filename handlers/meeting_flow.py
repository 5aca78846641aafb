"""What the bot posts as a meeting moves: shared by the buttons and the scheduler's notices."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.meetings.service import MeetingView
from bot.services import Services
from bot.teams import TeamProfile
from handlers.agenda_review import opening_sections
from handlers.reflection_flow import post_prompts
from handlers.render.meeting import meeting_blocks, minutes_blocks, when
from handlers.slack_calls import post_in_channel

logger = logging.getLogger(__name__)


def refresh_meeting_message(client: WebClient, services: Services, team: TeamProfile, meeting: MeetingView) -> None:
    """Show the meeting's current state (item marker, buttons) in its own message."""
    if not meeting.channel_id or not meeting.message_ts:
        return
    texts = services.catalog_for(team)
    try:
        client.chat_update(channel=meeting.channel_id, ts=meeting.message_ts,
                           text=texts.t("meeting.agenda_header", team=team.name,
                                        when=when(texts, meeting.starts_at, team.timezone)),
                           blocks=meeting_blocks(texts, team, meeting,
                                                 opening_sections(services, team, meeting.starts_at)))
    except SlackApiError as error:
        logger.warning("chat.update failed: %s", error.response.get("error"))


def open_meeting(client: WebClient, services: Services, team: TeamProfile, starts_at: datetime,
                 duration_minutes: int) -> MeetingView:
    """Fix the agenda and post the meeting's message: its thread is where the meeting happens."""
    meeting = services.meetings.open_meeting(team.id, starts_at, duration_minutes, team.language)
    if meeting.message_ts:
        return meeting
    texts = services.catalog_for(team)
    posted = post_in_channel(client, team.channel_id,
                             text=texts.t("meeting.agenda_header", team=team.name,
                                          when=when(texts, meeting.starts_at, team.timezone)),
                             blocks=meeting_blocks(texts, team, meeting,
                                                   opening_sections(services, team, meeting.starts_at)))
    if posted is None:
        raise RuntimeError("could not post the meeting's agenda")
    services.meetings.attach_message(meeting.id, team.channel_id, posted["ts"])
    return services.meetings.get(meeting.id) or meeting


Once = Callable[[str, Callable[[], object]], object]


def at_once(_name: str, effect: Callable[[], object]) -> object:
    """Run an effect now (outside a job, where there is no second delivery to guard against)."""
    return effect()


def announce_item(client: WebClient, services: Services, team: TeamProfile, meeting: MeetingView,
                  first: bool) -> None:
    texts = services.catalog_for(team)
    item = meeting.current
    if item is None or not meeting.message_ts:
        return
    key = "meeting.started" if first else "meeting.moved"
    post_in_channel(client, team.channel_id, thread_ts=meeting.message_ts, raise_transient=True,
                    text=texts.t(key, title=item.title, minutes=item.minutes, prompt=item.prompt))


def post_minutes(client: WebClient, services: Services, team: TeamProfile, meeting_id: int,
                 by_time: bool = False, once: Once = at_once) -> bool:
    """Update an ended meeting's message and post its minutes and reflection prompts in its thread.

    `once` makes each post happen once when a job runs this again after a crash.
    """
    minutes = services.meetings.minutes(meeting_id)
    meeting = services.meetings.get(meeting_id)
    if minutes is None or meeting is None:
        return False
    refresh_meeting_message(client, services, team, meeting)
    texts = services.catalog_for(team)
    thread = {"thread_ts": meeting.message_ts} if meeting.message_ts else {}
    if by_time:
        once("ended_by_time", lambda: post_in_channel(client, team.channel_id, raise_transient=True,
                                                      text=texts.t("meeting.ended_by_time"), **thread))
    once("minutes", lambda: post_in_channel(
        client, team.channel_id, raise_transient=True,
        text=texts.t("meeting.minutes_header", team=team.name, when=when(texts, meeting.starts_at, team.timezone)),
        blocks=minutes_blocks(texts, team, meeting, minutes), **thread))
    # Reflection questions and a Reflect button, in the thread.
    once("reflection_prompts", lambda: post_prompts(client, services, team, meeting))
    return True


def close_meeting(client: WebClient, services: Services, team: TeamProfile, meeting_id: int,
                  by_time: bool = False) -> bool:
    """End the meeting, update its message and post the minutes in its thread (once)."""
    if services.meetings.end(meeting_id) is None:
        return False
    return post_minutes(client, services, team, meeting_id, by_time)
