"""Button clicks and other `block_actions`, one module per area."""

from slack_bolt import App

from bot.services import Services
from handlers.actions import coach, commitments, focus, goal, meeting, plans, reflections, schedule, team, upload


def register(app: App, services: Services) -> None:
    team.register(app, services)
    schedule.register(app, services)
    meeting.register(app, services)
    upload.register(app, services)
    goal.register(app, services)
    focus.register(app, services)
    reflections.register(app, services)
    commitments.register(app, services)
    plans.register(app, services)
    coach.register(app, services)
