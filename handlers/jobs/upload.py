"""The upload job's Slack side: the port through which bot/assessments/upload.py fetches and speaks.

Each visible effect is done once per job (`JobContext.once`): the channel summary, the chart, the
uploader's ephemeral lists, each facilitator's DM and any refusal. The channel sees aggregates only;
student names go to the uploader (their own students) and to the team's facilitators.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import requests
from slack_sdk import WebClient
from slack_sdk.models.blocks import ActionsBlock, Block, MarkdownTextObject, SectionBlock

from bot.assessments.upload import FileGone, TooLarge, UploadRequest, run_upload
from bot.i18n import Catalog
from bot.jobs.queue import JobContext, JobKind, JobQueue
from bot.services import Services
from bot.teams import TeamProfile
from handlers.jobs.failures import failure_reason
from handlers.jobs.plans import request_measure
from handlers.render.assessment_policy import goal_summary_line, growth_lines
from handlers.render.assessments import channel_summary, column_question, student_lists
from handlers.render.meeting import MAX_SECTION
from handlers.render.plans import plan_button
from handlers.slack_calls import call_or_log, live_thread_ts, post_in_channel, slack_user

if TYPE_CHECKING:  # pandas and matplotlib load on the first upload, not when a worker starts
    import pandas as pd

    from bot.assessments.analysis import Analysis
    from bot.assessments.item_standards import MapProblem, MapReport
    from bot.assessments.readers import ReadProblem
    from bot.assessments.service import StoreOutcome

logger = logging.getLogger(__name__)
UPLOAD = "upload"
DOWNLOAD_TIMEOUT = 30
CHUNK = 64 * 1024


def download(token: str | None, url: str, limit: int) -> bytes:
    """The file's bytes, fetched with the bot token: TooLarge past `limit`; FileGone when refused for
    good (a wrong token is redirected to a login page, a deleted file is 404); a slow or failing
    host raises requests' or OSError's exceptions, and the job is tried again."""
    headers = {"Authorization": f"Bearer {token}"}
    with requests.get(url, headers=headers, timeout=DOWNLOAD_TIMEOUT, stream=True, allow_redirects=False) as reply:
        if reply.status_code >= 500 or reply.status_code == 429:
            raise OSError(f"file host answered {reply.status_code}")
        if reply.status_code != 200:
            raise FileGone(f"download answered {reply.status_code}")
        data = bytearray()
        for chunk in reply.iter_content(CHUNK):
            data += chunk
            if len(data) > limit:
                raise TooLarge
        return bytes(data)


def summary_blocks(texts: Catalog, text: str, name: str, *, has_standards: bool) -> list[Block] | None:
    """The summary with its "Make an action plan" button (when the assessment has standards to plan by)."""
    if not has_standards or len(text) > MAX_SECTION:
        return None
    return [SectionBlock(text=MarkdownTextObject(text=text)),
            ActionsBlock(block_id="upload_plan", elements=[plan_button(texts, name)])]


def display_names(client: WebClient, user_ids: list[str]) -> dict[str, str]:
    names = {}
    for user_id in user_ids:
        user = slack_user(client, user_id, raise_transient=True)
        profile = user.get("profile") or {}
        names[user_id] = (profile.get("display_name") or user.get("real_name") or user.get("name") or user_id)
    return names


def progress_lines(services: Services, team: TeamProfile, texts: Catalog, name: str,
                   results: pd.DataFrame) -> list[str]:
    """Growth by standard since earlier assessments, and where this assessment puts the team's goal."""
    from bot.assessments.goals import goal_point

    lines = growth_lines(texts, services.assessments.growth(team.id, name))
    goal = services.assessments.goal(team.id)
    if goal is not None:
        info = next((i for i in services.assessments.list(team.id) if i.name == name.strip()), None)
        given_on = (info.taken_on if info else None) or datetime.now(team.zone).date()
        point = goal_point(name, given_on, results, goal, services.assessments.policy(team.id).thresholds())
        if point is not None:
            lines += ["", goal_summary_line(texts, goal, point)]
    return lines


class SlackUploadPort:
    """UploadPort over the Web API, each effect once per job."""

    def __init__(self, job: JobContext, client: WebClient, services: Services, team: TeamProfile) -> None:
        self.job, self.client, self.services, self.team = job, client, services, team
        self.texts = services.catalog_for(team)
        # Where the team is talking now: the meeting's thread during a meeting, else the channel.
        # Read once, so the summary and the chart land together even if the meeting ends meanwhile.
        self._thread_ts = live_thread_ts(services, team)

    def _in_thread(self) -> dict[str, str]:
        return {"thread_ts": self._thread_ts} if self._thread_ts else {}

    def _ephemeral(self, name: str, text: str, **extra: Any) -> None:
        self.job.once(name, lambda: call_or_log("chat.postEphemeral", self.client.chat_postEphemeral,
                                                channel=self.team.channel_id, user=self.job.user_id, text=text,
                                                **extra))

    def fetch(self, url: str, limit: int) -> bytes:
        return download(self.client.token, url, limit)

    def refuse(self, key: str, **params: Any) -> None:
        self._ephemeral("refused", self.texts.t(key, **params))

    def refuse_read(self, problem: ReadProblem, file_name: str) -> None:
        from bot.assessments.cli import read_message

        self._ephemeral("refused", read_message(self.texts, problem.key, dict(problem.params or {}), file_name))

    def refuse_map(self, problem: MapProblem, file_name: str) -> None:
        reason = self.texts.t(problem.key, **problem.params)
        self._ephemeral("refused", self.texts.t("upload.map.refused", file=file_name, reason=reason))

    def ask_column(self, problem: ReadProblem, request: UploadRequest) -> bool:
        from bot.assessments.upload import CHOOSE_COLUMN
        from handlers.render.assessments import UploadDraft

        columns = (problem.params or {}).get("columns")
        if (problem.key.rpartition(".")[2] != CHOOSE_COLUMN or not isinstance(columns, list) or not columns
                or not request.file_id):
            return False
        draft = UploadDraft(file=None, name=request.name, taken_on=request.taken_on, column=request.column,
                            column_index=request.column_index, covers=request.covers)
        text, blocks = column_question(self.texts, file_id=request.file_id, file_name=request.file_name,
                                       draft=draft, columns=[str(c) for c in columns])
        self._ephemeral("ask_column", text, blocks=blocks)
        return True

    def summary(self, request: UploadRequest, outcome: StoreOutcome, analysis: Analysis,
                results: pd.DataFrame, mapped: MapReport | None = None) -> None:
        text = channel_summary(self.texts, request.name, request.taken_on, request.user_id, outcome, analysis,
                               progress=progress_lines(self.services, self.team, self.texts, request.name, results),
                               mapped=mapped)
        blocks = summary_blocks(self.texts, text, request.name, has_standards=len(analysis.standards) > 0)
        self.job.once("summary", lambda: post_in_channel(self.client, self.team.channel_id, raise_transient=True,
                                                         text=text, blocks=blocks, **self._in_thread()))

    def chart(self, request: UploadRequest, results: pd.DataFrame, analysis: Analysis) -> None:
        from bot.assessments.chart import standards_chart

        teachers = [str(t) for t in results["teacher"].dropna().unique()]
        names = display_names(self.client, teachers)
        shown = results.assign(teacher=results["teacher"].map(lambda t: names.get(t, t)))
        buffer = io.BytesIO()
        try:
            standards_chart(shown, self.texts, buffer, analysis.misconceptions)
        except Exception:  # noqa: BLE001 - a chart that cannot be drawn must not hide the rest
            logger.exception("chart could not be drawn")
            return
        self.job.once("chart", lambda: call_or_log(
            "files.uploadV2", self.client.files_upload_v2, channel=self.team.channel_id, content=buffer.getvalue(),
            filename="assessment-chart.png", title=self.texts.t("upload.summary.chart_title", name=request.name),
            initial_comment=self.texts.t("upload.summary.chart_comment", name=request.name), **self._in_thread()))

    def lists(self, request: UploadRequest, own: Analysis, team: Analysis,
              warnings: list[tuple[str, dict[str, Any]]]) -> None:
        from bot.assessments.cli import read_message

        texts = self.texts
        private = student_lists(texts, request.name, own, heading="upload.private.yours")
        notes = [read_message(texts, key, dict(params or {}), request.file_name, warning=True)
                 for key, params in warnings]
        if notes:
            private += "\n\n" + "\n".join([texts.t("upload.private.warnings", file=request.file_name),
                                           *(texts.t("upload.private.warning", message=w) for w in notes)])
        self._ephemeral("lists.uploader", private)
        team_lists = student_lists(texts, request.name, team, heading="upload.private.team")
        for facilitator in self.team.facilitator_ids:
            self.job.once(f"lists.dm.{facilitator}", lambda f=facilitator: call_or_log(
                "chat.postMessage (DM)", self.client.chat_postMessage, channel=f, text=team_lists))


def file_request(team: TeamProfile, user_id: str, file: dict[str, Any], name: str, taken_on: Any,
                 column: str | None = None, column_index: int | None = None,
                 covers: str | None = None) -> UploadRequest:
    """The job's parameters from a Slack file object (as files.info or a file_input gives it)."""
    size = file.get("size")
    url = file.get("url_private_download") or file.get("url_private")
    return UploadRequest(team_id=team.id, user_id=user_id, name=name,
                         file_name=str(file.get("name") or file.get("title") or "results"),
                         url=url if isinstance(url, str) and url else None, taken_on=taken_on,
                         file_id=file.get("id") if isinstance(file.get("id"), str) else None,
                         file_size=int(size) if isinstance(size, int | float) else None,
                         column=column, column_index=column_index, covers=covers)


def enqueue_upload(services: Services, team: TeamProfile, request: UploadRequest) -> str:
    """Hand the upload to the job queue (JobRefused when the queue cannot take it)."""
    return services.jobs.enqueue(UPLOAD, request.to_payload(), workspace_id=team.workspace_id, team_id=team.id,
                                 user_id=request.user_id)


def register(queue: JobQueue, services: Services, client_for: Callable[[str], WebClient]) -> None:
    def run(job: JobContext) -> None:
        client = client_for(job.workspace_id)
        request = UploadRequest.from_payload(job.payload)
        team = services.teams.get(request.team_id)
        if team is None:
            logger.info("upload job %s: the team is gone", job.job_id)
            return
        port = SlackUploadPort(job, client, services, team)
        if request.url is None and request.file_id:  # the file's address is known only to files.info
            found = (call_or_log("files.info", client.files_info, file=request.file_id) or {}).get("file")
            if not isinstance(found, dict):
                port.refuse("upload.choose.file_gone")
                return
            request = file_request(team, request.user_id, found, request.name, request.taken_on,
                                   request.column, request.column_index, request.covers)
        outcome = run_upload(services.assessments, port, request, limit=services.settings.max_upload_bytes,
                             store_key=job.key("store"))
        if outcome is not None and not outcome.duplicate:  # open action-plan groups may be measured on it
            job.once("plans", lambda: request_measure(services, team, outcome.assessment_id, request.user_id))

    def failed(job: JobContext, reason: str) -> None:
        request = UploadRequest.from_payload(job.payload)
        team = services.teams.get(request.team_id)
        if team is None:
            return
        texts = services.catalog_for(team)
        client = client_for(job.workspace_id)
        call_or_log("chat.postEphemeral", client.chat_postEphemeral, channel=team.channel_id, user=job.user_id,
                    text=texts.t("jobs.upload_failed", file=request.file_name, reason=failure_reason(texts, reason)))

    queue.define(JobKind(UPLOAD, run, failed))
