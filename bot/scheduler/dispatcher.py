"""The dispatcher: sends the outbox's due notices, each at most once, through the app's senders.

A round of `run_due`:

1. pending notices past `expires_at` become `dropped` (too late to be useful);
2. notices left in `sending` by a crashed process (claimed over 10 minutes ago) become `dropped`:
   they may have gone out already, and a notice is never sent twice;
3. due notices are claimed in one UPDATE ... WHERE status = 'pending' RETURNING, so two dispatchers
   on the same database never claim the same row;
4. each claimed notice, in due order, goes to `senders[kind]` (after the Pacer, if any): success ->
   `sent`; an exception -> back to `pending`, later (30 s x attempts), or `dropped` after
   `MAX_ATTEMPTS` or once expired; an unknown kind -> `dropped`;
5. teams whose `meeting_start` or `meeting_end` was handled are re-planned (the schedule rolls forward).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update

from bot.scheduler.pacing import Pacer
from bot.scheduler.planner import MEETING_END, MEETING_START, NoticePlanner
from storage.db import Database
from storage.models import ScheduledNotice, Team

logger = logging.getLogger(__name__)

PENDING, SENDING, SENT, DROPPED = "pending", "sending", "sent", "dropped"
MAX_ATTEMPTS = 5
RETRY_STEP = timedelta(seconds=30)
STALE_AFTER = timedelta(minutes=10)
ROLL_FORWARD_KINDS = frozenset({MEETING_START, MEETING_END})
_NOTICES = ScheduledNotice.__table__


@dataclass(frozen=True)
class DueNotice:
    """A notice handed to a sender: plain data, ids only."""

    id: int
    team_id: int
    kind: str
    occurrence_at: datetime
    ref: int
    due_at: datetime


Sender = Callable[[DueNotice], None]


@dataclass
class DispatchReport:
    """What one `run_due` did."""

    sent: int = 0
    dropped: int = 0
    retried: int = 0

    def __bool__(self) -> bool:
        return bool(self.sent or self.dropped or self.retried)


@dataclass(frozen=True)
class _Claimed:
    notice: DueNotice
    attempts: int
    expires_at: datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


class NoticeDispatcher:
    """Sends due notices from the outbox; safe to run in several threads or processes at once."""

    def __init__(
        self,
        db: Database,
        senders: Mapping[str, Sender],
        planner: NoticePlanner,
        pacer: Pacer | None = None,
        *,
        batch_size: int = 100,
    ) -> None:
        self.db = db
        self.senders = senders
        self.planner = planner
        self.pacer = pacer
        self.batch_size = batch_size
        self._stopping = threading.Event()

    def stop(self) -> None:
        """Finish the notice being sent, hand the rest of the claimed batch back, claim no more."""
        self._stopping.set()

    def run_due(self, now: datetime | None = None) -> DispatchReport:
        """Send everything due at `now` (default: the clock, read again after each batch)."""
        fixed = now is not None
        current = now or utcnow()
        report = DispatchReport()
        replan: set[int] = set()
        report.dropped += self._drop_stale(current, replan)
        while not self._stopping.is_set():
            report.dropped += self._drop_expired(current, replan)
            claimed = self._claim(current)
            if not claimed:
                break
            channels = self._channels({c.notice.team_id for c in claimed})
            for index, item in enumerate(claimed):
                if self._stopping.is_set():
                    self._release([c.notice.id for c in claimed[index:]])
                    break
                outcome = self._handle(item, channels.get(item.notice.team_id), now if fixed else None)
                setattr(report, outcome, getattr(report, outcome) + 1)
                if outcome != "retried" and item.notice.kind in ROLL_FORWARD_KINDS:
                    replan.add(item.notice.team_id)
            self._roll_forward(replan, now)
            if not fixed:
                current = utcnow()
        self._roll_forward(replan, now)
        return report

    def next_due_at(self) -> datetime | None:
        """The earliest due_at among pending notices, or None."""
        with self.db.session() as session:
            return session.scalar(select(func.min(ScheduledNotice.due_at)).where(ScheduledNotice.status == PENDING))

    # --- one notice

    def _handle(self, item: _Claimed, channel: tuple[str, str] | None, now: datetime | None) -> str:
        notice = item.notice
        sender = self.senders.get(notice.kind)
        if sender is None:
            logger.warning("notice %d: no sender for kind %r, dropped", notice.id, notice.kind)
            self._finish(notice.id, DROPPED)
            return "dropped"
        if (now or utcnow()) >= item.expires_at:
            self._finish(notice.id, DROPPED)
            return "dropped"
        if self.pacer is not None and channel is not None:
            self.pacer.wait(*channel)
        try:
            sender(notice)
        except Exception:  # noqa: BLE001 - a failing sender must never stop the loop
            return self._failed(item, now or utcnow())
        self._finish(notice.id, SENT, sent_at=now or utcnow())
        return "sent"

    def _failed(self, item: _Claimed, now: datetime) -> str:
        notice, attempts = item.notice, item.attempts + 1
        retry_at = now + RETRY_STEP * attempts
        if attempts >= MAX_ATTEMPTS or retry_at >= item.expires_at:
            logger.exception("notice %d (%s, team %d): attempt %d failed, dropped", notice.id, notice.kind,
                             notice.team_id, attempts)
            self._finish(notice.id, DROPPED, attempts=attempts)
            return "dropped"
        logger.exception("notice %d (%s, team %d): attempt %d failed, retry at %s", notice.id, notice.kind,
                         notice.team_id, attempts, retry_at.isoformat())
        self._finish(notice.id, PENDING, attempts=attempts, due_at=retry_at, claimed_at=None)
        return "retried"

    def _finish(self, notice_id: int, status: str, **values: Any) -> None:
        with self.db.session() as session:
            session.execute(
                update(_NOTICES).where(_NOTICES.c.id == notice_id, _NOTICES.c.status == SENDING)
                .values(status=status, **values)
            )

    # --- bulk steps

    def _claim(self, now: datetime) -> list[_Claimed]:
        c = _NOTICES.c
        with self.db.session() as session:
            due = (
                select(c.id).where(c.status == PENDING, c.due_at <= now)
                .order_by(c.due_at, c.id).limit(self.batch_size)
            )
            if session.get_bind().dialect.name == "postgresql":
                due = due.with_for_update(skip_locked=True)
            rows = session.execute(
                update(_NOTICES).where(c.id.in_(due), c.status == PENDING)
                .values(status=SENDING, claimed_at=now)
                .returning(c.id, c.team_id, c.kind, c.occurrence_at, c.ref, c.due_at, c.attempts, c.expires_at)
            ).all()
        claimed = [
            _Claimed(DueNotice(r.id, r.team_id, r.kind, r.occurrence_at, r.ref, r.due_at), r.attempts, r.expires_at)
            for r in rows
        ]
        claimed.sort(key=lambda item: (item.notice.due_at, item.notice.id))
        return claimed

    def _release(self, notice_ids: list[int]) -> None:
        """Hand claimed, unsent notices back (on stop), so another run sends them."""
        with self.db.session() as session:
            session.execute(
                update(_NOTICES).where(_NOTICES.c.id.in_(notice_ids), _NOTICES.c.status == SENDING)
                .values(status=PENDING, claimed_at=None)
            )

    def _drop_expired(self, now: datetime, replan: set[int]) -> int:
        c = _NOTICES.c
        return self._drop(update(_NOTICES).where(c.status == PENDING, c.expires_at <= now), replan, "expired")

    def _drop_stale(self, now: datetime, replan: set[int]) -> int:
        c = _NOTICES.c
        stale = update(_NOTICES).where(c.status == SENDING, c.claimed_at < now - STALE_AFTER)
        return self._drop(stale, replan, "left in 'sending' by a stopped process")

    def _drop(self, statement: Any, replan: set[int], why: str) -> int:
        c = _NOTICES.c
        with self.db.session() as session:
            rows = session.execute(statement.values(status=DROPPED).returning(c.id, c.team_id, c.kind)).all()
        for row in rows:
            logger.info("notice %d (%s, team %d) dropped: %s", row.id, row.kind, row.team_id, why)
            if row.kind in ROLL_FORWARD_KINDS:
                replan.add(row.team_id)
        return len(rows)

    def _channels(self, team_ids: set[int]) -> dict[int, tuple[str, str]]:
        with self.db.session() as session:
            rows = session.execute(
                select(Team.id, Team.workspace_id, Team.channel_id).where(Team.id.in_(sorted(team_ids)))
            )
            return {team_id: (workspace_id, channel_id) for team_id, workspace_id, channel_id in rows}

    def _roll_forward(self, team_ids: set[int], now: datetime | None) -> None:
        if not team_ids:
            return
        try:
            self.planner.plan_teams(team_ids, now or utcnow())
        except Exception:  # noqa: BLE001 - planning again at the next change or start is enough
            logger.exception("re-planning %d teams after their meetings failed", len(team_ids))
        team_ids.clear()
