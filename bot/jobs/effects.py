"""Effects done once, however often a job is delivered (the broker delivers at least once).

A database effect records its key in the same transaction as its rows, so it happens exactly once.
A Slack effect (a message, a DM, a file) is claimed in the database before the call and marked done
after it; a call that fails releases the claim, so the next delivery tries again. Only a process
that dies between a successful call and its own next statement can leave a claimed effect that did
happen; the claim then stays and the effect is not repeated (at most once in that window, never twice).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from storage.db import Database
from storage.jobs import JobEffectRepository

T = TypeVar("T")


class EffectLedger:
    """Keys of the effects already done, in the database (table `job_effects`)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def once(self, key: str, effect: Callable[[], object]) -> bool:
        """Run `effect` unless `key` was claimed before; True when it ran now."""
        with self.db.session() as session:
            if not JobEffectRepository(session).claim(key, datetime.now(UTC)):
                return False
        try:
            effect()
        except BaseException:
            with self.db.session() as session:
                JobEffectRepository(session).release(key)
            raise
        with self.db.session() as session:
            JobEffectRepository(session).finish(key)
        return True

    @staticmethod
    def earlier_result(session: Session, key: str) -> dict[str, Any] | None:
        """What the database effect `key` returned when it was done, in this transaction's view."""
        found = JobEffectRepository(session).get(key)
        if found is None or found.state != "done":
            return None
        return json.loads(found.result or "{}")

    @staticmethod
    def record(session: Session, key: str, result: dict[str, Any]) -> None:
        """Mark the database effect `key` done in `session`'s transaction, with what it returned.

        A second delivery that raced this one fails its insert and rolls back all of its work.
        """
        repo = JobEffectRepository(session)
        if not repo.claim(key, datetime.now(UTC)):
            from sqlalchemy.exc import IntegrityError

            raise IntegrityError("effect already recorded", {"key": key}, Exception(key))
        repo.finish(key, json.dumps(result))
