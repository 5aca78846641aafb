"""What the bot posts as a commitment moves: shared by the command, the buttons, the modals and the scheduler."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block

from bot.commitments.service import Change, CommitmentView
from bot.services import Services
from bot.teams import TeamProfile
from handlers.render.commitments import (
    announced_text,
    answered_blocks,
    answered_text,
    closed_in_channel_text,
    mention,
    reminder_blocks,
    reminder_text,
    review_blocks,
)
from handlers.slack_calls import post_in_channel, post_to_team

logger = logging.getLogger(__name__)


def owned_commitment(services: Services, commitment_id: str, user_id: str,
                     workspace_id: str) -> tuple[CommitmentView, TeamProfile] | str:
    """The commitment and its team when `user_id` owns it in this workspace; else the text telling them why not."""
    commitment = services.commitments.get(int(commitment_id)) if commitment_id.isdigit() else None
    team = services.teams.get(commitment.team_id) if commitment is not None else None
    if commitment is None or team is None or team.workspace_id != workspace_id:
        return services.catalog_for(team).t("commitments.errors.not_found")
    if commitment.owner_id != user_id:
        return services.catalog_for(team).t("commitments.errors.not_owner", owner=mention(commitment.owner_id))
    return commitment, team


def announce(client: WebClient, services: Services, team: TeamProfile, commitment: CommitmentView) -> None:
    post_to_team(client, services, team, raise_transient=True,
                 text=announced_text(services.catalog_for(team), commitment))


def send_reminder(client: WebClient, services: Services, team: TeamProfile,
                  commitment: CommitmentView) -> dict | None:
    """The owner's direct message on the due date, with the Done / Need more time / Drop buttons."""
    texts = services.catalog_for(team)
    return post_in_channel(client, commitment.owner_id, text=reminder_text(texts, commitment),
                           blocks=reminder_blocks(texts, team, commitment))


def show_answer(client: WebClient, services: Services, team: TeamProfile, change: Change, channel_id: str,
                message_ts: str, once: Callable[[str, Callable[[], object]], object] | None = None) -> None:
    """Replace the reminder's buttons by what was answered (so it cannot be answered twice); tell the
    team when the commitment was closed (through `once`, in a job)."""
    texts = services.catalog_for(team)
    text = answered_text(texts, change.commitment, change.changed)
    if channel_id and message_ts:
        try:
            client.chat_update(channel=channel_id, ts=message_ts, text=text, blocks=answered_blocks(text))
        except SlackApiError as error:
            logger.warning("chat.update of a commitment reminder failed: %s", error.response.get("error"))
    if change.changed and not change.commitment.is_open:
        notice = closed_in_channel_text(texts, change.commitment)
        post = lambda: post_to_team(client, services, team, raise_transient=True, text=notice)  # noqa: E731
        if once is None:
            post()
        else:
            once("closed_notice", post)


def review_section(services: Services, team: TeamProfile, starts_at: datetime,
                   as_of: datetime | None = None) -> list[Block]:
    """The "Commitments to review" blocks that open the agenda of the meeting starting at `starts_at`,
    each commitment's status as of the meeting's day (or `as_of`, when earlier)."""
    commitments = services.commitments.review_for(team.id, starts_at)
    return review_blocks(services.catalog_for(team), team, commitments, starts_at, as_of)
