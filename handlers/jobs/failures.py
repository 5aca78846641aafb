"""What to tell a person whose job was given up: the reason in their words, never a traceback."""

from __future__ import annotations

from bot.i18n import Catalog


def failure_reason(texts: Catalog, error: str) -> str:
    """The last error of a job given up, said in the team's words (never a traceback)."""
    lowered = error.lower()
    if any(word in lowered for word in ("timeout", "timed out", "connection", "file host")):
        return texts.t("jobs.reasons.unreachable")
    if "slackapierror" in lowered:
        return texts.t("jobs.reasons.slack")
    if any(word in lowered for word in ("operationalerror", "database")):
        return texts.t("jobs.reasons.database")
    return texts.t("jobs.reasons.unknown")
