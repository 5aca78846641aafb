"""What to tell a person whose job was given up: the reason in their words, never a traceback."""

from __future__ import annotations

from collections.abc import Callable

from slack_sdk import WebClient

from bot.i18n import Catalog
from bot.jobs.queue import JobContext, JobFailed
from bot.services import Services
from handlers.slack_calls import call_or_log


def failure_reason(texts: Catalog, error: str) -> str:
    """The last error of a job given up, said in the team's words (never a traceback)."""
    lowered = error.lower()
    if any(word in lowered for word in ("timeout", "timed out", "connection", "file host")):
        return texts.t("jobs.reasons.unreachable")
    if "slackapierror" in lowered:
        return texts.t("jobs.reasons.slack")
    if any(word in lowered for word in ("operationalerror", "database")):
        return texts.t("jobs.reasons.database")
    return texts.t("jobs.reasons.unknown")


def tell_asker(services: Services, client_for: Callable[[str], WebClient], what_key: str) -> JobFailed:
    """A job's `on_failure`: a direct message to whoever asked, saying what could not be done and why."""

    def failed(job: JobContext, reason: str) -> None:
        if not job.user_id:
            return
        team = services.teams.get(job.team_id) if job.team_id else None
        texts = services.catalog_for(team)
        call_or_log("chat.postMessage", client_for(job.workspace_id).chat_postMessage, channel=job.user_id,
                    text=texts.t("jobs.failed", what=texts.t(what_key), reason=failure_reason(texts, reason)))

    return failed
