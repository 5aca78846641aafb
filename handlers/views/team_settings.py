"""The `/plc settings` form's submission: focus keeper and data settings, by a facilitator."""

from __future__ import annotations

from datetime import datetime

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.assessments.policy import AssessmentPolicy, check_policy
from bot.focus.keeper import FocusSettings, check_focus_settings
from bot.services import Services
from handlers.form_state import checked_values, view_values
from handlers.render.assessment_policy import BELOW_BLOCK, FROM_BLOCK, RETENTION_BLOCK, YEAR_END_BLOCK, read_settings
from handlers.render.focus import COOLDOWN_BLOCK, MODE_BLOCK, read_focus_settings
from handlers.render.setup import read_metadata
from handlers.render.team_settings import SETTINGS_CALLBACK, SHARE, SHARE_BLOCK, settings_text

FIELDS = {"intervention_below": BELOW_BLOCK, "extension_from": FROM_BLOCK, "retention_days": RETENTION_BLOCK,
          "school_year_end": YEAR_END_BLOCK, "focus_mode": MODE_BLOCK, "focus_cooldown": COOLDOWN_BLOCK}


def submitter(body: dict, context: dict) -> str:
    return context.get("user_id") or (body.get("user") or {}).get("id") or ""


def register(app: App, services: Services) -> None:
    @app.view(SETTINGS_CALLBACK)
    def submit_settings(ack: Ack, view: dict, body: dict, client: WebClient, context: dict) -> None:
        team = services.teams.find(context.get("team_id") or "", read_metadata(view).get("channel_id", ""))
        texts = services.catalog_for(team)
        user_id = submitter(body, context)
        if team is None:
            ack(response_action="errors", errors={MODE_BLOCK: texts.t("team_settings.form_expired")})
            return
        if user_id not in team.facilitator_ids:
            ack(response_action="errors", errors={MODE_BLOCK: texts.t("team_settings.not_facilitator")})
            return
        values = view_values(view)
        draft = read_settings(values)
        mode, in_channel, cooldown = read_focus_settings(values)
        problems = check_policy(draft.intervention_below, draft.extension_from, draft.retention_days,
                                draft.school_year_end)
        if not draft.retention_valid:
            problems["retention_days"] = "assessment_settings.errors.retention"
        problems.update(check_focus_settings(mode, cooldown))
        if problems:
            ack(response_action="errors", errors={FIELDS[field]: texts.t(key) for field, key in problems.items()})
            return
        assert draft.intervention_below is not None and draft.extension_from is not None
        assert mode is not None and cooldown is not None
        policy = AssessmentPolicy(draft.intervention_below, draft.extension_from, draft.retention_days,
                                  draft.school_year_end)
        focus = FocusSettings(mode, in_channel, int(cooldown))
        services.assessments.set_policy(team.id, policy)
        services.focus.set_settings(team.id, focus)
        share = SHARE in checked_values(values, SHARE_BLOCK)
        services.library.set_sharing(team.id, share)
        ack()
        today = datetime.now(team.zone).date()
        saved = settings_text(texts, focus, policy, today, heading="team_settings.saved_heading", share=share)
        client.chat_postEphemeral(channel=team.channel_id, user=user_id, text=saved)
