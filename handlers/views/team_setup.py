"""The team setup modal: opening it, and storing the team when it is submitted."""

from __future__ import annotations

import logging

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.i18n import Catalog, catalog
from bot.services import Services
from bot.settings import SUPPORTED_LANGUAGES
from bot.teams.service import canonical_timezone, is_valid_timezone
from handlers.render.setup import CALLBACK_ID, FIELDS, SetupDefaults, read_draft, read_metadata, setup_modal
from handlers.render.team import team_summary_blocks
from handlers.slack_calls import open_modal, post_in_channel, slack_user

logger = logging.getLogger(__name__)


def open_setup_modal(
    client: WebClient, services: Services, *, trigger_id: str, workspace_id: str, channel_id: str, user_id: str
) -> bool:
    """Open the setup modal, pre-filled from the team (editing) or the caller's profile (new)."""
    team = services.teams.find(workspace_id, channel_id)
    if team is not None:
        texts = catalog(team.language)
        defaults = SetupDefaults.from_team(team)
    else:
        profile = slack_user(client, user_id)  # the caller's timezone and locale, or {}
        locale = str(profile.get("locale") or "")[:2]
        texts = services.catalog_for(language=locale if locale in SUPPORTED_LANGUAGES else None)
        timezone = canonical_timezone(str(profile.get("tz") or ""))
        defaults = SetupDefaults.for_new_team(texts, user_id, timezone if is_valid_timezone(timezone) else "UTC")
    view = setup_modal(texts, defaults, channel_id=channel_id, editing=team is not None)
    return open_modal(client, trigger_id, view)


def field_errors(texts: Catalog, errors: dict[str, str]) -> dict[str, str]:
    """Service field errors -> Slack's `response_action: errors` (block_id -> text)."""
    return {FIELDS[field][0]: texts.t(key) for field, key in errors.items()}


def register(app: App, services: Services) -> None:
    @app.view(CALLBACK_ID)
    def submit_team_setup(ack: Ack, view: dict, body: dict, client: WebClient, context: dict) -> None:
        meta = read_metadata(view)
        texts = services.catalog_for(language=meta.get("language"))
        state = view.get("state")
        values = state.get("values") if isinstance(state, dict) else None
        channel_id = meta.get("channel_id", "")
        workspace_id = context.get("team_id") or ""
        user_id = context.get("user_id") or ""
        if not channel_id or not workspace_id or not isinstance(values, dict):
            ack(response_action="errors", errors={FIELDS["name"][0]: texts.t("setup.errors.form_expired")})
            return
        draft = read_draft(values)
        errors = services.teams.validate(draft)
        if errors:
            ack(response_action="errors", errors=field_errors(texts, errors))
            return
        try:
            team = services.teams.save(workspace_id, channel_id, draft, by_user=user_id)
        except Exception:
            logger.exception("saving the team failed")
            ack(response_action="errors", errors={FIELDS["name"][0]: texts.t("setup.errors.save_failed")})
            return
        ack()
        team_texts = catalog(team.language)
        post_in_channel(
            client, channel_id,
            text=team_texts.t("team.saved", name=team.name),
            blocks=team_summary_blocks(team_texts, team, services.coaches.coaches_of(workspace_id, team.id)),
        )
