"""Commitment buttons: "Commit" in the meeting message; Done / Need more time / Drop in the due-date DM and
in the App Home's menu beside each open commitment."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.commitments.service import Change, CommitmentView, local_today
from bot.services import Services
from bot.teams import TeamProfile
from handlers.actions import payload
from handlers.commitment_flow import owned_commitment
from handlers.jobs.commitments import request_answer
from handlers.jobs.home import request_home
from handlers.render.commitments import (
    COMMIT_ACTION,
    DONE_ACTION,
    DROP_ACTION,
    MORE_TIME_ACTION,
    commit_modal,
    drop_modal,
    more_time_modal,
)
from handlers.render.home import COMMITMENT_MENU_ACTION, MENU_DONE, MENU_DROP, MENU_MORE_TIME


def register(app: App, services: Services) -> None:
    def owned(body: dict, respond: Respond, context: dict) -> tuple[CommitmentView, TeamProfile] | None:
        """The button's commitment and team, when the one who clicked owns it (else they are told)."""
        found = owned_commitment(services, payload.action_value(body), payload.user_id(body),
                                 context.get("team_id") or "")
        if isinstance(found, str):
            respond(text=found, response_type="ephemeral", replace_original=False)
            return None
        return found

    @app.action(COMMIT_ACTION)
    def open_commit_form(ack: Ack, body: dict, client: WebClient, context: dict) -> None:
        ack()
        team = services.teams.find(context.get("team_id") or "", payload.channel_id(body))
        if team is None:
            return
        meeting = payload.action_value(body)
        client.views_open(trigger_id=body.get("trigger_id") or "",
                          view=commit_modal(services.catalog_for(team), team.channel_id, payload.user_id(body),
                                            meeting if meeting.isdigit() else None))

    @app.action(DONE_ACTION)
    def done(ack: Ack, body: dict, respond: Respond, context: dict) -> None:
        found = owned_commitment(services, payload.action_value(body), payload.user_id(body),
                                 context.get("team_id") or "")
        if isinstance(found, str):
            ack()
            respond(text=found, response_type="ephemeral", replace_original=False)
            return
        commitment, team = found
        change = services.commitments.mark_done(commitment.id, payload.user_id(body))
        if change is not None:  # what the answer shows is queued before Slack hears the ack
            request_answer(services, team, change, payload.channel_id(body), payload.message_ts(body))
        ack()

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
                request_answer(services, team, Change(commitment, False), channel_id, message_ts)
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

    @app.action(COMMITMENT_MENU_ACTION)
    def home_menu(ack: Ack, body: dict, client: WebClient, context: dict) -> None:
        """The App Home's menu: Done closes the commitment there and then; the others open their form.
        The Home is rebuilt afterwards (also when the commitment is no longer the clicker's or is gone)."""
        ack()
        workspace_id, user_id = context.get("team_id") or "", payload.user_id(body, context)
        what, _, commitment_id = payload.chosen_option(body).partition(":")
        found = owned_commitment(services, commitment_id, user_id, workspace_id)
        if not isinstance(found, str) and found[0].is_open:
            commitment, team = found
            texts = services.catalog_for(team)
            if what == MENU_DONE:
                change = services.commitments.mark_done(commitment.id, user_id)
                if change is not None:
                    request_answer(services, team, change, "", "")
            elif what in (MENU_MORE_TIME, MENU_DROP):
                view = (more_time_modal(texts, commitment, local_today(team.timezone), "", "", from_home=True)
                        if what == MENU_MORE_TIME else drop_modal(texts, commitment, "", "", from_home=True))
                client.views_open(trigger_id=body.get("trigger_id") or "", view=view)
                return
        request_home(services, workspace_id, user_id)
