"""A results file shared into a team's channel with "assessment" in its message is read as an upload.

Slack sends the share as a `message` event with subtype `file_share` (message.channels,
message.groups). The keywords are the `upload.pickup.keywords` of every language; a file shared
without one of them is left alone (and a reply in a meeting's thread still becomes a note).
This listener is registered before the meeting notes one: Bolt runs only the first listener whose
matchers accept an event, so a picked-up file does not also become a note.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from functools import cache
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.assessments.service import NAME_LIMIT
from bot.i18n import catalog
from bot.jobs.queue import JobRefused
from bot.services import Services
from bot.settings import SUPPORTED_LANGUAGES
from handlers.jobs.upload import enqueue_upload, file_request
from handlers.render.assessments import FILETYPES
from handlers.slack_calls import call_or_log

logger = logging.getLogger(__name__)
KEYWORDS_KEY = "upload.pickup.keywords"
_EDGES = " \t\n:-–—"


@cache
def _keyword_pattern() -> re.Pattern[str]:
    words = {w.strip() for language in SUPPORTED_LANGUAGES for w in catalog(language).list(KEYWORDS_KEY)}
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True) if w)
    # A keyword as a whole word, in any case (re's case folding knows Turkish İ and ı), with a
    # ":" or "-" (and spaces) that follows it.
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)\s*[:\-–—]?\s*", re.IGNORECASE)


def _find_keyword(text: str) -> re.Match[str] | None:
    return _keyword_pattern().search(text)


def assessment_name(text: str, file: dict[str, Any]) -> str:
    """The message without its keyword; or, when nothing else is left, the file's title or name."""
    match = _find_keyword(text)
    rest = text if match is None else text[:match.start()] + " " + text[match.end():]
    name = " ".join(rest.split()).strip(_EDGES)
    for fallback in ((file.get("title"), file.get("name")) if not name else ()):
        stem, dot, extension = str(fallback or "").strip().rpartition(".")
        name = stem.strip() if dot and extension.lower() in FILETYPES else str(fallback or "").strip()
        if name:
            break
    return name[:NAME_LIMIT].strip()


def _is_results_file(file: Any) -> bool:
    if not isinstance(file, dict):
        return False
    kind = str(file.get("filetype") or "").lower()
    name = str(file.get("name") or "")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return kind in FILETYPES or extension in FILETYPES


def _first_file(event: dict) -> dict[str, Any] | None:
    files = event.get("files")
    return files[0] if isinstance(files, list) and files and isinstance(files[0], dict) else None


def register(app: App, services: Services) -> None:
    def is_assessment_share(event: dict, context: dict) -> bool:
        """A person shared a CSV or Excel file into a team's channel with a keyword in the message."""
        if event.get("subtype") != "file_share" or event.get("bot_id"):
            return False
        text, user, channel = event.get("text"), event.get("user"), event.get("channel")
        if not all(isinstance(v, str) and v for v in (text, user, channel)):
            return False
        if not _is_results_file(_first_file(event)) or _find_keyword(str(text)) is None:
            return False
        return services.teams.find(context.get("team_id") or "", str(channel)) is not None

    @app.event("message", matchers=[is_assessment_share])
    def pick_up_shared_file(event: dict, context: dict, client: WebClient) -> None:
        team = services.teams.find(context.get("team_id") or "", event["channel"])
        file = _first_file(event)
        if team is None or file is None:
            return
        name = assessment_name(event["text"], file)
        if not name:
            return
        # Without an address (Slack Connect: "file_access": "check_file_info") the job asks files.info.
        request = file_request(team, event["user"], file, name, datetime.now(team.zone).date())
        try:
            enqueue_upload(services, team, request)
        except JobRefused:  # Slack had its ack already: say so, rather than lose the file silently
            call_or_log("chat.postEphemeral", client.chat_postEphemeral, channel=team.channel_id, user=event["user"],
                        text=services.catalog_for(team).t("jobs.refused"))
