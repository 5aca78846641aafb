"""The focus keeper at work on a message: label it, and nudge the thread when it drifts.

Called for every human message in a team's channel after the message listener has taken its
meeting notes. Nothing is said unless the keeper decides to nudge; the nudge replies in the
thread and names the agenda item or critical question, never the person or their words.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.focus.keeper import CHANNEL_THREAD
from bot.services import Services
from bot.teams import TeamProfile
from handlers.render.focus import nudge_blocks, nudge_text

logger = logging.getLogger(__name__)


def keep_focus(client: WebClient, services: Services, team: TeamProfile, text: str, message_ts: str,
               thread_ts: str | None) -> bool:
    """Label one message of the team's channel; True when it got a nudge."""
    meeting = services.meetings.by_thread(team.channel_id, thread_ts) if thread_ts else None
    live = meeting is not None and meeting.status in ("open", "running")
    settings = None
    if not live:  # outside a live meeting's thread only when the team asked for the channel too
        settings = services.focus.settings(team.id)
        if not settings.enabled or not settings.in_channel:
            return False
    observation = services.focus.observe(team.id, team.language, text, thread_ts or CHANNEL_THREAD,
                                         meeting.id if live and meeting else None, datetime.now(UTC), settings)
    if observation is None or not observation.nudge:
        return False
    item, question = None, observation.verdict.question
    if live and meeting is not None and 0 <= meeting.current_item < len(meeting.agenda):
        current = meeting.agenda[meeting.current_item]
        item, question = current.title, current.question or question
    texts = services.catalog_for(team)
    reply = nudge_text(texts, message_ts, item, question)
    try:
        client.chat_postMessage(channel=team.channel_id, thread_ts=thread_ts or message_ts, text=reply,
                                blocks=nudge_blocks(texts, reply, text, message_ts))
    except SlackApiError as error:
        logger.warning("focus nudge failed: %s", error.response.get("error"))
        return False
    return True
