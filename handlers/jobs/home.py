"""The App Home as a job: a person's page gathered from every team and published with views.publish.

Queued when they open the Home tab and after they act on it; the newest publish wins, so a job
delivered twice only publishes the same page again (views.publish replaces, it never adds).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_sdk import WebClient

from bot.coaching.home import coach_home
from bot.i18n import Catalog
from bot.jobs.queue import JobContext, JobKind, JobQueue, JobRefused
from bot.services import Services
from handlers.render.coach_home import coach_blocks
from handlers.render.home import home_view
from handlers.slack_calls import call_or_log, user_language

logger = logging.getLogger(__name__)
HOME = "home"


def publish_home(client: WebClient, services: Services, workspace_id: str, user_id: str) -> None:
    """Build the person's Home from their teams (in their first team's language, else their Slack locale).

    A coach's Home starts with the teams they support (bot/coaching/home.py), all of it in the coach's language."""
    data = services.home.home(workspace_id, user_id)
    coach = coach_home(services.coaches, services.reports, workspace_id, user_id)
    if coach is not None:
        texts: Catalog = services.catalog_for(language=coach.coach.language)
        view = home_view(texts, data, coach=coach_blocks(texts, coach))
    else:
        texts = services.catalog_for(language=data.language or user_language(client, user_id))
        view = home_view(texts, data)
    call_or_log("views.publish", client.views_publish, user_id=user_id, view=view)


def request_home(services: Services, workspace_id: str, user_id: str) -> None:
    """Queue a rebuild of the person's Home; a full queue is logged (the next open rebuilds it)."""
    try:
        services.jobs.enqueue(HOME, {}, workspace_id=workspace_id, user_id=user_id)
    except JobRefused:
        logger.warning("App Home rebuild not queued")


def register(queue: JobQueue, services: Services, client_for: Callable[[str], WebClient]) -> None:
    def run(job: JobContext) -> None:
        publish_home(client_for(job.workspace_id), services, job.workspace_id, job.user_id)

    queue.define(JobKind(HOME, run, time_limit_seconds=60))
