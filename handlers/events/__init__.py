"""Events API listeners (`event_callback`), one module per area."""

from slack_bolt import App

from bot.services import Services
from handlers.events import file_pickup, home, meeting_notes, membership


def register(app: App, services: Services) -> None:
    membership.register(app, services)
    home.register(app, services)
    file_pickup.register(app, services)  # before meeting_notes: Bolt runs the first listener that matches
    meeting_notes.register(app, services)
