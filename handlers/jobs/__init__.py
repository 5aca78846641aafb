"""Jobs: slow work that listeners hand to the queue. Each module has `register(queue, services, clients)`.

A job's body lives in `bot/<area>/` (plain Python); what it says or fetches in Slack is here,
beside the listeners, each visible effect done once per job (`JobContext.once`).
"""

from __future__ import annotations

from collections.abc import Callable

from slack_sdk import WebClient

from bot.jobs.queue import JobQueue
from bot.services import Services
from handlers.jobs import coach, commitments, exports, home, meeting, plans, upload

ClientFor = Callable[[str], WebClient]


def register_jobs(queue: JobQueue, services: Services, client_for: ClientFor) -> None:
    upload.register(queue, services, client_for)
    home.register(queue, services, client_for)
    exports.register(queue, services, client_for)
    commitments.register(queue, services, client_for)
    meeting.register(queue, services, client_for)
    plans.register(queue, services, client_for)
    coach.register(queue, services, client_for)
