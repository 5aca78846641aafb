"""Modal submissions (`view_submission`), one module per modal."""

from slack_bolt import App

from bot.services import Services
from handlers.views import (
    commitments,
    goal,
    meeting_forms,
    plans,
    reflections,
    schedule,
    team_settings,
    team_setup,
    upload,
)


def register(app: App, services: Services) -> None:
    team_setup.register(app, services)
    schedule.register(app, services)
    meeting_forms.register(app, services)
    upload.register(app, services)
    team_settings.register(app, services)
    goal.register(app, services)
    reflections.register(app, services)
    commitments.register(app, services)
    plans.register(app, services)
