"""Meeting buttons: start, next item, park a topic, end; adding agenda items."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.models.views import View

from bot.i18n import Catalog
from bot.jobs.queue import JobRefused
from bot.meetings.service import MeetingView
from bot.services import Services
from bot.teams import TeamProfile
from handlers.actions import payload
from handlers.commands.meeting import PICK_QUESTION_ACTION
from handlers.jobs.meeting import MEETING_ENDED, MEETING_MOVED
from handlers.render.meeting import ADD_ITEM_ACTION, END_ACTION, NEXT_ACTION, PARK_ACTION, START_ACTION
from handlers.views.meeting_forms import agenda_item_modal, park_modal

logger = logging.getLogger(__name__)


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

    def show(kind: str, team: TeamProfile, payload_: dict[str, object], body: dict) -> None:
        """Hand the Slack side of a meeting's change to a job (the change itself is already stored)."""
        try:
            services.jobs.enqueue(kind, payload_, workspace_id=team.workspace_id, team_id=team.id,
                                  user_id=payload.user_id(body))
        except JobRefused:
            logger.error("meeting change stored but not shown: the job queue refused it")

    @app.action(START_ACTION)
    def start_meeting(ack: Ack, body: dict, context: dict) -> None:
        found = team_meeting(body, context)
        if found is None:
            ack()
            return
        team, shown = found
        step = services.meetings.start(shown.id)
        if step.started:  # only the click that started it says so (two people may click at once)
            show(MEETING_MOVED, team, {"meeting_id": step.meeting.id, "item": step.meeting.current_item,
                                       "first": True}, body)
        ack()

    @app.action(NEXT_ACTION)
    def next_item(ack: Ack, body: dict, respond: Respond, context: dict) -> None:
        found = team_meeting(body, context)
        if found is None:
            ack()
            return
        team, shown = found
        step = services.meetings.next_item(shown.id)
        if not step.moved:
            ack()
            respond(text=services.catalog_for(team).t("meeting.already_last"), response_type="ephemeral",
                    replace_original=False)
            return
        show(MEETING_MOVED, team, {"meeting_id": step.meeting.id, "item": step.meeting.current_item,
                                   "first": step.started}, body)
        ack()

    @app.action(END_ACTION)
    def end_meeting(ack: Ack, body: dict, context: dict) -> None:
        found = team_meeting(body, context)
        if found is not None:
            team, meeting = found
            if services.meetings.end(meeting.id) is not None:  # None: ended already (a second press)
                show(MEETING_ENDED, team, {"meeting_id": meeting.id}, body)
        ack()

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
