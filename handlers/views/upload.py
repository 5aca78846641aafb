"""The upload modal's submission: fetch the file, read it, store it, share aggregates only.

The channel sees counts and percents; student names go only to the uploader (their own students,
ephemeral) and to the team's facilitators (by DM).
"""

from __future__ import annotations

import io
import logging
from datetime import datetime
from typing import TYPE_CHECKING

import requests
from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.i18n import Catalog
from bot.services import Services
from bot.teams import TeamProfile
from handlers.form_state import view_values
from handlers.render.assessment_policy import goal_summary_line, growth_lines
from handlers.render.assessments import (
    CALLBACK_ID,
    FILE_BLOCK,
    NAME_BLOCK,
    UploadDraft,
    channel_summary,
    column_question,
    read_upload,
    student_lists,
    upload_modal,
)
from handlers.render.setup import read_metadata
from handlers.slack_calls import live_thread_ts, open_modal, post_in_channel

if TYPE_CHECKING:  # pandas and matplotlib load on the first upload, not when a worker starts
    import pandas as pd

    from bot.assessments.readers import ReadProblem, ResultTable

logger = logging.getLogger(__name__)
DOWNLOAD_TIMEOUT = 30
CHUNK = 64 * 1024
CHOOSE_COLUMN = "choose_column"  # the key of the reader's problem: several assessments in one file


class TooLarge(Exception):
    pass


def open_upload_modal(client: WebClient, team: TeamProfile, trigger_id: str, texts: Catalog) -> bool:
    return open_modal(client, trigger_id, upload_modal(texts, team.channel_id))


def download(client: WebClient, url: str, limit: int) -> bytes:
    """The file's bytes, fetched with the bot token; TooLarge past `limit`, OSError when it fails."""
    headers = {"Authorization": f"Bearer {client.token}"}
    try:
        with requests.get(url, headers=headers, timeout=DOWNLOAD_TIMEOUT, stream=True,
                          allow_redirects=False) as reply:
            if reply.status_code != 200:  # a wrong token is redirected to a login page
                raise OSError(f"download answered {reply.status_code}")
            data = bytearray()
            for chunk in reply.iter_content(CHUNK):
                data += chunk
                if len(data) > limit:
                    raise TooLarge
            return bytes(data)
    except requests.RequestException as error:
        raise OSError(str(error)) from error


def _ephemeral(client: WebClient, team: TeamProfile, user_id: str, text: str) -> None:
    try:
        client.chat_postEphemeral(channel=team.channel_id, user=user_id, text=text)
    except SlackApiError as error:
        logger.warning("chat.postEphemeral failed: %s", error.response.get("error"))


def _dm(client: WebClient, user_id: str, text: str) -> None:
    try:
        client.chat_postMessage(channel=user_id, text=text)
    except SlackApiError as error:
        logger.warning("DM failed: %s", error.response.get("error"))


def _display_names(client: WebClient, user_ids: list[str]) -> dict[str, str]:
    names = {}
    for user_id in user_ids:
        try:
            user = client.users_info(user=user_id).get("user") or {}
            profile = user.get("profile") or {}
            names[user_id] = (profile.get("display_name") or user.get("real_name") or user.get("name")
                              or user_id)
        except (SlackApiError, AttributeError):
            names[user_id] = user_id
    return names


def _upload_chart(client: WebClient, team: TeamProfile, texts: Catalog, name: str, results: pd.DataFrame,
                  thread_ts: str | None = None) -> None:
    from bot.assessments.chart import standards_chart

    teachers = [str(t) for t in results["teacher"].dropna().unique()]
    names = _display_names(client, teachers)
    shown = results.assign(teacher=results["teacher"].map(lambda t: names.get(t, t)))
    buffer = io.BytesIO()
    try:
        standards_chart(shown, texts, buffer)
        client.files_upload_v2(channel=team.channel_id, content=buffer.getvalue(), filename="assessment-chart.png",
                               title=texts.t("upload.summary.chart_title", name=name),
                               initial_comment=texts.t("upload.summary.chart_comment", name=name),
                               **({"thread_ts": thread_ts} if thread_ts else {}))
    except SlackApiError as error:
        logger.warning("chart upload failed: %s", error.response.get("error"))
    except Exception:  # noqa: BLE001 - a chart that cannot be drawn must not hide the summary
        logger.exception("chart could not be drawn")


def _read_table(content: bytes, filename: str, draft: UploadDraft, user_id: str) -> ResultTable:
    """read_results, with an assessment chosen by its place in the list that a question offered."""
    from bot.assessments.readers import ReadProblem, read_results

    try:
        return read_results(content, filename=filename, column=draft.column, teacher=user_id)
    except ReadProblem as problem:
        columns = (problem.params or {}).get("columns")
        index = draft.column_index
        if (problem.key.rpartition(".")[2] != CHOOSE_COLUMN or index is None or not isinstance(columns, list)
                or not 0 <= index < len(columns)):
            raise
        return read_results(content, filename=filename, column=str(columns[index]), teacher=user_id)


def _ask_column(client: WebClient, team: TeamProfile, user_id: str, texts: Catalog, draft: UploadDraft,
                problem: ReadProblem, filename: str) -> bool:
    """For a file with several assessments, ask the uploader which one in a menu; False if it cannot."""
    columns = (problem.params or {}).get("columns")
    file_id = (draft.file or {}).get("id")
    if (problem.key.rpartition(".")[2] != CHOOSE_COLUMN or not isinstance(columns, list) or not columns
            or not isinstance(file_id, str) or not file_id):
        return False
    text, blocks = column_question(texts, file_id=file_id, file_name=filename, draft=draft,
                                   columns=[str(c) for c in columns])
    try:
        client.chat_postEphemeral(channel=team.channel_id, user=user_id, text=text, blocks=blocks)
    except SlackApiError as error:
        logger.warning("chat.postEphemeral failed: %s", error.response.get("error"))
        return False
    return True


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


def process_upload(client: WebClient, services: Services, team: TeamProfile, user_id: str,
                   draft: UploadDraft) -> None:
    """After the ack: fetch, read, store, and tell each audience what it may see."""
    from bot.assessments.analysis import analyse
    from bot.assessments.cli import read_message
    from bot.assessments.readers import ReadProblem

    texts = services.catalog_for(team)
    file = draft.file or {}
    filename = str(file.get("name") or file.get("title") or "results")
    limit = services.settings.max_upload_bytes
    too_large = texts.t("upload.errors.too_large", file=filename, limit=limit // (1024 * 1024))
    size = file.get("size")
    if isinstance(size, int | float) and size > limit:
        _ephemeral(client, team, user_id, too_large)
        return
    url = file.get("url_private_download") or file.get("url_private")
    try:
        if not isinstance(url, str) or not url:
            raise OSError("no download url")
        content = download(client, url, limit)
    except TooLarge:
        _ephemeral(client, team, user_id, too_large)
        return
    except OSError as error:
        logger.warning("file download failed: %s", error)
        _ephemeral(client, team, user_id, texts.t("upload.errors.download_failed", file=filename))
        return
    try:
        table = _read_table(content, filename, draft, user_id)
    except ReadProblem as problem:
        if not _ask_column(client, team, user_id, texts, draft, problem, filename):
            _ephemeral(client, team, user_id, read_message(texts, problem.key, dict(problem.params or {}), filename))
        return
    try:
        outcome = services.assessments.store(team.id, draft.name, draft.taken_on, user_id, filename, content, table,
                                             covers=draft.covers)
    except Exception:  # noqa: BLE001 - the transaction was rolled back: nothing is half-stored
        logger.exception("storing assessment results failed")
        _ephemeral(client, team, user_id, texts.t("upload.errors.store_failed", file=filename))
        return

    results = services.assessments.team_results(team.id, draft.name)
    thresholds = services.assessments.policy(team.id).thresholds()
    analysis = analyse(results, thresholds)
    thread_ts = live_thread_ts(services, team)  # during a meeting, the data goes to its thread
    post_in_channel(client, team.channel_id,
                    text=channel_summary(texts, draft.name, draft.taken_on, user_id, outcome, analysis,
                                         progress=progress_lines(services, team, texts, draft.name, results)),
                    **({"thread_ts": thread_ts} if thread_ts else {}))
    if outcome.duplicate:
        return  # nothing changed: no new chart, no new lists
    _upload_chart(client, team, texts, draft.name, results, thread_ts)

    own = analyse(results.loc[results["teacher"] == user_id].reset_index(drop=True), thresholds)
    private = student_lists(texts, draft.name, own, heading="upload.private.yours")
    warnings = [read_message(texts, key, dict(params or {}), filename, warning=True) for key, params in table.warnings]
    if warnings:
        private += "\n\n" + "\n".join([texts.t("upload.private.warnings", file=filename),
                                       *(texts.t("upload.private.warning", message=w) for w in warnings)])
    _ephemeral(client, team, user_id, private)
    team_lists = student_lists(texts, draft.name, analysis, heading="upload.private.team")
    for facilitator in team.facilitator_ids:
        _dm(client, facilitator, team_lists)


def register(app: App, services: Services) -> None:
    @app.view(CALLBACK_ID)
    def submit_upload(ack: Ack, view: dict, client: WebClient, context: dict, body: dict) -> None:
        meta = read_metadata(view)
        team = services.teams.find(context.get("team_id") or "", meta.get("channel_id", ""))
        texts = services.catalog_for(team)
        if team is None:
            ack(response_action="errors", errors={FILE_BLOCK: texts.t("upload.form_expired")})
            return
        draft = read_upload(view_values(view))
        errors = {}
        if draft.file is None:
            errors[FILE_BLOCK] = texts.t("upload.errors.no_file")
        if not draft.name:
            errors[NAME_BLOCK] = texts.t("upload.errors.no_name")
        if errors:
            ack(response_action="errors", errors=errors)
            return
        ack()
        user_id = context.get("user_id") or (body.get("user") or {}).get("id") or ""
        process_upload(client, services, team, user_id, draft)
