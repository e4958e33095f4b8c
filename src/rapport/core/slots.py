"""Bounded slots for heavy work (image checks, later exports and imports) in one process.

A photo check uses a core for a second or more; letting every request start one at once makes
every other page slow. A few run at once; the next waits a little, then is told to come back
(503 with Retry-After) instead of queueing without end.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from rapport.errors import ServiceBusy


class WorkSlots:
    def __init__(self, name: str, *, slots: int, wait_seconds: float, retry_after: int) -> None:
        self.name = name
        self.slots = slots
        self.wait_seconds = wait_seconds
        self.retry_after = retry_after
        self._semaphore = threading.BoundedSemaphore(slots)

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Run the body in a slot; raises :class:`ServiceBusy` if none frees up in time."""
        if not self._semaphore.acquire(timeout=self.wait_seconds):
            raise ServiceBusy(
                f"{self.slots} {self.name}s are already running. Nothing was changed; try "
                f"again in {self.retry_after} seconds.",
                retry_after=self.retry_after,
            )
        try:
            yield
        finally:
            self._semaphore.release()
