"""What the bot posts and opens for reflections: shared by the meeting's end, buttons and `/plc reflect`."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block

from bot.meetings.service import MeetingView
from bot.reflections.service import PostedCopy, ReflectionEntry, prompts_for
from bot.services import Services
from bot.teams import TeamProfile
from handlers.render.meeting import when
from handlers.render.reflections import digest_blocks, reflection_modal, shared_post, thread_prompt_blocks
from handlers.slack_calls import open_modal, post_in_channel

logger = logging.getLogger(__name__)


def post_prompts(client: WebClient, services: Services, team: TeamProfile, meeting: MeetingView) -> None:
    """In the ended meeting's thread: the reflection prompts of its protocol and a Reflect button."""
    if not meeting.message_ts:
        return
    texts = services.catalog_for(team)
    post_in_channel(client, team.channel_id, thread_ts=meeting.message_ts, raise_transient=True,
                    text=texts.t("reflections.thread.text"),
                    blocks=thread_prompt_blocks(texts, prompts_for(meeting.protocol, team.language), meeting.id))


def open_form(client: WebClient, services: Services, team: TeamProfile, trigger_id: str,
              meeting_id: int | None) -> bool:
    """Open the reflection form about `meeting_id` (or about no meeting); False when Slack refused."""
    texts = services.catalog_for(team)
    meeting = services.meetings.get(meeting_id) if meeting_id is not None else None
    if meeting is not None and meeting.team_id != team.id:
        meeting = None
    prompts = prompts_for(meeting.protocol if meeting else None, team.language)
    view = reflection_modal(texts, team.channel_id, meeting.id if meeting else None, prompts,
                            when(texts, meeting.starts_at, team.timezone) if meeting else None)
    return open_modal(client, trigger_id, view)


def share(client: WebClient, services: Services, team: TeamProfile, entry: ReflectionEntry) -> None:
    """Post a shared reflection, with its author's mention, in its meeting's thread (or the channel)."""
    meeting = services.meetings.get(entry.meeting_id) if entry.meeting_id is not None else None
    thread = {"thread_ts": meeting.message_ts} if meeting is not None and meeting.message_ts else {}
    text, blocks = shared_post(services.catalog_for(team), entry.user_id, entry.text)
    posted = post_in_channel(client, team.channel_id, text=text, blocks=blocks, **thread)
    if posted is not None and posted.get("ts"):
        services.reflections.mark_posted(entry.id, str(posted["ts"]))


def digest_for_preview(services: Services, team: TeamProfile, meeting_at: datetime) -> list[Block]:
    """For the agenda preview of the meeting at `meeting_at`: the reflections shared since the previous one."""
    previous = next((m for m in services.meetings.past_meetings(team.id, limit=1) if m.starts_at < meeting_at), None)
    digest = services.reflections.shared_digest(team.id, previous.id if previous else None)
    return digest_blocks(services.catalog_for(team), digest)


def remove_posted(client: WebClient, copies: Sequence[PostedCopy]) -> None:
    """Delete the channel copies of shared reflections their author deleted."""
    for copy in copies:
        try:
            client.chat_delete(channel=copy.channel_id, ts=copy.message_ts)
        except SlackApiError as error:  # already gone, or the channel is archived: nothing more to do
            logger.info("chat.delete failed: %s", error.response.get("error"))
