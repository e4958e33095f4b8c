"""Two real worker processes on one committed database; one is SIGKILLed mid-run."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine

import tests.conftest as root
from rapport.config import load_settings
from rapport.core import clock
from rapport.db import session_factory, unit_of_work
from rapport.jobs import JobRequest, Worker, enqueue_many
from rapport.web.app import create_app
from tests.jobs import worker_process

SCRIPT = Path(__file__).with_name("worker_process.py")
JOBS = 200
LEASE_SECONDS = 2.0


@pytest.fixture(params=["postgres", "sqlite"])
def committed_database(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[root.TestDatabase]:
    if request.param == "postgres" and not root.POSTGRES_URL:
        pytest.skip("PostgreSQL is not configured: set RAPPORT_TEST_POSTGRES_URL")
    databases = root.create_test_database(request.param, tmp_path)
    database = next(databases)
    yield database
    for _ in databases:
        pass


def _scalar(engine: Engine, sql: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(sql)).scalar_one())


def _ids(engine: Engine, sql: str) -> set[int]:
    with engine.connect() as conn:
        return {int(row[0]) for row in conn.execute(text(sql))}


def _ran(engine: Engine, worker: str) -> int:
    return _scalar(engine, f"SELECT count(*) FROM job_execution WHERE worker = '{worker}'")


def _count_done(engine: Engine) -> int:
    return _scalar(engine, "SELECT count(*) FROM job WHERE state = 'done'")


def _holds_jobs(engine: Engine, worker: str) -> bool:
    done = _ran(engine, worker)
    held = _scalar(
        engine, f"SELECT count(*) FROM job WHERE state = 'running' AND locked_by = '{worker}'"
    )
    return done >= 3 and held >= 1


def _wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _start(database: root.TestDatabase, worker_id: str, log_dir: Path) -> subprocess.Popen[bytes]:
    args = [sys.executable, str(SCRIPT), database.url, worker_id, str(LEASE_SECONDS), "2"]
    log = (log_dir / f"{worker_id}.log").open("wb")
    return subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)


def test_every_job_runs_exactly_once_when_a_worker_process_is_killed_mid_run(
    committed_database: root.TestDatabase, tmp_path: Path
) -> None:
    engine = committed_database.engine
    with engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TABLE job_execution (job_id INTEGER NOT NULL, worker VARCHAR(200) NOT NULL)"
            )
        )
    with unit_of_work(session_factory(engine)) as session:
        enqueue_many(session, [JobRequest("tests.record_execution", {"n": n}) for n in range(JOBS)])

    doomed = _start(committed_database, "doomed", tmp_path)
    survivor = None
    try:
        _wait_for(lambda: _holds_jobs(engine, "doomed"), 60, "the first worker to be mid-run")
        survivor = _start(committed_database, "survivor", tmp_path)
        # SQLite's lock is unfair between processes, so kill while the first still holds jobs.
        _wait_for(lambda: _holds_jobs(engine, "doomed"), 60, "the first worker to hold jobs")
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(10)
        time.sleep(0.2)  # let PostgreSQL notice the dead connection and roll its transaction back
        held_when_killed = _scalar(
            engine, "SELECT count(*) FROM job WHERE state = 'running' AND locked_by = 'doomed'"
        )
        started_when_killed = _ids(
            engine,
            "SELECT id FROM job WHERE state = 'running' AND locked_by = 'doomed' "
            "AND started_at IS NOT NULL",
        )
        _wait_for(lambda: _count_done(engine) == JOBS, 120, "all jobs done")
    finally:
        for process in (doomed, survivor):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(30)

    assert survivor.returncode == 0, (tmp_path / "survivor.log").read_text()
    assert _scalar(engine, "SELECT count(*) FROM job_execution") == JOBS
    assert _scalar(engine, "SELECT count(DISTINCT job_id) FROM job_execution") == JOBS
    assert _scalar(engine, "SELECT count(*) FROM job WHERE state <> 'done'") == 0
    assert held_when_killed >= 1
    assert held_when_killed >= len(started_when_killed)
    counted = _ids(engine, "SELECT id FROM job WHERE attempts = 2 AND locked_by = 'survivor'")
    assert counted == started_when_killed, "only the jobs it had started cost an attempt"
    assert (
        _scalar(engine, "SELECT count(*) FROM worker_heartbeat WHERE stopped_at IS NOT NULL") == 1
    )


def test_health_reports_a_killed_worker_until_a_live_one_takes_over(
    committed_database: root.TestDatabase, tmp_path: Path
) -> None:
    """The outside review: after a SIGKILL, jobs stayed running with expired leases and /healthz
    said ok for minutes. Now it says degraded, with what and since when, until a worker runs."""
    engine = committed_database.engine
    with engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TABLE job_execution (job_id INTEGER NOT NULL, worker VARCHAR(200) NOT NULL)"
            )
        )
    with unit_of_work(session_factory(engine)) as session:
        enqueue_many(
            session,
            [JobRequest("tests.record_execution", {"n": n, "sleep": 0.05}) for n in range(40)],
        )
    doomed = _start(committed_database, "doomed", tmp_path)
    try:
        _wait_for(lambda: _holds_jobs(engine, "doomed"), 60, "the worker to be mid-run")
    finally:
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(10)
    settings = load_settings(
        env="test", data_dir=tmp_path / "data", secret_key=root.SECRET_KEY, smtp_host=""
    )
    app = create_app(settings, session_factory(engine))
    later = clock.now() + timedelta(seconds=90)  # past the lease, its grace and the heartbeat
    clock.set_clock(lambda: later)
    try:
        with TestClient(app) as client:
            body = client.get("/healthz").json()
            assert body["status"] == "degraded"
            kinds = {stall["kind"]: stall for stall in body["stalled"]}
            assert set(kinds) == {"expired_leases", "missing_heartbeat"}
            assert kinds["expired_leases"]["count"] == body["jobs"]["expired_leases"] >= 1
            assert body["workers"]["missing"] == ["doomed"]
            assert all(stall["since"] < later.isoformat() for stall in body["stalled"])
            assert worker_process.record_execution  # the survivor here runs the same job kind
            survivor = Worker(session_factory(engine), worker_id="survivor", run_schedules=False)
            survivor.run_until_empty()
            body = client.get("/healthz").json()
            assert body["status"] == "ok" and "stalled" not in body, body
    finally:
        clock.set_clock(None)
    assert _count_done(engine) == 40
