"""Global middleware: drop re-sent Events API deliveries before any listener sees them."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

from bot.services import Services

logger = logging.getLogger(__name__)


class SkipDuplicateEvents(Middleware):
    """Acknowledge, and do nothing else for, an `event_id` that was already handled.

    A Middleware subclass rather than `@app.middleware`: it runs on every request, and this
    avoids Bolt's per-call argument injection.
    """

    def __init__(self, services: Services) -> None:
        self.services = services

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        body = req.body
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if isinstance(event_id, str) and event_id and not self.services.events.first_delivery(event_id):
            logger.info("event %s was already handled; acknowledging the retry only", event_id)
            return BoltResponse(status=200, body="")
        return next()


def register(app: App, services: Services) -> None:
    app.use(SkipDuplicateEvents(services))
