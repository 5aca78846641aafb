"""Signs of life of workers and schedulers, kept in the database for /healthz and job recovery."""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from datetime import UTC, datetime, timedelta

from storage.db import Database
from storage.jobs import HeartbeatRepository
from storage.models import ProcessHeartbeat

logger = logging.getLogger(__name__)
BEAT_SECONDS = 5.0
# A process silent for this long is taken for dead: its open jobs may be taken over.
STALE_AFTER = timedelta(seconds=30)


class Heartbeat:
    """Writes `kind`'s beat every BEAT_SECONDS from a daemon thread until `stop()`."""

    def __init__(self, db: Database, kind: str, process_id: str | None = None, every: float = BEAT_SECONDS) -> None:
        self.db = db
        self.row = ProcessHeartbeat(id=process_id or str(uuid.uuid4()), kind=kind, host=socket.gethostname()[:255],
                                    pid=os.getpid())
        self.every = every
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def id(self) -> str:
        return self.row.id

    def beat(self) -> None:
        try:
            with self.db.session() as session:
                HeartbeatRepository(session).beat(self.row, datetime.now(UTC))
        except Exception:  # noqa: BLE001 - a missed beat is reported by /healthz, not fatal here
            logger.warning("heartbeat could not be written", exc_info=True)

    def start(self) -> Heartbeat:
        self.beat()
        self._thread = threading.Thread(target=self._run, name=f"plc-heartbeat-{self.row.kind}", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.beat()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        try:
            with self.db.session() as session:
                HeartbeatRepository(session).stop(self.row.id, datetime.now(UTC))
        except Exception:  # noqa: BLE001
            logger.warning("heartbeat stop could not be written", exc_info=True)


def live_process_ids(db: Database, kind: str, now: datetime | None = None) -> set[str]:
    now = now or datetime.now(UTC)
    with db.session() as session:
        return {row.id for row in HeartbeatRepository(session).live(kind, now - STALE_AFTER)}


def newest_beat_age(db: Database, kind: str, now: datetime | None = None) -> float | None:
    """Seconds since the newest beat of any `kind` process; None when there never was one."""
    now = now or datetime.now(UTC)
    with db.session() as session:
        newest = HeartbeatRepository(session).newest(kind)
    return None if newest is None else max(0.0, (now - newest).total_seconds())
