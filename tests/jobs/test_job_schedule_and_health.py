"""Periodic jobs, the registry, queue health and the stalled-queue watchdog."""

from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from rapport.config import load_settings
from rapport.jobs import enqueue
from rapport.jobs.models import Job
from rapport.jobs.registry import JOB_MODULES, get_job_type, load_all
from rapport.jobs.schedule import Scheduler, enqueue_periodic_jobs, latest_slot
from rapport.jobs.watchdog import check_stalled_queue, queue_health, run_stall_check
from rapport.jobs.worker import Worker
from rapport.notifications.models import Notification
from tests.jobs.conftest import MovableClock, make_owner

SRC = Path(__file__).resolve().parents[2] / "src"
SETTINGS = load_settings(watchdog_minutes=5, smtp_host="")


def _periodic(db: Session) -> list[Job]:
    return list(db.scalars(select(Job).where(Job.kind == "tests.every_five_minutes")))


def test_latest_slot_is_the_last_cron_time_at_or_before_now(moving_clock: MovableClock) -> None:
    now = moving_clock.current.replace(minute=10, second=0)
    assert latest_slot("*/5 * * * *", now) == now
    assert latest_slot("*/5 * * * *", now - timedelta(microseconds=1)) == now - timedelta(minutes=5)


def test_two_workers_enqueue_a_cron_slot_once(db: Session, moving_clock: MovableClock) -> None:
    job_type = get_job_type("tests.every_five_minutes")
    assert job_type is not None
    first, second = Scheduler([job_type]), Scheduler([job_type])
    assert len(first.tick(db)) == 1
    assert second.tick(db) == []
    [job] = _periodic(db)
    assert job.dedupe_key == "tests.every_five_minutes@2030-03-04T09:00:00+00:00"
    job.state = "done"
    db.flush()
    assert enqueue_periodic_jobs(db, job_types=[job_type]) == [], (
        "a done slot is not enqueued again"
    )
    moving_clock.advance(minutes=5)
    assert len(second.tick(db)) == 1
    assert len(_periodic(db)) == 2


def test_every_registered_job_in_src_is_reachable_from_job_modules() -> None:
    declared = {}
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "job" and node.args:
                kind = node.args[0]
                if isinstance(kind, ast.Constant) and isinstance(kind.value, str):
                    declared[kind.value] = path.relative_to(SRC)
    registered = load_all()
    assert declared, "the scan should find the built-in jobs"
    missing = {kind: str(path) for kind, path in declared.items() if kind not in registered}
    assert not missing, f"add these modules to JOB_MODULES {JOB_MODULES}: {missing}"


def test_queue_health_reports_waiting_dead_and_heartbeat(
    db: Session, session_factory: sessionmaker[Session], moving_clock: MovableClock
) -> None:
    empty = queue_health(db)
    assert (empty.oldest_unclaimed_due_age_seconds, empty.due_count, empty.dead_count) == (
        None,
        0,
        0,
    )
    enqueue(db, kind="tests.noop", run_at=moving_clock.current - timedelta(minutes=7))
    enqueue(db, kind="tests.noop", run_at=moving_clock.current + timedelta(minutes=7))
    enqueue(db, kind="tests.hit_bug", run_at=moving_clock.current - timedelta(minutes=9))
    db.commit()
    health = queue_health(db)
    assert (health.oldest_unclaimed_due_age_seconds, health.due_count) == (540.0, 2)
    assert health.is_stalled(5) and not health.is_stalled(10)
    Worker(session_factory, worker_id="w1", run_schedules=False).run_until_empty()
    health = queue_health(db)
    assert (health.due_count, health.dead_count) == (0, 1)
    assert health.last_heartbeat_at == moving_clock.current


def test_the_watchdog_tells_every_owner_once_per_stalled_queue(
    db: Session, moving_clock: MovableClock
) -> None:

    owners = [make_owner(db, "alice"), make_owner(db, "carol")]
    enqueue(db, kind="tests.noop", run_at=moving_clock.current - timedelta(minutes=4))
    assert check_stalled_queue(db, settings=SETTINGS) == [], "not stalled yet"
    moving_clock.advance(minutes=2)
    emails = check_stalled_queue(db, settings=SETTINGS)
    assert sorted(e.to for e in emails) == sorted(o.email for o in owners)
    assert "not running" in emails[0].subject
    assert check_stalled_queue(db, settings=SETTINGS) == [], "the same incident is told once"
    rows = db.scalars(select(Notification).where(Notification.kind == "jobs.queue_stalled")).all()
    assert sorted(n.user_id for n in rows) == sorted(o.id for o in owners)
    assert db.scalar(select(func.count()).where(Job.kind == "notifications.send_email")) == 0


def test_a_flapping_queue_does_not_spam_owners(db: Session, moving_clock: MovableClock) -> None:

    make_owner(db, "alice")
    stuck = enqueue(db, kind="tests.noop", run_at=moving_clock.current - timedelta(minutes=6))
    assert len(check_stalled_queue(db, settings=SETTINGS)) == 1
    stuck.state = "done"
    db.flush()
    assert check_stalled_queue(db, settings=SETTINGS) == [], "recovered: the incident closes"
    enqueue(db, kind="tests.noop", run_at=moving_clock.current - timedelta(minutes=6))
    assert check_stalled_queue(db, settings=SETTINGS) == [], "stalled again within hours: quiet"
    moving_clock.advance(hours=7)
    assert len(check_stalled_queue(db, settings=SETTINGS)) == 1


def test_the_web_process_check_runs_at_most_once_a_minute(
    session_factory: sessionmaker[Session],
) -> None:
    assert run_stall_check(session_factory, settings=SETTINGS, min_interval_seconds=0.0)
    assert run_stall_check(session_factory, settings=SETTINGS, min_interval_seconds=60.0) is False
