"""Which assessment of a gradebook to read: the menu of the question and its "Read this one" button.

The upload job asks with an ephemeral message when a file holds several assessments; the button
carries the file's id, the assessment's name and date, so the upload is queued again with the choice.
"""

from __future__ import annotations

from slack_bolt import Ack, App, Respond

from bot.jobs.queue import JobRefused
from bot.services import Services
from handlers.actions import payload
from handlers.jobs.upload import enqueue_upload, file_request
from handlers.render.assessments import (
    CHOOSE_COLUMN_ACTION,
    READ_COLUMN_ACTION,
    chosen_column,
    chosen_draft,
    read_redo,
)


def register(app: App, services: Services) -> None:
    @app.action(CHOOSE_COLUMN_ACTION)
    def column_menu(ack: Ack) -> None:
        ack()  # Slack reports every choice in the menu; the button reads it from the message's state

    @app.action(READ_COLUMN_ACTION)
    def read_chosen_column(ack: Ack, body: dict, context: dict, respond: Respond) -> None:
        ack()
        team = services.teams.find(context.get("team_id") or "", payload.channel_id(body))
        redo = read_redo(payload.action_value(body))
        if team is None or redo is None:
            return
        texts = services.catalog_for(team)
        choice = chosen_column(body.get("state"))
        if choice is None:
            respond(text=texts.t("upload.choose.pick_first"), response_type="ephemeral", replace_original=False)
            return
        user_id = context.get("user_id") or (body.get("user") or {}).get("id") or ""
        # The job asks files.info for the file's address: it knows only its id.
        draft = chosen_draft(redo, {"id": redo.file_id}, choice)
        request = file_request(team, user_id, {"id": redo.file_id}, draft.name,
                               draft.taken_on, draft.column, draft.column_index, draft.covers)
        try:
            enqueue_upload(services, team, request)
        except JobRefused:
            respond(text=texts.t("jobs.refused"), response_type="ephemeral", replace_original=False)
            return
        respond(delete_original=True)  # the question is answered: it cannot be pressed twice
