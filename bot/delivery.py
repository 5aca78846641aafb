"""Exactly-once handling of Events API deliveries across processes."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

from storage.db import Database
from storage.repositories import ProcessedEventRepository


class EventLedger:
    """Remembers handled `event_id`s in the database so Slack's retries cause no second effect.

    Slack re-sends an event (with `X-Slack-Retry-Num`) when it thinks the first delivery was
    not acknowledged; a retry may even reach another worker process, hence the database.
    """

    def __init__(self, db: Database, keep: timedelta = timedelta(hours=2), purge_every: float = 600.0) -> None:
        self.db = db
        self.keep = keep
        self.purge_every = purge_every
        self._last_purge = 0.0
        self._lock = threading.Lock()

    def first_delivery(self, event_id: str) -> bool:
        """True the first time `event_id` is seen, False for every later delivery of it."""
        now = datetime.now(UTC)
        with self.db.session() as session:
            repo = ProcessedEventRepository(session)
            is_new = repo.remember(event_id, now)
            if self._purge_due():
                repo.forget_before(now - self.keep)
        return is_new

    def _purge_due(self) -> bool:
        with self._lock:
            if time.monotonic() - self._last_purge < self.purge_every:
                return False
            self._last_purge = time.monotonic()
            return True
