"""The App Home tab of one person, rebuilt with views.publish: when they open it, and after they act on it."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.i18n import Catalog
from bot.services import Services
from bot.settings import SUPPORTED_LANGUAGES
from handlers.render.home import home_view

logger = logging.getLogger(__name__)


def _slack_language(client: WebClient, user_id: str) -> str | None:
    """The person's Slack locale as one of our languages, when Slack tells it."""
    try:
        user = client.users_info(user=user_id, include_locale=True).get("user") or {}
    except SlackApiError as error:
        logger.warning("users.info failed: %s", error.response.get("error"))
        return None
    locale = str(user.get("locale") or "")[:2] if isinstance(user, dict) else ""
    return locale if locale in SUPPORTED_LANGUAGES else None


def publish_home(client: WebClient, services: Services, workspace_id: str, user_id: str) -> None:
    """Build the person's Home from their teams (in their first team's language, else their Slack locale)."""
    data = services.home.home(workspace_id, user_id)
    texts: Catalog = services.catalog_for(language=data.language or _slack_language(client, user_id))
    try:
        client.views_publish(user_id=user_id, view=home_view(texts, data))
    except SlackApiError as error:
        logger.warning("views.publish failed: %s", error.response.get("error"))
