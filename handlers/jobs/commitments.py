"""What a commitment's change shows in Slack, as jobs: the team's notice of a new commitment, and an
answered reminder (its buttons replaced, the team told when it was closed), each once per job."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_sdk import WebClient

from bot.commitments.service import Change, CommitmentView
from bot.jobs.queue import JobContext, JobKind, JobQueue, JobRefused
from bot.services import Services
from bot.teams import TeamProfile
from handlers.commitment_flow import announce, show_answer
from handlers.jobs.failures import tell_asker

logger = logging.getLogger(__name__)
ANNOUNCED = "commitment_announced"
ANSWERED = "commitment_answered"


def _enqueue(services: Services, team: TeamProfile, kind: str, payload: dict[str, object], user_id: str) -> None:
    try:
        services.jobs.enqueue(kind, payload, workspace_id=team.workspace_id, team_id=team.id, user_id=user_id)
    except JobRefused:
        logger.error("commitment change stored but not shown: the job queue refused %s", kind)


def request_announce(services: Services, team: TeamProfile, commitment: CommitmentView) -> None:
    """Queue the team's one-line notice of a new commitment."""
    _enqueue(services, team, ANNOUNCED, {"commitment_id": commitment.id}, commitment.created_by)


def request_answer(services: Services, team: TeamProfile, change: Change, channel_id: str, message_ts: str) -> None:
    """Queue what an answer shows: the reminder `message_ts` in `channel_id` updated, the team told."""
    _enqueue(services, team, ANSWERED, {"commitment_id": change.commitment.id, "changed": change.changed,
                                         "channel_id": channel_id, "message_ts": message_ts},
             change.commitment.owner_id)


def register(queue: JobQueue, services: Services, client_for: Callable[[str], WebClient]) -> None:
    def found(job: JobContext) -> tuple[CommitmentView, TeamProfile] | None:
        commitment = services.commitments.get(int(job.payload["commitment_id"]))
        team = services.teams.get(job.team_id or 0)
        return (commitment, team) if commitment is not None and team is not None else None

    def announced(job: JobContext) -> None:
        if (pair := found(job)) is not None:
            commitment, team = pair
            job.once("notice", lambda: announce(client_for(job.workspace_id), services, team, commitment))

    def answered(job: JobContext) -> None:
        if (pair := found(job)) is not None:
            commitment, team = pair
            show_answer(client_for(job.workspace_id), services, team, Change(commitment, bool(job.payload["changed"])),
                        str(job.payload.get("channel_id") or ""), str(job.payload.get("message_ts") or ""),
                        once=job.once)

    queue.define(JobKind(ANNOUNCED, announced, tell_asker(services, client_for, "jobs.what.commitment_announced"),
                         time_limit_seconds=60))
    queue.define(JobKind(ANSWERED, answered, tell_asker(services, client_for, "jobs.what.commitment_answered"),
                         time_limit_seconds=60))
