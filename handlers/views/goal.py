"""The `/plc goal` form's submission: the team's SMART goal."""

from __future__ import annotations

from datetime import datetime

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.assessments.goals import Goal, check_goal, parse_standards
from bot.services import Services
from handlers.form_state import view_values
from handlers.render.assessment_policy import (
    DUE_BLOCK,
    GOAL_CALLBACK,
    STANDARDS_BLOCK,
    TARGET_BLOCK,
    goal_statement,
    read_goal,
)
from handlers.render.setup import read_metadata
from handlers.slack_calls import post_in_channel
from handlers.views.team_settings import submitter

FIELDS = {"standards": STANDARDS_BLOCK, "target": TARGET_BLOCK, "due_on": DUE_BLOCK}


def register(app: App, services: Services) -> None:
    @app.view(GOAL_CALLBACK)
    def submit_goal(ack: Ack, view: dict, body: dict, client: WebClient, context: dict) -> None:
        team = services.teams.find(context.get("team_id") or "", read_metadata(view).get("channel_id", ""))
        texts = services.catalog_for(team)
        if team is None:
            ack(response_action="errors", errors={STANDARDS_BLOCK: texts.t("goal.form_expired")})
            return
        draft = read_goal(view_values(view))
        standards = parse_standards(draft.standards_text)
        problems = check_goal(standards, draft.target_percent, draft.due_on, datetime.now(team.zone).date())
        if problems:
            ack(response_action="errors", errors={FIELDS[field]: texts.t(key) for field, key in problems.items()})
            return
        assert draft.target_percent is not None and draft.due_on is not None
        user_id = submitter(body, context)
        goal = Goal(standards, draft.target_percent, draft.due_on, user_id)
        services.assessments.set_goal(team.id, goal)
        ack()
        statement = goal_statement(texts, goal, services.assessments.policy(team.id))
        post_in_channel(client, team.channel_id, text=texts.t("goal.saved", user=user_id, statement=statement))
