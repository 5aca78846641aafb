"""Small meeting modals: add an agenda item, park a topic."""

from __future__ import annotations

import json

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.models.blocks import InputBlock, Option, PlainTextInputElement, StaticSelectElement
from slack_sdk.models.views import View

from bot.i18n import Catalog
from bot.services import Services
from bot.teams import TeamProfile
from handlers.form_state import selected_value, text_value, view_values
from handlers.render.setup import read_metadata
from handlers.slack_calls import post_to_team

AGENDA_ITEM_CALLBACK, PARK_CALLBACK = "agenda_item", "park_topic"


def agenda_item_modal(texts: Catalog, channel_id: str) -> View:
    options = [Option(text=f"{q}. {texts.t(f'protocols.questions.q{q}')}"[:75], value=str(q)) for q in range(1, 5)]
    return View(
        type="modal", callback_id=AGENDA_ITEM_CALLBACK, title=texts.t("meeting.agenda_item_title")[:24],
        submit=texts.t("meeting.agenda_item_submit"), close=texts.t("common.cancel"),
        private_metadata=json.dumps({"channel_id": channel_id}),
        blocks=[
            InputBlock(block_id="agenda_text", label=texts.t("meeting.agenda_item_label"),
                       element=PlainTextInputElement(action_id="text", max_length=500)),
            InputBlock(block_id="agenda_question", label=texts.t("meeting.agenda_item_question"),
                       element=StaticSelectElement(action_id="question", options=options)),
        ],
    )


def park_modal(texts: Catalog, channel_id: str) -> View:
    return View(
        type="modal", callback_id=PARK_CALLBACK, title=texts.t("meeting.park_title")[:24],
        submit=texts.t("meeting.park_submit"), close=texts.t("common.cancel"),
        private_metadata=json.dumps({"channel_id": channel_id}),
        blocks=[InputBlock(block_id="park_text", label=texts.t("meeting.park_label"),
                           element=PlainTextInputElement(action_id="text", multiline=True, max_length=1000))],
    )


def park_and_announce(client: WebClient, services: Services, team: TeamProfile, text: str, user_id: str) -> None:
    """Park the topic; say so in the live meeting's thread, or in the channel."""
    services.meetings.park(team.id, text, user_id)
    post_to_team(client, services, team, text=services.catalog_for(team).t("meeting.parked", text=text))


def register(app: App, services: Services) -> None:
    @app.view(AGENDA_ITEM_CALLBACK)
    def submit_agenda_item(ack: Ack, view: dict, context: dict) -> None:
        team = services.teams.find(context.get("team_id") or "", read_metadata(view).get("channel_id", ""))
        texts = services.catalog_for(team)
        values = view_values(view)
        text = text_value(values, "agenda_text", "text")
        question = selected_value(values, "agenda_question", "question")
        errors = {}
        if team is None:
            errors["agenda_text"] = texts.t("setup.errors.form_expired")
        elif not text:
            errors["agenda_text"] = texts.t("meeting.empty_text")
        if question not in ("1", "2", "3", "4"):
            errors["agenda_question"] = texts.t("meeting.agenda_choose_question", text=text[:50])
        if errors:
            ack(response_action="errors", errors=errors)
            return
        assert team is not None and question is not None
        services.meetings.add_agenda_entry(team.id, text, int(question), context.get("user_id") or "")
        ack()

    @app.view(PARK_CALLBACK)
    def submit_park(ack: Ack, view: dict, client: WebClient, context: dict) -> None:
        team = services.teams.find(context.get("team_id") or "", read_metadata(view).get("channel_id", ""))
        texts = services.catalog_for(team)
        text = text_value(view_values(view), "park_text", "text")
        if team is None or not text:
            key = "setup.errors.form_expired" if team is None else "meeting.park_usage"
            ack(response_action="errors", errors={"park_text": texts.t(key)})
            return
        ack()
        park_and_announce(client, services, team, text, context.get("user_id") or "")
