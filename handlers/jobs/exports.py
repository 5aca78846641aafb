"""A member's reflection log exported as a file to their direct messages, as a job."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from slack_sdk import WebClient

from bot.i18n import catalog
from bot.jobs.queue import JobContext, JobKind, JobQueue
from bot.reflections.export import export_log
from bot.services import Services
from handlers.jobs.failures import failure_reason
from handlers.slack_calls import call_or_log

REFLECTION_EXPORT = "reflection_export"


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
