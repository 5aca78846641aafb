"""A coach's chart of one team, as a job: the SMART goal over the term and the measured plan groups' mean
changes (bot/coaching/chart.py), sent to the coach's direct messages. Queued by the Details button."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable

from slack_sdk import WebClient

from bot.coaching.home import supports
from bot.jobs.queue import JobContext, JobKind, JobQueue
from bot.plans.grouping import EXTENSION
from bot.services import Services
from handlers.jobs.failures import failure_reason
from handlers.render.reflections import escaped
from handlers.slack_calls import call_or_log

logger = logging.getLogger(__name__)
COACH_CHART = "coach_chart"


def register(queue: JobQueue, services: Services, client_for: Callable[[str], WebClient]) -> None:
    def run(job: JobContext) -> None:
        from bot.coaching.chart import GroupChange, team_chart  # matplotlib: only in the job that draws

        if job.team_id is None:
            return
        coach = supports(services.coaches, job.workspace_id, job.user_id, job.team_id)
        team = services.teams.get(job.team_id)
        if coach is None or team is None:  # no longer their coach, or the team is gone
            return
        texts = services.catalog_for(language=coach.language)
        goal = services.assessments.goal(team.id)
        progress = services.assessments.goal_progress(team.id, goal) if goal is not None else []
        groups = [GroupChange(texts.t("coach_home.chart.extension") if group.kind == EXTENSION else group.standard,
                              float((group.result or {}).get("change", 0.0)))
                  for group in services.plans.groups_of_team(team.id, status="measured")]
        buffer = io.BytesIO()
        team_chart(texts, team.name, goal, progress, groups, buffer)
        client = client_for(job.workspace_id)
        # `channels` takes user ids: the chart goes to the app's direct messages with the coach only.
        job.once("chart", lambda: call_or_log(
            "files.uploadV2", client.files_upload_v2, channels=[job.user_id], content=buffer.getvalue(),
            filename=texts.t("coach_home.chart.filename"), title=texts.t("coach_home.chart.title", team=team.name),
            initial_comment=texts.t("coach_home.chart.comment", team=escaped(team.name))))

    def failed(job: JobContext, reason: str) -> None:
        coach = services.coaches.get(job.workspace_id, job.user_id)
        team = services.teams.get(job.team_id) if job.team_id is not None else None
        if coach is None or team is None:
            return
        texts = services.catalog_for(language=coach.language)
        call_or_log("chat.postMessage", client_for(job.workspace_id).chat_postMessage, channel=job.user_id,
                    text=texts.t("coach_home.chart.failed", team=team.name, reason=failure_reason(texts, reason)))

    queue.define(JobKind(COACH_CHART, run, failed, time_limit_seconds=120))
