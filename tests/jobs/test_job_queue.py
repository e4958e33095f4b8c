"""The queue on a real database: enqueue, claim, finish, retry, dead-letter, take-over."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from rapport.errors import Conflict, NotFound, ValidationFailed
from rapport.jobs import JobRequest, Worker, cancel_job, enqueue, enqueue_many, list_jobs, retry_job
from rapport.jobs import worker as worker_module
from rapport.jobs.models import Job
from rapport.jobs.worker import backoff_seconds, claim_jobs
from rapport.workspaces.models import Organisation
from tests.jobs.conftest import MovableClock


def _worker(factory: sessionmaker[Session], name: str = "w1") -> Worker:
    return Worker(factory, worker_id=name, lease_seconds=30, run_schedules=False)


def _reload(db: Session, job: Job) -> Job:
    db.expire_all()
    return db.get_one(Job, job.id)


def test_it_adds_the_job_in_the_callers_transaction(session_factory: sessionmaker[Session]) -> None:
    caller = session_factory()
    enqueue(caller, kind="tests.noop")
    caller.rollback()
    assert caller.scalar(select(func.count()).select_from(Job)) == 0
    enqueue(caller, kind="tests.noop")
    caller.commit()
    assert caller.scalar(select(func.count()).select_from(Job)) == 1


def test_it_returns_the_pending_job_for_a_repeated_dedupe_key(db: Session) -> None:
    first = enqueue(db, kind="tests.noop", dedupe_key="post-7")
    again = enqueue(db, kind="tests.noop", payload={"other": 1}, dedupe_key="post-7")
    assert again.id == first.id
    assert db.scalar(select(func.count()).select_from(Job)) == 1


def test_it_enqueues_a_dedupe_key_again_once_the_job_has_finished(
    db: Session, session_factory: sessionmaker[Session]
) -> None:
    first = enqueue(db, kind="tests.noop", dedupe_key="post-8")
    db.commit()
    _worker(session_factory).run_until_empty()
    second = enqueue(db, kind="tests.noop", dedupe_key="post-8")
    assert second.id != first.id


def test_it_bulk_enqueues_and_skips_pending_dedupe_keys(db: Session) -> None:
    enqueue(db, kind="tests.noop", dedupe_key="k1")
    ids = enqueue_many(
        db, [JobRequest("tests.noop", {"n": n}, dedupe_key=f"k{n}") for n in range(1, 4)]
    )
    assert len(ids) == 2
    assert db.scalar(select(func.count()).select_from(Job)) == 3


def test_it_refuses_zero_attempts(db: Session) -> None:
    with pytest.raises(ValidationFailed):
        enqueue(db, kind="tests.noop", max_attempts=0)


def test_it_claims_due_jobs_oldest_first_and_leaves_future_ones(
    db: Session, moving_clock: MovableClock
) -> None:
    later = enqueue(db, kind="tests.noop", run_at=moving_clock.current + timedelta(minutes=5))
    newer = enqueue(db, kind="tests.noop", run_at=moving_clock.current - timedelta(seconds=1))
    older = enqueue(db, kind="tests.noop", run_at=moving_clock.current - timedelta(seconds=9))
    claimed = claim_jobs(db, worker_id="w1", limit=10, lease_seconds=30)
    assert sorted(j.id for j in claimed) == sorted([older.id, newer.id])
    assert all(j.attempts == 1 for j in claimed)
    assert claim_jobs(db, worker_id="w2", limit=10, lease_seconds=30) == []
    assert _reload(db, later).state == "due"


def test_it_marks_a_job_done_with_its_stats_and_commits_the_handlers_work(
    db: Session, session_factory: sessionmaker[Session]
) -> None:
    job = enqueue(db, kind="tests.create_organisation", payload={"name": "acme"})
    db.commit()
    assert _worker(session_factory).run_until_empty() == 1
    job = _reload(db, job)
    assert (job.state, job.result, job.attempts, job.locked_by) == ("done", {"created": 1}, 1, "w1")
    assert job.finished_at is not None and job.lease_until is None
    assert db.scalar(select(func.count()).where(Organisation.slug == "acme")) == 1


def test_it_rolls_back_the_handlers_work_when_it_fails(
    db: Session, session_factory: sessionmaker[Session]
) -> None:
    job = enqueue(db, kind="tests.create_organisation", payload={"name": "half", "fail": True})
    db.commit()
    _worker(session_factory).run_until_empty()
    job = _reload(db, job)
    assert job.state == "dead"
    assert job.last_error is not None and job.last_error.startswith(
        "ValueError: failing after the write"
    )
    assert db.scalar(select(func.count()).where(Organisation.slug == "half")) == 0


def test_it_retries_a_transient_outside_failure_with_growing_back_off(
    db: Session, session_factory: sessionmaker[Session], moving_clock: MovableClock
) -> None:
    job = enqueue(db, kind="tests.call_flaky_service", max_attempts=3)
    db.commit()
    worker = _worker(session_factory)
    delays = []
    for attempt in (1, 2):
        started = moving_clock.current
        assert worker.run_until_empty() == 1
        job = _reload(db, job)
        assert (job.state, job.attempts) == ("failed", attempt)
        delays.append((job.run_at - started).total_seconds())
        assert worker.run_until_empty() == 0, "not before the back-off has passed"
        moving_clock.current = job.run_at
    assert 7.5 <= delays[0] <= 12.5 and 15 <= delays[1] <= 25
    worker.run_until_empty()
    job = _reload(db, job)
    assert (job.state, job.attempts) == ("dead", 3)
    assert "service unavailable" in (job.last_error or "")


def test_it_retries_what_the_job_declares_retryable(
    db: Session, session_factory: sessionmaker[Session]
) -> None:
    job = enqueue(db, kind="tests.time_out")
    db.commit()
    _worker(session_factory).run_until_empty()
    assert _reload(db, job).state == "failed"


@pytest.mark.parametrize(
    ("kind", "payload"),
    [
        ("tests.hit_bug", {}),
        ("tests.call_flaky_service", {"permanent": True}),
        ("tests.unknown_kind", {}),
    ],
)
def test_it_dead_letters_errors_that_retrying_cannot_fix(
    db: Session, session_factory: sessionmaker[Session], kind: str, payload: dict[str, bool]
) -> None:
    job = enqueue(db, kind=kind, payload=payload)
    db.commit()
    _worker(session_factory).run_until_empty()
    job = _reload(db, job)
    assert (job.state, job.attempts) == ("dead", 1)
    assert job.finished_at is not None


def test_backoff_doubles_and_is_capped() -> None:
    assert 7.5 <= backoff_seconds(1) <= 12.5
    assert 60 <= backoff_seconds(4) <= 100
    assert backoff_seconds(30) <= 3600 * 1.25


def test_it_retries_a_dead_job_from_the_dead_letter_list(
    db: Session, session_factory: sessionmaker[Session]
) -> None:
    job = enqueue(db, kind="tests.hit_bug")
    db.commit()
    _worker(session_factory).run_until_empty()
    assert [j.id for j in list_jobs(db, state="dead").items] == [job.id]
    retried = retry_job(db, job_id=job.id)
    assert (retried.state, retried.attempts, retried.finished_at) == ("due", 0, None)
    with pytest.raises(Conflict, match="only dead, failed or cancelled"):
        retry_job(db, job_id=job.id)


def test_it_cancels_a_dead_job_but_not_a_running_one(db: Session) -> None:
    job = enqueue(db, kind="tests.noop")
    cancelled = cancel_job(db, job_id=job.id)
    assert cancelled.state == "cancelled" and cancelled.finished_at is not None
    running = enqueue(db, kind="tests.noop")
    claim_jobs(db, worker_id="w1", limit=1, lease_seconds=30)
    with pytest.raises(Conflict, match="running"):
        cancel_job(db, job_id=running.id)


def test_it_refuses_to_retry_when_the_same_work_is_pending_again(db: Session) -> None:
    job = enqueue(db, kind="tests.noop", dedupe_key="same")
    cancel_job(db, job_id=job.id)
    enqueue(db, kind="tests.noop", dedupe_key="same")
    with pytest.raises(Conflict, match="does the same work"):
        retry_job(db, job_id=job.id)


def test_admin_actions_name_a_missing_job(db: Session) -> None:
    with pytest.raises(NotFound, match="no job #999"):
        retry_job(db, job_id=999)


def test_it_hides_other_workspaces_jobs_from_the_admin_list(db: Session) -> None:
    job = enqueue(db, kind="tests.noop")
    assert list_jobs(db, workspace_ids=[123]).total == 0
    with pytest.raises(NotFound):
        cancel_job(db, job_id=job.id, workspace_ids=[123])
    with pytest.raises(ValidationFailed, match="not a job state"):
        list_jobs(db, state="stuck")


def test_another_worker_takes_over_a_job_whose_lease_expired(
    db: Session, session_factory: sessionmaker[Session], moving_clock: MovableClock
) -> None:
    job = enqueue(db, kind="tests.create_organisation", payload={"name": "once"})
    db.commit()
    crashed = _worker(session_factory, "crashed")
    [held] = crashed._claim(1)
    survivor = _worker(session_factory, "survivor")
    assert survivor.run_until_empty() == 0, "the lease still holds"
    moving_clock.advance(seconds=31)
    assert survivor.run_until_empty() == 1
    job = _reload(db, job)
    assert (job.state, job.attempts, job.locked_by) == ("done", 2, "survivor")
    assert crashed._execute(held) == "lost", "the stale worker's late result is rolled back"
    assert db.scalar(select(func.count()).where(Organisation.slug == "once")) == 1


def test_a_job_that_keeps_losing_its_worker_ends_dead(
    db: Session, session_factory: sessionmaker[Session], moving_clock: MovableClock
) -> None:
    job = enqueue(db, kind="tests.noop", max_attempts=1)
    db.commit()
    _worker(session_factory, "crashed")._claim(1)
    moving_clock.advance(seconds=31)
    _worker(session_factory, "other").run_until_empty()
    job = _reload(db, job)
    assert job.state == "dead" and "Lease expired: worker crashed" in (job.last_error or "")


def test_the_worker_claims_bigger_batches_once_jobs_prove_quick(
    db: Session, session_factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "Quick" is a time: make it generous so a busy CI machine still counts no-ops as quick.
    monkeypatch.setattr(worker_module, "QUICK_JOB_SECONDS", 0.5)
    worker = Worker(session_factory, concurrency=1, prefetch=8, run_schedules=False)
    assert worker._max_held() == 9, "new workers assume slow jobs: small batches"
    for n in range(30):
        enqueue(db, kind="tests.noop", payload={"n": n})
    db.commit()
    assert worker.run_until_empty() == 30
    assert worker._max_held() == 1 + worker_module.QUICK_JOB_BATCH


def test_a_job_that_writes_nothing_is_marked_done_without_a_transaction_of_its_own(
    database,
) -> None:
    """On PostgreSQL the done-mark then runs alone in autocommit; on SQLite as before."""
    factory = sessionmaker(bind=database.engine, expire_on_commit=False)
    with factory.begin() as session:
        job_id = enqueue(session, kind="tests.noop", payload={"n": 7}).id
    try:
        assert Worker(factory, run_schedules=False).run_until_empty() == 1
        with factory() as session:
            job = session.get(Job, job_id)
            assert job is not None and job.state == "done" and job.result == {"seen": 7}
            assert job.lease_until is None and job.finished_at is not None
    finally:
        with factory.begin() as session:
            session.execute(delete(Job).where(Job.id == job_id))
