"""A meeting's buttons as jobs: the listener changes the meeting's state (Start, Next, End) and acks;
the job shows it in Slack: the meeting's message updated, the item announced in its thread, and at
the end the minutes and the reflection questions, each once however often the job is delivered."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_sdk import WebClient

from bot.jobs.queue import JobContext, JobKind, JobQueue
from bot.services import Services
from handlers.jobs.failures import tell_asker
from handlers.meeting_flow import announce_item, post_minutes, refresh_meeting_message

logger = logging.getLogger(__name__)
MEETING_MOVED = "meeting_moved"
MEETING_ENDED = "meeting_ended"


def register(queue: JobQueue, services: Services, client_for: Callable[[str], WebClient]) -> None:
    def moved(job: JobContext) -> None:
        team = services.teams.get(job.team_id or 0)
        meeting = services.meetings.get(int(job.payload["meeting_id"]))
        if team is None or meeting is None:
            return
        client = client_for(job.workspace_id)
        refresh_meeting_message(client, services, team, meeting)  # the latest state, whoever updates it
        if meeting.current_item == job.payload.get("item") and meeting.status == "running":
            # A later press moved on meanwhile: its own job announces the newer item.
            job.once("announce", lambda: announce_item(client, services, team, meeting,
                                                       first=bool(job.payload.get("first"))))

    def ended(job: JobContext) -> None:
        team = services.teams.get(job.team_id or 0)
        if team is None:
            return
        post_minutes(client_for(job.workspace_id), services, team, int(job.payload["meeting_id"]), once=job.once)

    queue.define(JobKind(MEETING_MOVED, moved, tell_asker(services, client_for, "jobs.what.meeting_moved"),
                         time_limit_seconds=60))
    queue.define(JobKind(MEETING_ENDED, ended, tell_asker(services, client_for, "jobs.what.meeting_ended"),
                         time_limit_seconds=120))
