"""A worker process for the multi-process tests: ``python worker_process.py URL ID LEASE THREADS``.

Its one job kind records each execution in ``job_execution`` inside the job's transaction,
so a duplicate or lost execution shows up as a missing or doubled row.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from rapport.db import make_engine, session_factory
from rapport.jobs import Worker, current_job, job


@job("tests.record_execution")
def record_execution(session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    running = current_job()
    session.execute(
        text("INSERT INTO job_execution (job_id, worker) VALUES (:job_id, :worker)"),
        {"job_id": running.id, "worker": running.worker_id},
    )
    time.sleep(payload.get("sleep", 0.02))
    return {"recorded": 1}


def main(url: str, worker_id: str, lease_seconds: float, concurrency: int) -> None:
    logging.basicConfig(level=logging.WARNING, format=f"{worker_id} %(levelname)s %(message)s")
    worker = Worker(
        session_factory(make_engine(url)),
        concurrency=concurrency,
        worker_id=worker_id,
        lease_seconds=lease_seconds,
        poll_seconds=0.05,
        heartbeat_seconds=0.25,
        run_schedules=False,
    )
    worker.install_signal_handlers()
    worker.run()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4]))
