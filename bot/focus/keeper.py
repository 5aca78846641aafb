"""The focus keeper: labels each message of a meeting thread and decides, rarely, to nudge.

Plain Python (no Slack). Only the label of a message is kept (learning and its critical question,
drift, other): never its text or its author. A thread is nudged at most once per cooldown, even
when several workers see drift in it at the same moment: on PostgreSQL they take turns on the
team's row (FOR NO KEY UPDATE, which leaves inserts that refer to the team alone); SQLite has one
writer at a time, and the event is written before the check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select, update

from storage.db import Database
from storage.models import FocusEvent, Team

if TYPE_CHECKING:
    from bot.focus.classifier import Verdict

MODES = ("off", "low", "normal", "high")  # off, or the classifier's sensitivity
CHANNEL_THREAD = "channel"  # the thread key of top-level channel messages
MIN_COOLDOWN, MAX_COOLDOWN = 1, 24 * 60


@dataclass(frozen=True)
class FocusSettings:
    mode: str = "normal"
    in_channel: bool = False
    cooldown_minutes: int = 10

    @property
    def enabled(self) -> bool:
        return self.mode != "off"


@dataclass(frozen=True)
class Observation:
    verdict: Verdict
    nudge: bool


@dataclass(frozen=True)
class FocusSummary:
    """How a meeting's talk was spent: learning messages per critical question, drift, other, nudges."""

    questions: dict[int, int] = field(default_factory=lambda: dict.fromkeys(range(1, 5), 0))
    learning: int = 0
    drift: int = 0
    other: int = 0
    nudges: int = 0

    @property
    def total(self) -> int:
        return self.learning + self.drift + self.other

    def as_dict(self) -> dict[str, object]:
        return {"questions": {str(q): n for q, n in self.questions.items()}, "learning": self.learning,
                "drift": self.drift, "other": self.other, "nudges": self.nudges}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> FocusSummary:
        raw = data.get("questions")
        questions = {int(q): int(n) for q, n in raw.items()} if isinstance(raw, dict) else {}
        return cls({q: questions.get(q, 0) for q in range(1, 5)},
                   *(int(data.get(key) or 0) for key in ("learning", "drift", "other", "nudges")))  # type: ignore[arg-type]


def check_focus_settings(mode: str | None, cooldown_minutes: float | None) -> dict[str, str]:
    """Problems as field -> catalog key (empty when the settings can be stored)."""
    problems = {}
    if mode not in MODES:
        problems["focus_mode"] = "focus.settings.errors.mode"
    if cooldown_minutes is None or not MIN_COOLDOWN <= cooldown_minutes <= MAX_COOLDOWN \
            or cooldown_minutes != int(cooldown_minutes):
        problems["focus_cooldown"] = "focus.settings.errors.cooldown"
    return problems


def classify(text: str, language: str, mode: str) -> Verdict:
    from bot.focus.classifier import FocusClassifier

    return FocusClassifier.for_language(language).classify(text, sensitivity=mode)


class FocusKeeper:
    def __init__(self, db: Database) -> None:
        self.db = db

    def settings(self, team_id: int) -> FocusSettings:
        with self.db.session() as session:
            team = session.get(Team, team_id)
            if team is None:
                return FocusSettings()
            return FocusSettings(team.focus_mode, team.focus_in_channel, team.focus_cooldown_minutes)

    def set_settings(self, team_id: int, settings: FocusSettings) -> None:
        with self.db.session() as session:
            team = session.get(Team, team_id)
            if team is None:
                raise LookupError(team_id)
            team.focus_mode, team.focus_in_channel = settings.mode, settings.in_channel
            team.focus_cooldown_minutes = settings.cooldown_minutes

    def observe(self, team_id: int, language: str, text: str, thread_ts: str, meeting_id: int | None,
                now: datetime, settings: FocusSettings | None = None) -> Observation | None:
        """Label `text` (said in `thread_ts`) and record the label; None when the keeper is off.
        `settings`: the team's, when the caller has just read them."""
        settings = settings or self.settings(team_id)
        if not settings.enabled:
            return None
        verdict = classify(text, language, settings.mode)
        drift = verdict.label == "drift"
        with self.db.session() as session:
            if drift:  # one nudge per thread per cooldown, whoever sees the drift first: take turns
                session.execute(select(Team.id).where(Team.id == team_id).with_for_update(key_share=True))
            event = FocusEvent(team_id=team_id, meeting_id=meeting_id, thread_ts=thread_ts, label=verdict.label,
                               question=verdict.question, nudged=False, created_at=now)
            session.add(event)
            session.flush()
            if not drift:
                return Observation(verdict, nudge=False)
            since = now - timedelta(minutes=settings.cooldown_minutes)
            recent = session.scalar(select(func.count()).select_from(FocusEvent).where(
                FocusEvent.team_id == team_id, FocusEvent.thread_ts == thread_ts, FocusEvent.nudged.is_(True),
                FocusEvent.created_at > since))
            if recent:
                return Observation(verdict, nudge=False)
            session.execute(update(FocusEvent).where(FocusEvent.id == event.id).values(nudged=True))
            return Observation(verdict, nudge=True)

    def summary(self, meeting_id: int) -> FocusSummary:
        """The labels of a meeting's thread, counted."""
        with self.db.session() as session:
            rows = session.execute(
                select(FocusEvent.label, FocusEvent.question, FocusEvent.nudged, func.count())
                .where(FocusEvent.meeting_id == meeting_id)
                .group_by(FocusEvent.label, FocusEvent.question, FocusEvent.nudged)).all()
        questions = dict.fromkeys(range(1, 5), 0)
        totals = {"learning": 0, "drift": 0, "other": 0}
        nudges = 0
        for label, question, nudged, count in rows:
            totals[label] = totals.get(label, 0) + int(count)
            if label == "learning" and question in questions:
                questions[question] += int(count)
            nudges += int(count) if nudged else 0
        return FocusSummary(questions, totals["learning"], totals["drift"], totals["other"], nudges)
