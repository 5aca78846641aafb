"""Which assessment of a gradebook to read: the menu of the question and its "Read this one" button.

`process_upload` asks with an ephemeral message when a file holds several assessments; the button
carries the file's id, the assessment's name and date, so the upload runs again with the choice.
"""

from __future__ import annotations

import logging

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.services import Services
from handlers.actions import payload
from handlers.render.assessments import (
    CHOOSE_COLUMN_ACTION,
    READ_COLUMN_ACTION,
    chosen_column,
    chosen_draft,
    read_redo,
)
from handlers.views.upload import process_upload

logger = logging.getLogger(__name__)




def register(app: App, services: Services) -> None:
    @app.action(CHOOSE_COLUMN_ACTION)
    def column_menu(ack: Ack) -> None:
        ack()  # Slack reports every choice in the menu; the button reads it from the message's state

    @app.action(READ_COLUMN_ACTION)
    def read_chosen_column(ack: Ack, body: dict, client: WebClient, context: dict, respond: Respond) -> None:
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
        respond(delete_original=True)  # the question is answered: it cannot be pressed twice
        try:
            file = client.files_info(file=redo.file_id).get("file")
        except SlackApiError as error:
            logger.warning("files.info failed: %s", error.response.get("error"))
            file = None
        if not isinstance(file, dict):
            respond(text=texts.t("upload.choose.file_gone"), response_type="ephemeral", replace_original=False)
            return
        user_id = context.get("user_id") or (body.get("user") or {}).get("id") or ""
        process_upload(client, services, team, user_id, chosen_draft(redo, file, choice))
