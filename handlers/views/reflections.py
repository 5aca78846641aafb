"""The reflection form's submission: keep it in the member's log; post it only when they share it."""

from __future__ import annotations

import contextlib

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.reflections.service import prompts_for
from bot.services import Services
from handlers.reflection_flow import share
from handlers.render.reflections import CALLBACK_ID, TEXT_BLOCK, read_reflection


def register(app: App, services: Services) -> None:
    @app.view(CALLBACK_ID)
    def submit_reflection(ack: Ack, view: dict, client: WebClient, context: dict) -> None:
        text, shared, meta = read_reflection(view)
        channel_id = meta.get("channel_id") if isinstance(meta.get("channel_id"), str) else ""
        team = services.teams.find(context.get("team_id") or "", channel_id)
        texts = services.catalog_for(team)
        user_id = context.get("user_id") or ""
        if team is None or not user_id:
            ack(response_action="errors", errors={TEXT_BLOCK: texts.t("setup.errors.form_expired")})
            return
        if not text:
            ack(response_action="errors", errors={TEXT_BLOCK: texts.t("reflections.modal.empty")})
            return
        raw_meeting = meta.get("meeting_id")
        meeting = services.meetings.get(raw_meeting) if isinstance(raw_meeting, int) else None
        meeting_id = meeting.id if meeting is not None and meeting.team_id == team.id else None
        protocol = meeting.protocol if meeting is not None and meeting_id is not None else None
        prompts = prompts_for(protocol, team.language)
        entry = services.reflections.save(team.id, user_id, text, meeting_id=meeting_id, prompt="\n".join(prompts),
                                          shared=shared)
        ack()
        if shared:
            share(client, services, team, entry)
        saved = "reflections.saved.shared" if shared else "reflections.saved.private"
        with contextlib.suppress(SlackApiError):  # a confirmation only: the reflection is saved either way
            client.chat_postEphemeral(channel=team.channel_id, user=user_id, text=texts.t(saved))
