"""The Details button beside each team on a coach's App Home: the team's full row in a modal, its chart by DM.

Only a coach of that team may open it (a forged button, or a coach no longer supporting the team, is
refused by direct message). The chart is drawn by a job (handlers/jobs/coach.py), queued before the ack.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.coaching.home import supports
from bot.jobs.queue import JobRefused
from bot.services import Services
from handlers.actions import payload
from handlers.jobs.coach import COACH_CHART
from handlers.render.coach_home import DETAILS_ACTION, details_modal
from handlers.slack_calls import call_or_log, open_modal

logger = logging.getLogger(__name__)


def register(app: App, services: Services) -> None:
    @app.action(DETAILS_ACTION)
    def details(ack: Ack, body: dict, client: WebClient, context: dict) -> None:
        workspace_id = context.get("team_id") or ""
        user_id = payload.user_id(body, context)
        team_id = payload.action_number(body)
        coach = supports(services.coaches, workspace_id, user_id, team_id) if team_id is not None else None
        if coach is not None:
            try:
                services.jobs.enqueue(COACH_CHART, {}, workspace_id=workspace_id, team_id=team_id, user_id=user_id)
            except JobRefused:
                logger.warning("coach chart not queued")
        ack()
        if coach is None or team_id is None:
            team = services.teams.get(team_id) if team_id is not None else None
            texts = services.catalog_for(team if team is not None and team.workspace_id == workspace_id else None)
            call_or_log("chat.postMessage (DM)", client.chat_postMessage, channel=user_id,
                        text=texts.t("coach_home.refused.not_coach"))
            return
        row = services.reports.row(team_id, datetime.now(UTC))
        if row is not None:
            texts = services.catalog_for(language=coach.language)
            open_modal(client, body.get("trigger_id") or "", details_modal(texts, row, coach.zone))
