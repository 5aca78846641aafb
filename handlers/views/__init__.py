"""Modal submissions (`view_submission`), one module per modal."""

from slack_bolt import App

from bot.services import Services
from handlers.views import meeting_forms, schedule, team_setup, upload


def register(app: App, services: Services) -> None:
    team_setup.register(app, services)
    schedule.register(app, services)
    meeting_forms.register(app, services)
    upload.register(app, services)
