"""Events API listeners (`event_callback`), one module per area."""

from slack_bolt import App

from bot.services import Services
from handlers.events import meeting_notes, membership


def register(app: App, services: Services) -> None:
    membership.register(app, services)
    meeting_notes.register(app, services)
