"""Pacing outgoing messages so the bot stays under Slack's posting limits before it hits a 429.

Slack allows about one message per second per channel (short bursts aside) and throttles a
workspace that posts too fast. The Pacer spaces messages out ahead of time; a 429 that still
happens is handled by slack-sdk's RateLimitErrorRetryHandler on the app's WebClient.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

_PRUNE_AT = 10_000  # channels remembered before old entries are forgotten


@dataclass
class _Bucket:
    """A workspace's token bucket: `tokens` as they were at monotonic time `at`."""

    tokens: float
    at: float


class Pacer:
    """Blocks in `wait` so that a channel gets at most one message per `per_channel_interval` seconds
    and a workspace at most `per_workspace_rate` messages per second (a token bucket of `burst`).

    Thread-safe: each call reserves its slot under a lock, then sleeps outside it. A zero interval or
    rate turns that limit off. `clock` and `sleep` are injectable for tests.
    """

    def __init__(
        self,
        per_channel_interval: float = 1.0,
        per_workspace_rate: float = 20.0,
        *,
        burst: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if per_channel_interval < 0 or per_workspace_rate < 0 or burst < 1:
            raise ValueError("intervals and rates must be >= 0, burst >= 1")
        self.per_channel_interval = per_channel_interval
        self.per_workspace_rate = per_workspace_rate
        self.burst = burst
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._last_post: dict[tuple[str, str], float] = {}
        self._buckets: dict[str, _Bucket] = {}

    def wait(self, workspace_id: str, channel_id: str) -> float:
        """Block until a message may go to `channel_id` in `workspace_id`; returns the seconds waited."""
        with self._lock:
            now = self._clock()
            start = max(now, self._channel_free_at(workspace_id, channel_id), self._token_at(workspace_id, now))
            self._reserve(workspace_id, channel_id, start)
        delay = start - now
        if delay > 0:
            self._sleep(delay)
        return delay

    def _channel_free_at(self, workspace_id: str, channel_id: str) -> float:
        if not self.per_channel_interval:
            return float("-inf")
        last = self._last_post.get((workspace_id, channel_id))
        return float("-inf") if last is None else last + self.per_channel_interval

    def _token_at(self, workspace_id: str, now: float) -> float:
        """When the workspace's bucket next holds a whole token."""
        if not self.per_workspace_rate:
            return float("-inf")
        bucket = self._buckets.get(workspace_id)
        if bucket is None:
            return now
        return bucket.at + max(0.0, (1.0 - bucket.tokens) / self.per_workspace_rate)

    def _reserve(self, workspace_id: str, channel_id: str, start: float) -> None:
        if self.per_channel_interval:
            if len(self._last_post) >= _PRUNE_AT:
                self._forget_before(start - self.per_channel_interval)
            self._last_post[(workspace_id, channel_id)] = start
        if self.per_workspace_rate:
            bucket = self._buckets.get(workspace_id)
            if bucket is None:
                bucket = self._buckets[workspace_id] = _Bucket(tokens=self.burst, at=start)
            refilled = min(self.burst, bucket.tokens + (start - bucket.at) * self.per_workspace_rate)
            bucket.tokens, bucket.at = refilled - 1.0, start

    def _forget_before(self, moment: float) -> None:
        self._last_post = {key: at for key, at in self._last_post.items() if at > moment}
