"""A small in-process sliding-window limiter (per client address), e.g. for sign-in forms.

Per process on purpose: the per-account lock-out in the database is the durable guard; this
one slows down a single client trying many accounts.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque


class SlidingWindowLimiter:
    def __init__(self, limit: int, window_seconds: float) -> None:
        self.limit = limit
        self.window = window_seconds
        self._hits: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        hits = self._hits[key]
        while hits and now - hits[0] > self.window:
            hits.popleft()
        return hits

    def blocked(self, key: str) -> bool:
        with self._lock:
            return len(self._recent(key, time.monotonic())) >= self.limit

    def hit(self, key: str) -> None:
        """Record one attempt that counts against the limit (e.g. a failed sign-in)."""
        now = time.monotonic()
        with self._lock:
            self._recent(key, now).append(now)

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()
