"""Slack listeners, split by kind. Each package has `register(app, services)`.

A listener acks, reads the payload, calls a service in `bot/`, and renders the reply from
`prompts/` through `handlers.render`.
"""

from slack_bolt import App

from bot.services import Services
from handlers import actions, commands, events, middleware, options, views
from handlers.jobs import register_jobs

__all__ = ["register_all", "register_jobs"]


def register_all(app: App, services: Services) -> None:
    middleware.register(app, services)
    commands.register(app, services)
    views.register(app, services)
    actions.register(app, services)
    options.register(app, services)
    events.register(app, services)
