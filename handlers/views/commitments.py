"""Commitment modals: a new commitment (meeting thread), more time, drop (due-date DM)."""

from __future__ import annotations

from slack_bolt import Ack, App

from bot.commitments.service import Change, CommitmentError, CommitmentView
from bot.services import Services
from bot.teams import TeamProfile
from handlers.commitment_flow import owned_commitment
from handlers.form_state import date_value, entry, view_values
from handlers.jobs.commitments import request_announce, request_answer
from handlers.jobs.home import request_home
from handlers.render.commitments import (
    DROP_CALLBACK,
    DUE_BLOCK,
    MORE_TIME_CALLBACK,
    NEW_CALLBACK,
    OWNER_BLOCK,
    REASON_BLOCK,
    TEXT_BLOCK,
    error_text,
)
from handlers.render.setup import read_metadata


def _text(values: dict, block_id: str, action_id: str) -> str:
    value = entry(values, block_id, action_id).get("value")
    return " ".join(value.split()) if isinstance(value, str) else ""


def _slack_escaped(text: str) -> str:
    """Text typed into a form, escaped as Slack escapes what people type (commitments are kept that way)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def register(app: App, services: Services) -> None:
    @app.view(NEW_CALLBACK)
    def submit_commitment(ack: Ack, view: dict, context: dict) -> None:
        team = services.teams.find(context.get("team_id") or "", read_metadata(view).get("channel_id", ""))
        texts = services.catalog_for(team)
        values = view_values(view)
        text = _text(values, TEXT_BLOCK, "text")
        owner = entry(values, OWNER_BLOCK, "owner").get("selected_user")
        user_id = context.get("user_id") or ""
        if team is None:
            ack(response_action="errors", errors={TEXT_BLOCK: texts.t("setup.errors.form_expired")})
            return
        if not text:
            ack(response_action="errors", errors={TEXT_BLOCK: texts.t("commitments.errors.empty")})
            return
        try:
            commitment = services.commitments.create(team.id, _slack_escaped(text),
                                                     owner if isinstance(owner, str) else None,
                                                     user_id, date_value(values, DUE_BLOCK, "due"))
        except CommitmentError as error:
            block = DUE_BLOCK if error.key == "commitments.errors.past_date" else TEXT_BLOCK
            ack(response_action="errors", errors={block: error_text(texts, error.key, error.params)})
            return
        ack()
        request_announce(services, team, commitment)

    def owned(ack: Ack, view: dict, context: dict, block_id: str) -> tuple[CommitmentView, TeamProfile] | None:
        """The commitment of a DM or App Home form and its team; else None, the form refused with the reason
        under `block_id`."""
        found = owned_commitment(services, read_metadata(view).get("commitment_id", ""),
                                 context.get("user_id") or "", context.get("team_id") or "")
        if isinstance(found, str):
            ack(response_action="errors", errors={block_id: found})
            return None
        return found

    def answered(team: TeamProfile, change: Change | None, view: dict, context: dict) -> None:
        """Update the reminder the form came from, tell the team, and rebuild the App Home it came from."""
        meta = read_metadata(view)
        if change is not None:
            request_answer(services, team, change, meta.get("channel_id", ""), meta.get("ts", ""))
        if meta.get("home"):
            request_home(services, context.get("team_id") or "", context.get("user_id") or "")

    @app.view(MORE_TIME_CALLBACK)
    def submit_more_time(ack: Ack, view: dict, context: dict) -> None:
        found = owned(ack, view, context, DUE_BLOCK)
        if found is None:
            return
        commitment, team = found
        texts = services.catalog_for(team)
        new_due = date_value(view_values(view), DUE_BLOCK, "due")
        if new_due is None:
            ack(response_action="errors", errors={DUE_BLOCK: texts.t("commitments.errors.no_date")})
            return
        try:  # a day already past is refused by the service
            change = services.commitments.more_time(commitment.id, new_due, context.get("user_id") or "")
        except CommitmentError as error:
            ack(response_action="errors", errors={DUE_BLOCK: error_text(texts, error.key, error.params)})
            return
        ack()
        answered(team, change, view, context)

    @app.view(DROP_CALLBACK)
    def submit_drop(ack: Ack, view: dict, context: dict) -> None:
        found = owned(ack, view, context, REASON_BLOCK)
        if found is None:
            return
        commitment, team = found
        texts = services.catalog_for(team)
        reason = _text(view_values(view), REASON_BLOCK, "reason")
        if not reason:
            ack(response_action="errors", errors={REASON_BLOCK: texts.t("commitments.errors.no_reason")})
            return
        change = services.commitments.drop(commitment.id, _slack_escaped(reason), context.get("user_id") or "")
        ack()
        answered(team, change, view, context)
