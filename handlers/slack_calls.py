"""Small wrappers around Web API calls that several listeners make."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View

if TYPE_CHECKING:
    from bot.services import Services
    from bot.teams import TeamProfile

logger = logging.getLogger(__name__)


# Answers that say "not now" rather than "no": a job that gets one is tried again later.
TRANSIENT_ERRORS = frozenset({"ratelimited", "internal_error", "fatal_error", "service_unavailable",
                              "request_timeout", "team_added_to_org"})


def is_transient(error: SlackApiError) -> bool:
    """True when Slack's refusal may go away by itself (rate limit, 5xx): worth a later try."""
    status = getattr(error.response, "status_code", 200) or 200
    return status >= 500 or status == 429 or error.response.get("error") in TRANSIENT_ERRORS


def post_in_channel(client: WebClient, channel_id: str, *, raise_transient: bool = False,
                    **message: Any) -> dict[str, Any] | None:
    """chat.postMessage; joins a public channel first if the bot is not in it yet.

    Refusals are logged and give None; with `raise_transient` (jobs), a refusal that may go away
    by itself is raised instead, so that the job is tried again.
    """
    try:
        return client.chat_postMessage(channel=channel_id, **message).data  # type: ignore[return-value]
    except SlackApiError as error:
        if raise_transient and is_transient(error):
            raise
        if error.response.get("error") != "not_in_channel":
            logger.warning("chat.postMessage failed: %s", error.response.get("error"))
            return None
    try:
        client.conversations_join(channel=channel_id)
        return client.chat_postMessage(channel=channel_id, **message).data  # type: ignore[return-value]
    except SlackApiError as error:
        if raise_transient and is_transient(error):
            raise
        logger.warning("could not post after joining: %s", error.response.get("error"))
        return None

def live_thread_ts(services: Services, team: TeamProfile) -> str | None:
    """The thread of the team's meeting under way, where the team is talking now; None between meetings."""
    live = services.meetings.live_meeting(team.id)
    return live.message_ts if live is not None and live.message_ts else None


def post_to_team(client: WebClient, services: Services, team: TeamProfile, **message: Any) -> dict[str, Any] | None:
    """A post in the live meeting's thread, or else in the team's channel."""
    thread_ts = live_thread_ts(services, team)
    return post_in_channel(client, team.channel_id, **message, **({"thread_ts": thread_ts} if thread_ts else {}))


def call_or_log(what: str, call: Any, *args: Any, **kwargs: Any) -> Any:
    """A Web API call from a job: a refusal for good is logged and gives None; a passing one is raised."""
    try:
        return call(*args, **kwargs)
    except SlackApiError as error:
        if is_transient(error):
            raise
        logger.warning("%s failed: %s", what, error.response.get("error"))
        return None


def open_modal(client: WebClient, trigger_id: str, view: View | dict[str, Any]) -> bool:
    """views.open; False (logged) when Slack refuses it, e.g. an expired trigger."""
    try:
        client.views_open(trigger_id=trigger_id, view=view)
    except SlackApiError as error:
        logger.warning("views.open failed: %s", error.response.get("error"))
        return False
    return True


def slack_user(client: WebClient, user_id: str, *, raise_transient: bool = False) -> dict[str, Any]:
    """The person's user object from users.info, with their locale; {} when Slack does not tell.

    Refusals are logged and give {}, and so does a failing network: where the person only fills in
    defaults (their timezone, language) that is never a reason to fail. With `raise_transient`
    (jobs, and answers that would be wrong without the person), a refusal that may go away by
    itself (rate limit, Slack down) and a failing network are raised instead.
    """
    try:
        reply = client.users_info(user=user_id, include_locale=True)
    except SlackApiError as error:
        if raise_transient and is_transient(error):
            raise
        logger.warning("users.info failed: %s", error.response.get("error"))
        return {}
    except Exception as error:  # noqa: BLE001 - see above
        if raise_transient:
            raise
        logger.warning("users.info failed: %r", error)
        return {}
    user = reply.get("user") if hasattr(reply, "get") else None
    return user if isinstance(user, dict) else {}


def user_language(client: WebClient, user_id: str) -> str | None:
    """The person's Slack locale as one of our languages, when Slack tells it. Asked where the answer
    picks the language of a whole reply (jobs, the portfolio): Slack's passing refusals are raised
    (`slack_user` with `raise_transient`), so the reply is tried again rather than sent in a guess."""
    from bot.settings import SUPPORTED_LANGUAGES

    locale = str(slack_user(client, user_id, raise_transient=True).get("locale") or "")[:2]
    return locale if locale in SUPPORTED_LANGUAGES else None
