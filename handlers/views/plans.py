"""The action-plan form's submission: checked, saved in one transaction, then told by a job."""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import Ack, App

from bot.jobs.queue import JobRefused
from bot.plans.service import PlanError
from bot.services import Services
from handlers.form_state import view_values
from handlers.jobs.plans import request_announce
from handlers.render.plans import PLAN_CALLBACK, block_id, read_plan
from handlers.views.team_settings import submitter

logger = logging.getLogger(__name__)


def plan_metadata(view: dict) -> dict[str, Any]:
    """The channel, assessment and group keys the form was opened with; {} when garbled."""
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except (TypeError, ValueError):
        return {}
    return meta if isinstance(meta, dict) else {}


def register(app: App, services: Services) -> None:
    @app.view(PLAN_CALLBACK)
    def submit_plan(ack: Ack, view: dict, body: dict, context: dict) -> None:
        metadata = plan_metadata(view)
        team = services.teams.find(context.get("team_id") or "", str(metadata.get("channel_id") or ""))
        texts = services.catalog_for(team)
        keys = metadata.get("groups")
        keys = [str(k) for k in keys] if isinstance(keys, list) else []
        first = block_id(0, "owner")
        if team is None or not keys or not isinstance(metadata.get("assessment_id"), int):
            ack(response_action="errors", errors={first: texts.t("plans.errors.assessment_gone")})
            return
        inputs, places = read_plan(view_values(view), keys)
        try:
            plan = services.plans.save(team.id, int(metadata["assessment_id"]), inputs, submitter(body, context))
        except PlanError as problem:
            place = places[problem.group] if problem.group is not None and problem.group < len(places) else 0
            ack(response_action="errors",
                errors={block_id(place, problem.field): texts.t(problem.key, **problem.params)})
            return
        ack()
        saved = [g.id for g in plan.groups if g.key in {i.key for i in inputs} and g.status == "open"]
        try:
            request_announce(services, team, plan.id, saved, submitter(body, context))
        except JobRefused:
            logger.error("action plan %s saved but not announced: the job queue refused it", plan.id)
