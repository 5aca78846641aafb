"""Global middleware: drop re-sent Events API deliveries before any listener sees them."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import App, BoltResponse

from bot.services import Services

logger = logging.getLogger(__name__)


def register(app: App, services: Services) -> None:
    @app.middleware
    def skip_duplicate_events(body: dict, next: Callable[[], None]) -> BoltResponse | None:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if isinstance(event_id, str) and event_id and not services.events.first_delivery(event_id):
            logger.info("event %s was already handled; acknowledging the retry only", event_id)
            return BoltResponse(status=200, body="")
        next()
        return None
