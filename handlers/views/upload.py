"""The upload modal's submission: check the form, hand the upload to the job queue, acknowledge.

The job (handlers/jobs/upload.py, bot/assessments/upload.py) fetches, reads, stores and reports.
It is queued before the ack: once Slack closes the form, the upload is the queue's, and a crash of
this process loses nothing.
"""

from __future__ import annotations

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.assessments.item_standards import MapProblem, parse_item_map
from bot.i18n import Catalog
from bot.jobs.queue import JobRefused
from bot.services import Services
from bot.teams import TeamProfile
from handlers.form_state import view_values
from handlers.jobs.upload import enqueue_upload, file_request
from handlers.render.assessments import (
    CALLBACK_ID,
    COVERS_BLOCK,
    FILE_BLOCK,
    NAME_BLOCK,
    read_upload,
    upload_modal,
)
from handlers.render.setup import read_metadata
from handlers.slack_calls import open_modal


def open_upload_modal(client: WebClient, team: TeamProfile, trigger_id: str, texts: Catalog) -> bool:
    return open_modal(client, trigger_id, upload_modal(texts, team.channel_id))


def register(app: App, services: Services) -> None:
    @app.view(CALLBACK_ID)
    def submit_upload(ack: Ack, view: dict, context: dict, body: dict) -> None:
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
        try:  # a map's own mistakes are told in the form; items missing from the file, by the job
            parse_item_map(draft.covers)
        except MapProblem as problem:
            errors[COVERS_BLOCK] = texts.t(problem.key, **problem.params)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        user_id = context.get("user_id") or (body.get("user") or {}).get("id") or ""
        request = file_request(team, user_id, draft.file or {}, draft.name, draft.taken_on, draft.column,
                               draft.column_index, draft.covers)
        try:
            enqueue_upload(services, team, request)
        except JobRefused:
            ack(response_action="errors", errors={FILE_BLOCK: texts.t("jobs.refused")})
            return
        ack()
