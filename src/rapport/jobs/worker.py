"""The worker: claims due jobs in batches under a lease and runs each in its own transaction.

Exactly once, as far as the database is concerned: a handler's writes and the job's move to
``done`` commit together, and only while this worker still holds the job's lease (same
``locked_by`` and ``attempts``). A worker killed mid-job leaves the job ``running`` until its
lease expires; any live worker then makes it claimable again, counting the lost attempt.
"""

from __future__ import annotations

import logging
import os
import queue
import random
import signal
import socket
import threading
import time
import traceback
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import FrameType
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Table,
    bindparam,
    delete,
    func,
    literal,
    select,
    text,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from rapport.core import clock
from rapport.db import is_postgres, unit_of_work
from rapport.errors import ExternalServiceError
from rapport.jobs.models import READY_SQL, RUNNING_SQL, Job, WorkerHeartbeat
from rapport.jobs.queue import count_rows
from rapport.jobs.registry import JobType, get_job_type, load_all
from rapport.jobs.schedule import Scheduler

log = logging.getLogger("rapport.jobs")

BACKOFF_BASE_SECONDS = 10.0
BACKOFF_CAP_SECONDS = 3600.0
HEARTBEAT_RETENTION = timedelta(days=7)
QUICK_JOB_SECONDS = 0.02
QUICK_JOB_BATCH = 32


@dataclass(frozen=True)
class ClaimedJob:
    """A job this worker holds: ``attempts`` (already counting this run) is the lease token."""

    id: int
    kind: str
    payload: dict[str, Any]
    attempts: int
    max_attempts: int
    workspace_id: int | None
    worker_id: str


_current_job: ContextVar[ClaimedJob | None] = ContextVar("rapport_current_job", default=None)


def current_job() -> ClaimedJob:
    """The job whose handler is running in this thread; RuntimeError outside a handler."""
    job = _current_job.get()
    if job is None:
        raise RuntimeError("current_job() is only available inside a job handler")
    return job


def backoff_seconds(attempt: int) -> float:
    """Delay before retry number ``attempt`` (1-based): exponential, capped, with ±25 % jitter."""
    delay = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(0, attempt - 1))
    return float(delay * random.uniform(0.75, 1.25))


def is_retryable(exc: BaseException, job_type: JobType | None) -> bool:
    """Transient outside-service errors and the job's declared ``retry_on`` types; nothing else."""
    if isinstance(exc, ExternalServiceError):
        return not exc.permanent
    return job_type is not None and isinstance(exc, job_type.retry_on)


_CLAIM_COLUMNS = (Job.id, Job.kind, Job.payload, Job.attempts, Job.max_attempts, Job.workspace_id)


def claim_jobs(
    session: Session,
    *,
    worker_id: str,
    limit: int,
    lease_seconds: float,
    now: datetime | None = None,
) -> list[ClaimedJob]:
    """Move up to ``limit`` due jobs (oldest ``run_at`` first) to ``running`` under a lease.

    PostgreSQL: ``SELECT … FOR UPDATE SKIP LOCKED`` feeding an UPDATE, so workers never wait for
    each other. SQLite: the ids are read without a lock, then a conditional UPDATE (which takes
    the write lock, see ``rapport.db``) claims those still ready. Caller commits.
    """
    now = now or clock.now()
    ready = (
        select(Job.id)
        .where(text(READY_SQL), Job.run_at <= now)
        .order_by(Job.run_at, Job.id)
        .limit(limit)
    )
    values = {
        "state": "running",
        "locked_by": worker_id,
        "lease_until": now + timedelta(seconds=lease_seconds),
        "attempts": Job.attempts + 1,
    }
    if is_postgres(session):
        picked = ready.with_for_update(skip_locked=True).cte("picked")
        stmt = update(Job).where(Job.id == picked.c.id)
    else:
        ids = list(session.scalars(ready))
        if not ids:
            return []
        stmt = update(Job).where(text(READY_SQL), Job.id.in_(ids))
    stmt = (
        stmt.values(values).returning(*_CLAIM_COLUMNS).execution_options(synchronize_session=False)
    )
    rows = session.execute(stmt).all()
    return sorted((_claimed(tuple(row), worker_id) for row in rows), key=lambda j: j.id)


def _claimed(row: Sequence[Any], worker_id: str) -> ClaimedJob:
    return ClaimedJob(row[0], row[1], row[2], row[3], row[4], row[5], worker_id)


def _owned(job: ClaimedJob) -> ColumnElement[bool]:
    return (
        (Job.id == job.id)
        & text(RUNNING_SQL)
        & (Job.locked_by == job.worker_id)
        & (Job.attempts == job.attempts)
    )


# Built once: the hot path of every job. A prepared Core statement skips the ORM's bulk-update
# machinery and SQLAlchemy's per-statement cache-key work.
_JOBS = cast(Table, Job.__table__)
_MARK_DONE = (
    update(_JOBS)
    .where(
        _JOBS.c.id == bindparam("b_id"),
        _JOBS.c.state == "running",
        _JOBS.c.locked_by == bindparam("b_worker"),
        _JOBS.c.attempts == bindparam("b_attempts"),
    )
    .values(
        state="done",
        result=bindparam("b_result", type_=_JOBS.c.result.type),
        finished_at=bindparam("b_finished", type_=_JOBS.c.finished_at.type),
        lease_until=None,
    )
)


def _mark_done(session: Session, job: ClaimedJob, stats: dict[str, Any]) -> bool:
    """Record the job as done, only while this worker still holds it; False when it lost it."""
    return session.connection().execute(_MARK_DONE, _done_params(job, stats)).rowcount == 1


def _done_params(job: ClaimedJob, stats: dict[str, Any]) -> dict[str, Any]:
    return {
        "b_id": job.id,
        "b_worker": job.worker_id,
        "b_attempts": job.attempts,
        "b_result": stats,
        "b_finished": clock.now(),
    }


def _update_owned(session: Session, job: ClaimedJob, **values: Any) -> bool:
    stmt = update(Job).where(_owned(job)).values(**values)
    return count_rows(session, stmt) == 1


def reap_expired_leases(session: Session, *, now: datetime | None = None) -> int:
    """Make jobs whose lease ran out claimable again (or dead when out of attempts).

    Returns how many were reaped. Idempotent; any worker (or the watchdog) may call it.
    """
    now = now or clock.now()
    expired = text(RUNNING_SQL) & (Job.lease_until < now)
    message = (
        literal("Lease expired: worker ")
        + func.coalesce(Job.locked_by, "?")
        + literal(" stopped or stalled while running it.")
    )
    dead = update(Job).where(expired, Job.attempts >= Job.max_attempts)
    dead = dead.values(state="dead", finished_at=now, lease_until=None, last_error=message)
    retry = (
        update(Job)
        .where(expired)
        .values(state="failed", run_at=now, lease_until=None, last_error=message)
    )
    count = 0
    for stmt in (dead, retry):
        count += count_rows(session, stmt)
    if count:
        log.warning("reaped %d job(s) whose worker stopped mid-run", count)
    return count


def renew_leases(
    session: Session, *, worker_id: str, lease_seconds: float, now: datetime | None = None
) -> int:
    """Extend the lease of every job ``worker_id`` holds; returns how many."""
    until = (now or clock.now()) + timedelta(seconds=lease_seconds)
    stmt = (
        update(Job).where(text(RUNNING_SQL), Job.locked_by == worker_id).values(lease_until=until)
    )
    return count_rows(session, stmt)


def release_jobs(session: Session, jobs: list[ClaimedJob]) -> int:
    """Hand claimed-but-unstarted jobs back (shutdown): due again, the attempt not counted."""
    released = 0
    for job in jobs:
        values = {
            "state": "due",
            "attempts": job.attempts - 1,
            "lease_until": None,
            "locked_by": None,
        }
        released += _update_owned(session, job, **values)
    return released


def _error_text(exc: BaseException) -> str:
    text_ = "".join(traceback.format_exception(exc))
    return f"{type(exc).__name__}: {exc}\n\n{text_[-3500:]}"


class UnknownJobKind(Exception):
    """No handler is registered for a job's kind (is its module in JOB_MODULES?)."""


class Worker:
    """Runs jobs with ``concurrency`` threads, each job in its own session and transaction.

    ``run()`` blocks until ``stop()`` (or SIGTERM/SIGINT after ``install_signal_handlers()``),
    finishing jobs already started and handing back the ones only claimed. ``run_once()`` and
    ``run_until_empty()`` run jobs in the calling thread (tests, the CLI).
    """

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        *,
        concurrency: int = 1,
        worker_id: str | None = None,
        lease_seconds: float = 60.0,
        prefetch: int = 8,
        poll_seconds: float = 1.0,
        heartbeat_seconds: float | None = None,
        run_schedules: bool = True,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self._factory = session_factory
        self.concurrency = concurrency
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{os.urandom(3).hex()}"
        self.lease_seconds = lease_seconds
        self.poll_seconds = poll_seconds
        self.heartbeat_seconds = heartbeat_seconds or min(5.0, lease_seconds / 3)
        self._prefetch = max(0, prefetch)
        self._seconds_per_job = QUICK_JOB_SECONDS * 10  # assume slow jobs until they prove quick
        self._scheduler = Scheduler() if run_schedules else None
        self._stop = threading.Event()
        self._cond = threading.Condition()
        self._held = 0
        self._executed = 0
        self._queue: queue.Queue[ClaimedJob | None] = queue.Queue()

    # -- synchronous API ---------------------------------------------------------------------

    def run_once(self) -> int:
        """Reap expired leases, claim one batch and run it here; returns how many jobs ran."""
        load_all()
        with unit_of_work(self._factory) as session:
            reap_expired_leases(session)
        jobs = self._claim(self._max_held())
        for job in jobs:
            self._timed_execute(job)
        return len(jobs)

    def _max_held(self) -> int:
        """How many jobs to hold (running plus claimed): more while recent jobs were quick.

        Claiming is a transaction of its own, so quick jobs are claimed in bigger batches; slow
        jobs in small ones, so that another worker process can take the rest.
        """
        quick = self._seconds_per_job < QUICK_JOB_SECONDS
        return self.concurrency + (
            max(self._prefetch, QUICK_JOB_BATCH) if quick else self._prefetch
        )

    def _timed_execute(self, job: ClaimedJob) -> None:
        started = time.perf_counter()
        self._execute(job)
        elapsed = time.perf_counter() - started
        with self._cond:
            self._seconds_per_job = 0.8 * self._seconds_per_job + 0.2 * elapsed

    def run_until_empty(self) -> int:
        """Run until no job is due (retries scheduled later don't count); returns how many ran.

        With ``concurrency`` > 1 the worker's threads are used.
        """
        if self.concurrency > 1:
            return self.run(stop_when_idle=True)
        self.beat()
        total = 0
        while ran := self.run_once():
            total += ran
        return total

    # -- threaded API ------------------------------------------------------------------------

    def run(self, *, stop_when_idle: bool = False) -> int:
        """Run until stopped (with ``stop_when_idle``: until nothing is due); returns jobs run."""
        load_all()
        self._stop.clear()
        self._executed = 0
        self.beat()
        threads = [
            threading.Thread(target=self._heartbeat_loop, name="jobs-heartbeat", daemon=True)
        ]
        threads += [
            threading.Thread(target=self._executor_loop, name=f"jobs-{n}", daemon=True)
            for n in range(self.concurrency)
        ]
        for thread in threads:
            thread.start()
        log.info("worker %s started with %d thread(s)", self.worker_id, self.concurrency)
        try:
            self._dispatch(stop_when_idle)
        finally:
            self._shutdown(threads)
        return self._executed

    def stop(self) -> None:
        """Ask ``run()`` to finish the jobs it started and return. Safe from any thread."""
        self._stop.set()
        with self._cond:
            self._cond.notify_all()

    def install_signal_handlers(self) -> None:
        """SIGTERM/SIGINT stop gracefully; a second SIGINT interrupts at once. Main thread only."""

        def handle(signum: int, _frame: FrameType | None) -> None:
            log.info(
                "worker %s: %s received, finishing current jobs",
                self.worker_id,
                signal.Signals(signum).name,
            )
            signal.signal(signal.SIGINT, signal.default_int_handler)
            self.stop()

        signal.signal(signal.SIGTERM, handle)
        signal.signal(signal.SIGINT, handle)

    def _dispatch(self, stop_when_idle: bool) -> None:
        low_water = self.concurrency
        while not self._stop.is_set():
            with self._cond:
                self._cond.wait_for(
                    lambda: self._stop.is_set() or self._held <= low_water,
                    timeout=self.poll_seconds,
                )
                room = self._max_held() - self._held
            if self._stop.is_set() or room <= 0:
                continue
            claimed = self._claim_safely(room)
            with self._cond:
                if claimed:
                    self._held += len(claimed)
                    for job in claimed:
                        self._queue.put(job)
                    continue
                if stop_when_idle and self._held == 0:
                    return
                self._cond.wait(timeout=self.poll_seconds)

    def _claim_safely(self, limit: int) -> list[ClaimedJob]:
        try:
            return self._claim(limit)
        except Exception:
            log.exception("worker %s could not claim jobs; retrying", self.worker_id)
            self._stop.wait(self.poll_seconds)
            return []

    def _executor_loop(self) -> None:
        while (job := self._queue.get()) is not None:
            try:
                self._timed_execute(job)
            finally:
                with self._cond:
                    self._held -= 1
                    self._executed += 1
                    self._cond.notify_all()

    def _heartbeat_loop(self) -> None:
        while not self._stop.wait(self.heartbeat_seconds):
            self.beat()

    def _shutdown(self, threads: list[threading.Thread]) -> None:
        self._stop.set()
        unstarted = self._drain_queue()
        for _ in range(self.concurrency):
            self._queue.put(None)
        for thread in threads:
            thread.join()
        with unit_of_work(self._factory) as session:
            released = release_jobs(session, unstarted)
            _touch_heartbeat(session, self, stopped=True)
        log.info("worker %s stopped (%d claimed job(s) handed back)", self.worker_id, released)

    def _drain_queue(self) -> list[ClaimedJob]:
        jobs: list[ClaimedJob] = []
        while True:
            try:
                job = self._queue.get_nowait()
            except queue.Empty:
                return jobs
            if job is not None:
                jobs.append(job)

    def beat(self) -> None:
        """What the heartbeat thread does every few seconds: record this worker as alive, renew
        its leases, reap expired ones, enqueue due periodic jobs. Logs failures, never raises."""
        try:
            with unit_of_work(self._factory) as session:
                _touch_heartbeat(session, self)
                renew_leases(session, worker_id=self.worker_id, lease_seconds=self.lease_seconds)
                reap_expired_leases(session)
            if self._scheduler is not None:
                with unit_of_work(self._factory) as session:
                    self._scheduler.tick(session)
        except Exception:
            log.exception("worker %s heartbeat failed; will retry", self.worker_id)

    # -- one job -----------------------------------------------------------------------------

    def _claim(self, limit: int) -> list[ClaimedJob]:
        with unit_of_work(self._factory) as session:
            return claim_jobs(
                session, worker_id=self.worker_id, limit=limit, lease_seconds=self.lease_seconds
            )

    def _execute(self, job: ClaimedJob) -> str:
        """Run one claimed job; returns its new state (or ``lost`` when the lease was lost)."""
        job_type = get_job_type(job.kind)
        token = _current_job.set(job)
        started = time.perf_counter()
        try:
            if job_type is None:
                raise UnknownJobKind(f"no handler is registered for job kind {job.kind!r}")
            state, stats = self._run_handler(job, job_type)
        except Exception as exc:
            return self._record_failure(job, job_type, exc)
        finally:
            _current_job.reset(token)
        if state == "lost":
            log.warning(
                "job #%d %s: lease lost to another worker; its work was rolled back",
                job.id,
                job.kind,
            )
        else:
            elapsed_ms = (time.perf_counter() - started) * 1000
            log.info("job #%d %s done in %.0f ms: %s", job.id, job.kind, elapsed_ms, stats)
        return state

    def _run_handler(self, job: ClaimedJob, job_type: JobType) -> tuple[str, dict[str, Any]]:
        with self._factory() as session:
            stats = job_type.func(session, job.payload) or {}
            if not isinstance(stats, dict):
                raise TypeError(f"job {job.kind} returned {type(stats).__name__}, not a stats dict")
            bind = session.get_bind()
            if (
                not session.in_transaction()
                and isinstance(bind, Engine)
                and bind.dialect.name == "postgresql"
            ):
                # The handler wrote nothing (an email, a call to a network): the done-mark is
                # one statement, atomic alone, so it needs no BEGIN/COMMIT round trips.
                with bind.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    done = conn.execute(_MARK_DONE, _done_params(job, stats)).rowcount == 1
                return ("done" if done else "lost"), stats
            if not _mark_done(session, job, stats):
                session.rollback()
                return "lost", stats
            session.commit()
        return "done", stats

    def _record_failure(self, job: ClaimedJob, job_type: JobType | None, exc: Exception) -> str:
        now = clock.now()
        if is_retryable(exc, job_type) and job.attempts < job.max_attempts:
            delay = backoff_seconds(job.attempts)
            values: dict[str, Any] = {"state": "failed", "run_at": now + timedelta(seconds=delay)}
            log.warning(
                "job #%d %s failed (attempt %d/%d), retry in %.0f s: %s",
                job.id,
                job.kind,
                job.attempts,
                job.max_attempts,
                delay,
                exc,
            )
        else:
            values = {"state": "dead", "finished_at": now}
            log.error(
                "job #%d %s is dead after attempt %d: %s",
                job.id,
                job.kind,
                job.attempts,
                exc,
                exc_info=exc,
            )
        with unit_of_work(self._factory) as session:
            moved = _update_owned(
                session, job, lease_until=None, last_error=_error_text(exc), **values
            )
        return str(values["state"]) if moved else "lost"


def _touch_heartbeat(session: Session, worker: Worker, *, stopped: bool = False) -> None:
    now = clock.now()
    stmt = update(WorkerHeartbeat).where(WorkerHeartbeat.worker_id == worker.worker_id)
    stmt = stmt.values(last_seen_at=now, stopped_at=now if stopped else None)
    if count_rows(session, stmt) == 0:
        session.add(
            WorkerHeartbeat(
                worker_id=worker.worker_id,
                host=socket.gethostname(),
                pid=os.getpid(),
                concurrency=worker.concurrency,
                started_at=now,
                last_seen_at=now,
            )
        )
        cutoff = now - HEARTBEAT_RETENTION
        count_rows(session, delete(WorkerHeartbeat).where(WorkerHeartbeat.last_seen_at < cutoff))
