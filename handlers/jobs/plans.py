"""Action plans as jobs: telling the team and each owner about a saved plan, and measuring open groups
when a later assessment is stored. Each visible effect happens once per job (`JobContext.once`).

Student names go to a group's owner (their group) and to the facilitators (every group), by DM;
the channel gets counts, owners and strategies, and later the measured aggregates.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from itertools import groupby

from slack_sdk import WebClient

from bot.jobs.queue import JobContext, JobKind, JobQueue
from bot.services import Services
from bot.teams import TeamProfile
from handlers.jobs.failures import tell_asker
from handlers.render.plans import (
    facilitator_text,
    measured_channel_text,
    owner_text,
    result_owner_blocks,
    result_owner_text,
    saved_channel_text,
)
from handlers.slack_calls import call_or_log, post_to_team

logger = logging.getLogger(__name__)
PLAN_SAVED = "plan_saved"
PLAN_MEASURE = "plan_measure"


def request_announce(services: Services, team: TeamProfile, plan_id: int, group_ids: list[int], user_id: str) -> str:
    """Queue the notices of a saved plan (JobRefused when the queue cannot take it)."""
    return services.jobs.enqueue(PLAN_SAVED, {"plan_id": plan_id, "group_ids": group_ids},
                                 workspace_id=team.workspace_id, team_id=team.id, user_id=user_id)


def request_measure(services: Services, team: TeamProfile, assessment_id: int, user_id: str) -> str:
    """Queue the measuring of the team's open groups on a newly stored assessment."""
    return services.jobs.enqueue(PLAN_MEASURE, {"assessment_id": assessment_id}, workspace_id=team.workspace_id,
                                 team_id=team.id, user_id=user_id)


def _dm(client: WebClient, user_id: str, text: str, **extra: object) -> None:
    call_or_log("chat.postMessage (DM)", client.chat_postMessage, channel=user_id, text=text, **extra)


def register(queue: JobQueue, services: Services, client_for: Callable[[str], WebClient]) -> None:
    def announce(job: JobContext) -> None:
        team = services.teams.get(job.team_id or 0)
        plan = services.plans.plan(int(job.payload["plan_id"]))
        if team is None or plan is None:
            logger.info("plan job %s: the team or the plan is gone", job.job_id)
            return
        wanted = {int(g) for g in job.payload.get("group_ids") or []}
        groups = [g for g in plan.groups if g.id in wanted]
        if not groups:
            return
        texts, client = services.catalog_for(team), client_for(job.workspace_id)
        text = saved_channel_text(texts, plan, groups, job.user_id)
        job.once("channel", lambda: post_to_team(client, services, team, raise_transient=True, text=text))
        members = {g.id: services.plans.members(g.id) for g in groups}
        for group in groups:
            job.once(f"owner.{group.id}", lambda g=group: _dm(
                client, g.owner_id, owner_text(texts, team.name, plan, g, members[g.id])))
        every = facilitator_text(texts, team.name, plan, [(g, members[g.id]) for g in groups])
        for facilitator in team.facilitator_ids:
            job.once(f"facilitator.{facilitator}", lambda f=facilitator: _dm(client, f, every))

    def measure(job: JobContext) -> None:
        team = services.teams.get(job.team_id or 0)
        if team is None:
            return
        measured = services.plans.measure(team.id, int(job.payload["assessment_id"]), job.key("measure"))
        groups = [(services.plans.group(m.group_id), m.updated) for m in measured]
        shown = [(g, updated) for g, updated in groups if g is not None]
        if not shown:
            return
        texts, client = services.catalog_for(team), client_for(job.workspace_id)
        for (plan_id, updated), same in groupby(sorted(shown, key=lambda p: (p[0].plan_id, p[1], p[0].id)),
                                               key=lambda p: (p[0].plan_id, p[1])):
            batch = [g for g, _ in same]
            text = measured_channel_text(texts, batch, updated)
            job.once(f"channel.{plan_id}.{int(updated)}",
                     lambda text=text: post_to_team(client, services, team, raise_transient=True, text=text))
        for group, _ in shown:
            text = result_owner_text(texts, team.name, group, services.plans.members(group.id))
            job.once(f"owner.{group.id}", lambda g=group, text=text: _dm(
                client, g.owner_id, text, blocks=result_owner_blocks(texts, text, g.id)))

    queue.define(JobKind(PLAN_SAVED, announce, tell_asker(services, client_for, "jobs.what.plan_saved"),
                         time_limit_seconds=120))
    queue.define(JobKind(PLAN_MEASURE, measure, tell_asker(services, client_for, "jobs.what.plan_measure"),
                         time_limit_seconds=300))
