"""Periodic jobs: cron strings (UTC) on ``@job(..., cron=...)``, enqueued once per slot.

Any live worker may enqueue a slot; the ``job_schedule`` row is claimed with a conditional
UPDATE, so with several workers each slot is enqueued exactly once. Missed slots are not
back-filled: after an outage only the latest slot runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from croniter import croniter
from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from rapport.core import clock
from rapport.db import is_postgres
from rapport.jobs.models import ScheduleSlot
from rapport.jobs.queue import count_rows, enqueue
from rapport.jobs.registry import JobType, periodic_job_types


def latest_slot(cron: str, now: datetime) -> datetime:
    """The most recent slot of ``cron`` at or before ``now`` (UTC, aware)."""
    base = clock.as_utc(now).replace(microsecond=0) + timedelta(seconds=1)
    return clock.as_utc(croniter(cron, base).get_prev(datetime))


def next_slot(cron: str, now: datetime) -> datetime:
    """The first slot of ``cron`` strictly after ``now``."""
    return clock.as_utc(croniter(cron, clock.as_utc(now)).get_next(datetime))


def slot_dedupe_key(kind: str, slot: datetime) -> str:
    return f"{kind}@{slot.isoformat()}"


def enqueue_periodic_jobs(
    session: Session, *, now: datetime | None = None, job_types: Sequence[JobType] | None = None
) -> list[str]:
    """Enqueue the latest slot of each periodic job not enqueued yet; returns the keys added.

    Idempotent and safe to call from many workers at once (in the caller's transaction).
    """
    now = now or clock.now()
    added = []
    for job_type in periodic_job_types() if job_types is None else job_types:
        assert job_type.cron is not None
        slot = latest_slot(job_type.cron, now)
        if _claim_slot(session, job_type.kind, job_type.cron, slot):
            key = slot_dedupe_key(job_type.kind, slot)
            enqueue(
                session,
                kind=job_type.kind,
                payload={"slot": slot.isoformat()},
                run_at=slot,
                dedupe_key=key,
            )
            added.append(key)
    return added


def _claim_slot(session: Session, kind: str, cron: str, slot: datetime) -> bool:
    dialect = postgresql if is_postgres(session) else sqlite
    insert = dialect.insert(ScheduleSlot).values(kind=kind, cron=cron, last_slot_at=slot)
    inserted = session.execute(insert.on_conflict_do_nothing().returning(ScheduleSlot.kind))
    if inserted.first() is not None:
        return True
    stmt = (
        update(ScheduleSlot)
        .where(ScheduleSlot.kind == kind, ScheduleSlot.last_slot_at < slot)
        .values(last_slot_at=slot, cron=cron)
    )
    return count_rows(session, stmt) == 1


class Scheduler:
    """Remembers each periodic job's next slot so a worker touches the database only when one
    is due."""

    def __init__(self, job_types: Sequence[JobType] | None = None) -> None:
        self._job_types = list(periodic_job_types() if job_types is None else job_types)
        self._next: dict[str, datetime] = {}

    def tick(self, session: Session, now: datetime | None = None) -> list[str]:
        """Enqueue the slots that came due since the last tick; returns the dedupe keys added."""
        now = now or clock.now()
        due = [t for t in self._job_types if t.kind not in self._next or self._next[t.kind] <= now]
        if not due:
            return []
        added = enqueue_periodic_jobs(session, now=now, job_types=due)
        for job_type in due:
            assert job_type.cron is not None
            self._next[job_type.kind] = next_slot(job_type.cron, now)
        return added
