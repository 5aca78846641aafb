"""Files sent to a person's direct messages, as jobs: a member's reflection log, a coach's export of their
teams' term (`/plc coach export`), a member's portfolio (`/plc portfolio`). Each file is sent once per job."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.i18n import Catalog, catalog
from bot.jobs.queue import JobContext, JobKind, JobQueue
from bot.reflections.export import export_log
from bot.services import Services
from handlers.jobs.failures import failure_reason
from handlers.slack_calls import call_or_log, user_language

REFLECTION_EXPORT = "reflection_export"
COACH_EXPORT = "coach_export"
PORTFOLIO = "portfolio"
logger = logging.getLogger(__name__)


def send_file(client: WebClient, user_id: str, content: bytes, filename: str, comment: str) -> None:
    """Upload a file into the app's direct messages with `user_id` only (`channels` takes user ids there).

    Slack's refusal is raised: the job is tried again, and the person is told when it is given up."""
    try:
        client.files_upload_v2(channels=[user_id], content=content, filename=filename, title=filename,
                               initial_comment=comment)
    except SlackApiError as error:
        logger.warning("files.uploadV2 failed: %s", error.response.get("error"))
        raise


def channel_name(client: WebClient, channel_id: str) -> str | None:
    """The channel's name as Slack says it (None when it does not)."""
    reply = call_or_log("conversations.info", client.conversations_info, channel=channel_id) or {}
    found = reply.get("channel") if hasattr(reply, "get") else None
    name = found.get("name") if isinstance(found, dict) else None
    return str(name) if name else None


def register(queue: JobQueue, services: Services, client_for: Callable[[str], WebClient]) -> None:
    def run(job: JobContext) -> None:
        client = client_for(job.workspace_id)
        texts = catalog(str(job.payload.get("language") or services.settings.default_language))
        entries = services.reflections.log(job.workspace_id, job.user_id)
        if not entries:
            return
        now = datetime.now(UTC)
        exported = export_log(entries, texts, str(job.payload.get("format") or "markdown"), now)
        # `channels` takes user ids: the file goes to the app's direct messages with the member only.
        job.once("file", lambda: call_or_log(
            "files.uploadV2", client.files_upload_v2, channels=[job.user_id], content=exported.content,
            filename=exported.filename, title=exported.filename,
            initial_comment=texts.t("reflections.export.comment", count=exported.count, date=texts.date(now.date()))))

    def failed(job: JobContext, reason: str) -> None:
        texts = catalog(str(job.payload.get("language") or services.settings.default_language))
        call_or_log("chat.postMessage", client_for(job.workspace_id).chat_postMessage, channel=job.user_id,
                    text=texts.t("jobs.export_failed", reason=failure_reason(texts, reason)))

    queue.define(JobKind(REFLECTION_EXPORT, run, failed, time_limit_seconds=120))

    def coach_export(job: JobContext) -> None:
        from bot.coaching.export import export_terms

        coach = services.coaches.get(job.workspace_id, job.user_id)
        if coach is None:  # no longer a coach: nothing to send
            return
        team_ids = services.coaches.team_ids(coach)
        if not team_ids:
            return
        texts, client, now = catalog(coach.language), client_for(job.workspace_id), datetime.now(UTC)
        rows = services.reports.rows(team_ids, now)
        names = {row.channel_id: name for row in rows if (name := channel_name(client, row.channel_id))}
        exported = export_terms(services.coach_export.terms(rows, names), texts,
                                str(job.payload.get("format") or "csv"), now)
        comment = texts.t("coach_export.comment", count=exported.count, date=texts.date(now.date()))
        job.once("file", lambda: send_file(client, job.user_id, exported.content, exported.filename, comment))

    def coach_failed(job: JobContext, reason: str) -> None:
        coach = services.coaches.get(job.workspace_id, job.user_id)
        texts = catalog(coach.language if coach is not None else services.settings.default_language)
        _tell(job, texts.t("coach_export.failed", reason=failure_reason(texts, reason)))

    def portfolio(job: JobContext) -> None:
        from bot.portfolio.document import portfolio_file

        client, now = client_for(job.workspace_id), datetime.now(UTC)
        texts = portfolio_texts(job, client)
        found = services.portfolio.gather(job.workspace_id, job.user_id, now)
        if found.empty:
            return
        exported = portfolio_file(found, texts, str(job.payload.get("format") or "markdown"), now)
        comment = texts.t("portfolio.comment", date=texts.date(now.date()))
        job.once("file", lambda: send_file(client, job.user_id, exported.content, exported.filename, comment))

    def portfolio_texts(job: JobContext, client: WebClient) -> Catalog:
        """The member's language: their first team's (chosen when the job was asked for), else their Slack
        locale."""
        language = job.payload.get("language") or user_language(client, job.user_id)
        return services.catalog_for(language=str(language) if language else None)

    def portfolio_failed(job: JobContext, reason: str) -> None:
        texts = portfolio_texts(job, client_for(job.workspace_id))
        _tell(job, texts.t("portfolio.failed", reason=failure_reason(texts, reason)))

    def _tell(job: JobContext, text: str) -> None:
        call_or_log("chat.postMessage", client_for(job.workspace_id).chat_postMessage, channel=job.user_id, text=text)

    queue.define(JobKind(COACH_EXPORT, coach_export, coach_failed, time_limit_seconds=300))
    queue.define(JobKind(PORTFOLIO, portfolio, portfolio_failed, time_limit_seconds=300))
