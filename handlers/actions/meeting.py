"""Meeting buttons: start, next item, park a topic, end; adding agenda items."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.models.views import View

from bot.i18n import Catalog
from bot.meetings.service import MeetingView
from bot.services import Services
from bot.teams import TeamProfile
from handlers.actions import payload
from handlers.commands.meeting import PICK_QUESTION_ACTION
from handlers.meeting_flow import announce_item, close_meeting, refresh_meeting_message
from handlers.render.meeting import ADD_ITEM_ACTION, END_ACTION, NEXT_ACTION, PARK_ACTION, START_ACTION
from handlers.views.meeting_forms import agenda_item_modal, park_modal


def register(app: App, services: Services) -> None:
    def team_of(body: dict, context: dict) -> TeamProfile | None:
        return services.teams.find(context.get("team_id") or "", payload.channel_id(body))

    def team_meeting(body: dict, context: dict) -> tuple[TeamProfile, MeetingView] | None:
        """The channel's team and the button's meeting, when that meeting is the team's (else nothing happens)."""
        team, meeting_id = team_of(body, context), payload.action_number(body)
        meeting = services.meetings.get(meeting_id) if meeting_id is not None else None
        if team is None or meeting is None or meeting.team_id != team.id:
            return None
        return team, meeting

    @app.action(START_ACTION)
    def start_meeting(ack: Ack, body: dict, client: WebClient, context: dict) -> None:
        ack()
        found = team_meeting(body, context)
        if found is None:
            return
        team, shown = found
        step = services.meetings.start(shown.id)
        if step.started:  # only the click that started it says so (two people may click at once)
            refresh_meeting_message(client, services, team, step.meeting)
            announce_item(client, services, team, step.meeting, first=True)

    @app.action(NEXT_ACTION)
    def next_item(ack: Ack, body: dict, client: WebClient, respond: Respond, context: dict) -> None:
        ack()
        found = team_meeting(body, context)
        if found is None:
            return
        team, shown = found
        step = services.meetings.next_item(shown.id)
        if not step.moved:
            respond(text=services.catalog_for(team).t("meeting.already_last"), response_type="ephemeral",
                    replace_original=False)
            return
        refresh_meeting_message(client, services, team, step.meeting)
        announce_item(client, services, team, step.meeting, first=step.started)

    @app.action(END_ACTION)
    def end_meeting(ack: Ack, body: dict, client: WebClient, context: dict) -> None:
        ack()
        found = team_meeting(body, context)
        if found is not None:
            team, meeting = found
            close_meeting(client, services, team, meeting.id)

    def opens_form(build: Callable[[Catalog, str], View]) -> Callable[..., None]:
        """A button that opens a small form (park a topic, add an agenda item) for the channel's team."""
        def open_form(ack: Ack, body: dict, client: WebClient, context: dict) -> None:
            ack()
            team = team_of(body, context)
            if team is not None:
                client.views_open(trigger_id=body.get("trigger_id") or "",
                                  view=build(services.catalog_for(team), team.channel_id))
        return open_form

    app.action(PARK_ACTION)(opens_form(park_modal))
    app.action(ADD_ITEM_ACTION)(opens_form(agenda_item_modal))

    @app.action(re.compile(f"^{PICK_QUESTION_ACTION}_[1-4]$"))
    def pick_question(ack: Ack, body: dict, respond: Respond, context: dict) -> None:
        ack()
        team = team_of(body, context)
        try:
            choice = json.loads(payload.action_value(body))
            question, text = int(choice["q"]), str(choice["text"]).strip()
        except (ValueError, KeyError, TypeError):
            return
        if team is None or not text or not 1 <= question <= 4:
            return
        services.meetings.add_agenda_entry(team.id, text, question, context.get("user_id") or "")
        texts = services.catalog_for(team)
        respond(text=texts.t("meeting.agenda_added", question=texts.t(f"protocols.questions.q{question}"), text=text),
                response_type="ephemeral", replace_original=True)
