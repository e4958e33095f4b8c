"""The job table, worker heartbeats and the last enqueued slot of each periodic job."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from rapport.core import clock
from rapport.db import Base, IdMixin

JOB_STATES = ("due", "running", "done", "failed", "dead", "cancelled")
"""`failed` waits for a retry at `run_at`; `dead` is the dead-letter state."""

PENDING_STATES = ("due", "running", "failed")
FINISHED_STATES = ("done", "dead", "cancelled")

# Literal SQL (not bound parameters) so both planners can match the partial indexes.
READY_SQL = "state IN ('due', 'failed')"
RUNNING_SQL = "state = 'running'"
PENDING_SQL = "state IN ('due', 'running', 'failed')"


class Job(IdMixin, Base):
    """One unit of background work; claimed with a lease, finished exactly once."""

    __tablename__ = "job"
    __table_args__ = (
        Index(
            "ix_job_ready",
            "run_at",
            "id",
            sqlite_where=text(READY_SQL),
            postgresql_where=text(READY_SQL),
        ),
        Index(
            "ix_job_running",
            "lease_until",
            sqlite_where=text(RUNNING_SQL),
            postgresql_where=text(RUNNING_SQL),
        ),
        Index(
            "uq_job_pending_dedupe_key",
            "dedupe_key",
            unique=True,
            sqlite_where=text(PENDING_SQL),
            postgresql_where=text(PENDING_SQL),
        ),
        Index("ix_job_state_id", "state", "id"),
    )

    kind: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    workspace_id: Mapped[int | None] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), index=True, default=None
    )
    state: Mapped[str] = mapped_column(String(12), default="due")
    run_at: Mapped[datetime] = mapped_column(default=clock.now)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=5)
    lease_until: Mapped[datetime | None] = mapped_column(default=None)
    locked_by: Mapped[str | None] = mapped_column(String(120), default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    dedupe_key: Mapped[str | None] = mapped_column(String(200), default=None)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    """When the claiming worker began running it; empty while only claimed (prefetched)."""
    finished_at: Mapped[datetime | None] = mapped_column(default=None)


class WorkerHeartbeat(Base):
    """One row per worker run; `last_seen_at` moves every few seconds while it lives."""

    __tablename__ = "worker_heartbeat"

    worker_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    host: Mapped[str] = mapped_column(String(200))
    pid: Mapped[int] = mapped_column(Integer)
    concurrency: Mapped[int] = mapped_column(Integer, default=1)
    started_at: Mapped[datetime] = mapped_column(default=clock.now)
    last_seen_at: Mapped[datetime] = mapped_column(default=clock.now, index=True)
    stopped_at: Mapped[datetime | None] = mapped_column(default=None)


class ScheduleSlot(Base):
    """The latest cron slot enqueued for a periodic job kind: the claim that makes it once."""

    __tablename__ = "job_schedule"

    kind: Mapped[str] = mapped_column(String(100), primary_key=True)
    cron: Mapped[str] = mapped_column(String(100))
    last_slot_at: Mapped[datetime] = mapped_column()


class WatchdogState(Base):
    """A single row (id 1): the open stalled-queue incident, so owners are told once."""

    __tablename__ = "job_watchdog"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_started_at: Mapped[datetime | None] = mapped_column(default=None)
    last_notified_at: Mapped[datetime | None] = mapped_column(default=None)
