"""Messages in a meeting's thread become its notes, as they arrive.

Minutes never rebuild the thread with conversations.replies: Slack limits that method to about
one call a minute for apps outside its Marketplace.
"""

from __future__ import annotations

from slack_bolt import App

from bot.services import Services

IGNORED_SUBTYPES = {"bot_message", "message_changed", "message_deleted", "channel_join", "channel_leave"}


def register(app: App, services: Services) -> None:
    @app.event("message")
    def thread_message(event: dict) -> None:
        if event.get("subtype") in IGNORED_SUBTYPES or event.get("bot_id"):
            return
        thread_ts, ts = event.get("thread_ts"), event.get("ts")
        channel, user, text = event.get("channel"), event.get("user"), event.get("text")
        if not all(isinstance(v, str) and v for v in (thread_ts, ts, channel, user, text)) or thread_ts == ts:
            return
        services.meetings.add_note(channel, thread_ts, user, text, ts)
