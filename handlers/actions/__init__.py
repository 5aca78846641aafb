"""Button clicks and other `block_actions`, one module per area."""

from slack_bolt import App

from bot.services import Services
from handlers.actions import meeting, schedule, team


def register(app: App, services: Services) -> None:
    team.register(app, services)
    schedule.register(app, services)
    meeting.register(app, services)
