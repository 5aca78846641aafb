"""Messages in a team's channel: those in a meeting's thread become its notes, as they arrive,
and the focus keeper reads them (handlers/focus_flow.py).

Minutes never rebuild the thread with conversations.replies: Slack limits that method to about
one call a minute for apps outside its Marketplace.
"""

from __future__ import annotations

from slack_bolt import App
from slack_sdk import WebClient

from bot.services import Services
from handlers.focus_flow import keep_focus

IGNORED_SUBTYPES = {"bot_message", "message_changed", "message_deleted", "channel_join", "channel_leave"}


def register(app: App, services: Services) -> None:
    @app.event("message")
    def channel_message(event: dict, client: WebClient, context: dict) -> None:
        if event.get("subtype") in IGNORED_SUBTYPES or event.get("bot_id"):
            return
        thread_ts, ts = event.get("thread_ts"), event.get("ts")
        channel, user, text = event.get("channel"), event.get("user"), event.get("text")
        if not all(isinstance(v, str) and v for v in (ts, channel, user, text)):
            return
        in_thread = isinstance(thread_ts, str) and bool(thread_ts) and thread_ts != ts
        if in_thread:
            services.meetings.add_note(channel, thread_ts, user, text, ts)
        team = services.teams.find(context.get("team_id") or event.get("team") or "", channel)
        if team is not None:
            keep_focus(client, services, team, text, ts, thread_ts if in_thread else None)
