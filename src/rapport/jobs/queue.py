"""Enqueue jobs in the caller's transaction, and the admin actions of the dead-letter page.

Nothing here commits: a state change and the job it causes land in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, Executable, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from rapport.core import clock
from rapport.db import is_postgres
from rapport.errors import Conflict, NotFound, ValidationFailed
from rapport.jobs.models import JOB_STATES, PENDING_SQL, PENDING_STATES, Job


@dataclass(frozen=True)
class JobRequest:
    """One job to enqueue with ``enqueue_many``; the fields mean what ``enqueue``'s do."""

    kind: str
    payload: dict[str, Any] = field(default_factory=dict)
    run_at: datetime | None = None
    dedupe_key: str | None = None
    workspace_id: int | None = None
    max_attempts: int = 5


@dataclass(frozen=True)
class JobPage:
    items: list[Job]
    total: int


def enqueue(
    session: Session,
    *,
    kind: str,
    payload: dict[str, Any] | None = None,
    run_at: datetime | None = None,
    dedupe_key: str | None = None,
    workspace_id: int | None = None,
    max_attempts: int = 5,
) -> Job:
    """Add a job to the caller's transaction (it is flushed, never committed) and return it.

    Idempotent per ``dedupe_key``: while a job with that key is due, running or waiting for a
    retry, the existing job is returned and nothing is added.
    """
    request = JobRequest(kind, payload or {}, run_at, dedupe_key, workspace_id, max_attempts)
    row = _row(request, clock.now())
    if dedupe_key is None:
        job = Job(**row)
        session.add(job)
        session.flush()
        return job
    new_id = session.execute(_insert_ignoring_duplicates(session).values(**row).returning(Job.id))
    job_id = new_id.scalar_one_or_none() or _pending_id(session, dedupe_key)
    return session.get_one(Job, job_id)


def enqueue_many(session: Session, requests: Sequence[JobRequest]) -> list[int]:
    """Bulk-insert jobs in the caller's transaction; returns the ids of the jobs added.

    Requests whose ``dedupe_key`` is already pending are skipped (their ids are not returned).
    """
    if not requests:
        return []
    now = clock.now()
    rows = [_row(request, now) for request in requests]
    stmt = _insert_ignoring_duplicates(session).returning(Job.id)
    return list(session.scalars(stmt, rows))


def _row(request: JobRequest, now: datetime) -> dict[str, Any]:
    if request.max_attempts < 1:
        raise ValidationFailed("max_attempts", "must be at least 1.")
    return {
        "kind": request.kind,
        "payload": request.payload,
        "workspace_id": request.workspace_id,
        "state": "due",
        "run_at": request.run_at or now,
        "attempts": 0,
        "max_attempts": request.max_attempts,
        "dedupe_key": request.dedupe_key,
        "created_at": now,
    }


def _insert_ignoring_duplicates(session: Session) -> postgresql.Insert | sqlite.Insert:
    where = text(PENDING_SQL)
    if is_postgres(session):
        return postgresql.insert(Job).on_conflict_do_nothing(
            index_elements=["dedupe_key"], index_where=where
        )
    return sqlite.insert(Job).on_conflict_do_nothing(
        index_elements=["dedupe_key"], index_where=where
    )


def count_rows(session: Session, stmt: Executable, *, synchronize: str | bool = False) -> int:
    """Execute an UPDATE/DELETE (by default without syncing the session); returns rows matched."""
    result = session.execute(stmt.execution_options(synchronize_session=synchronize))
    assert isinstance(result, CursorResult)
    return int(result.rowcount)


def _pending_id(session: Session, dedupe_key: str) -> int:
    stmt = select(Job.id).where(Job.dedupe_key == dedupe_key, Job.state.in_(PENDING_STATES))
    return session.scalars(stmt).one()


def list_jobs(
    session: Session,
    *,
    state: str | None = None,
    kind: str | None = None,
    workspace_ids: Sequence[int] | None = None,
    limit: int = 50,
    offset: int = 0,
) -> JobPage:
    """Jobs newest first. ``workspace_ids`` limits them to those workspaces (None: all jobs)."""
    if state is not None and state not in JOB_STATES:
        raise ValidationFailed(
            "state", f"'{state}' is not a job state.", f"Use one of {', '.join(JOB_STATES)}."
        )
    stmt = select(Job)
    if state is not None:
        stmt = stmt.where(Job.state == state)
    if kind is not None:
        stmt = stmt.where(Job.kind == kind)
    if workspace_ids is not None:
        stmt = stmt.where(Job.workspace_id.in_(workspace_ids))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    items = session.scalars(stmt.order_by(Job.id.desc()).limit(limit).offset(offset)).all()
    return JobPage(items=list(items), total=total)


def get_job(session: Session, *, job_id: int, workspace_ids: Sequence[int] | None = None) -> Job:
    """The job, locked for update; raises NotFound when missing or outside ``workspace_ids``."""
    stmt = select(Job).where(Job.id == job_id).with_for_update()
    stmt = stmt.execution_options(populate_existing=True)
    if workspace_ids is not None:
        stmt = stmt.where(Job.workspace_id.in_(workspace_ids))
    job = session.scalars(stmt).one_or_none()
    if job is None:
        raise NotFound(f"There is no job #{job_id}.")
    return job


def retry_job(session: Session, *, job_id: int, workspace_ids: Sequence[int] | None = None) -> Job:
    """Make a dead, failed or cancelled job due now with a fresh set of attempts.

    Raises Conflict when the job is due, running or done, or when another job with the same
    dedupe key is already pending.
    """
    job = get_job(session, job_id=job_id, workspace_ids=workspace_ids)
    if job.state not in ("dead", "failed", "cancelled"):
        raise Conflict(
            f"Job #{job.id} is {job.state}; only dead, failed or cancelled jobs can be retried."
        )
    if job.dedupe_key and job.state != "failed":
        _refuse_duplicate(session, job)
    job.state, job.run_at, job.attempts = "due", clock.now(), 0
    job.finished_at = job.lease_until = None
    session.flush()
    return job


def _refuse_duplicate(session: Session, job: Job) -> None:
    stmt = select(Job.id).where(Job.dedupe_key == job.dedupe_key, Job.state.in_(PENDING_STATES))
    other = session.scalars(stmt).first()
    if other is not None:
        raise Conflict(
            f"Job #{job.id} can't be retried: job #{other} does the same work and is pending."
        )


def cancel_job(session: Session, *, job_id: int, workspace_ids: Sequence[int] | None = None) -> Job:
    """Cancel a due, failed or dead job so it never runs. Raises Conflict when it is running or
    already finished (done or cancelled)."""
    job = get_job(session, job_id=job_id, workspace_ids=workspace_ids)
    if job.state not in ("due", "failed", "dead"):
        raise Conflict(
            f"Job #{job.id} is {job.state}; only due, failed or dead jobs can be cancelled."
        )
    job.state, job.finished_at, job.lease_until = "cancelled", clock.now(), None
    session.flush()
    return job
