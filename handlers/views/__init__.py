"""Modal submissions (`view_submission`), one module per modal."""

from slack_bolt import App

from bot.services import Services
from handlers.views import team_setup


def register(app: App, services: Services) -> None:
    team_setup.register(app, services)
