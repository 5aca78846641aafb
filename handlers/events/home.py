"""The App Home tab, rebuilt with views.publish each time a person opens it (`app_home_opened`)."""

from __future__ import annotations

from slack_bolt import App
from slack_sdk import WebClient

from bot.services import Services
from handlers.jobs.home import request_home


def register(app: App, services: Services) -> None:
    @app.event("app_home_opened")
    def home_opened(event: dict, client: WebClient, context: dict) -> None:
        user_id = event.get("user")
        if event.get("tab", "home") != "home" or not isinstance(user_id, str) or not user_id:
            return  # the Messages tab needs nothing from us
        request_home(services, context.get("team_id") or "", user_id)
