"""Commitment buttons: "Commit" in the meeting message; Done / Need more time / Drop in the due-date DM."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.commitments.service import Change, CommitmentView, local_today
from bot.services import Services
from bot.teams import TeamProfile
from handlers.actions import payload
from handlers.commitment_flow import show_answer
from handlers.render.commitments import (
    COMMIT_ACTION,
    DONE_ACTION,
    DROP_ACTION,
    MORE_TIME_ACTION,
    commit_modal,
    drop_modal,
    mention,
    more_time_modal,
)


def _value(body: dict) -> str:
    actions = body.get("actions") or [{}]
    value = actions[0].get("value") if isinstance(actions[0], dict) else None
    return value if isinstance(value, str) else ""








def register(app: App, services: Services) -> None:
    def owned(body: dict, respond: Respond, context: dict) -> tuple[CommitmentView, TeamProfile] | None:
        """The button's commitment and team, when the one who clicked owns it (else they are told)."""
        value = _value(body)
        commitment = services.commitments.get(int(value)) if value.isdigit() else None
        team = services.teams.get(commitment.team_id) if commitment is not None else None
        if commitment is None or team is None or team.workspace_id != (context.get("team_id") or ""):
            respond(text=services.catalog_for(None).t("commitments.errors.not_found"), response_type="ephemeral",
                    replace_original=False)
            return None
        if payload.user_id(body) != commitment.owner_id:
            respond(text=services.catalog_for(team).t("commitments.errors.not_owner",
                                                      owner=mention(commitment.owner_id)),
                    response_type="ephemeral", replace_original=False)
            return None
        return commitment, team

    @app.action(COMMIT_ACTION)
    def open_commit_form(ack: Ack, body: dict, client: WebClient, context: dict) -> None:
        ack()
        team = services.teams.find(context.get("team_id") or "", payload.channel_id(body))
        if team is None:
            return
        meeting = _value(body)
        client.views_open(trigger_id=body.get("trigger_id") or "",
                          view=commit_modal(services.catalog_for(team), team.channel_id, payload.user_id(body),
                                            meeting if meeting.isdigit() else None))

    @app.action(DONE_ACTION)
    def done(ack: Ack, body: dict, client: WebClient, respond: Respond, context: dict) -> None:
        ack()
        found = owned(body, respond, context)
        if found is None:
            return
        commitment, team = found
        change = services.commitments.mark_done(commitment.id, payload.user_id(body))
        if change is not None:
            show_answer(client, services, team, change, payload.channel_id(body), payload.message_ts(body))

    def opens_form(action_id: str) -> Callable[..., None]:
        """Need more time / Drop: a form for the owner, unless the commitment was closed meanwhile."""
        def open_form(ack: Ack, body: dict, client: WebClient, respond: Respond, context: dict) -> None:
            ack()
            found = owned(body, respond, context)
            if found is None:
                return
            commitment, team = found
            channel_id, message_ts = payload.channel_id(body), payload.message_ts(body)
            if not commitment.is_open:  # answered already (another click, another device): say so
                show_answer(client, services, team, Change(commitment, False), channel_id, message_ts)
                return
            texts = services.catalog_for(team)
            if action_id == MORE_TIME_ACTION:
                view = more_time_modal(texts, commitment, local_today(team.timezone), channel_id, message_ts)
            else:
                view = drop_modal(texts, commitment, channel_id, message_ts)
            client.views_open(trigger_id=body.get("trigger_id") or "", view=view)
        return open_form

    app.action(MORE_TIME_ACTION)(opens_form(MORE_TIME_ACTION))
    app.action(DROP_ACTION)(opens_form(DROP_ACTION))
