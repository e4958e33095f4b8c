"""Job-queue throughput: Rapport's queue on SQLite and PostgreSQL next to procrastinate.

Run: ``.venv/bin/python bench/jobs.py`` (needs ``pip install -e '.[bench]'`` and PostgreSQL at
``RAPPORT_BENCH_POSTGRES_URL``, default postgresql+psycopg://postgres@127.0.0.1:5432/test).
Every figure comes from throwaway databases created and dropped here. Prints, never asserts.
Targets (issue 3): >= 3x procrastinate with 4 workers on the same PostgreSQL; >= 1,000 no-op
jobs/s on SQLite with one worker; 10,000 jobs enqueued in one transaction in < 1 s.
"""

from __future__ import annotations

import asyncio
import os
import platform
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from rapport.db import Base, make_engine, session_factory, unit_of_work
from rapport.jobs import JobRequest, Worker, enqueue_many, job
from rapport.models import import_all_models

PG_URL = os.environ.get(
    "RAPPORT_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
NOOP_JOBS, SLEEP_JOBS, BULK_JOBS = 2000, 500, 10_000
SLEEP_SECONDS = 0.010
WORKLOADS = (("no-op", "bench.noop", NOOP_JOBS), ("10 ms sleep", "bench.sleep", SLEEP_JOBS))


@job("bench.noop")
def bench_noop(session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    return {}


@job("bench.sleep")
def bench_sleep(session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    time.sleep(SLEEP_SECONDS)
    return {}


def machine() -> str:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    with create_engine(PG_URL).connect() as conn:
        pg = conn.execute(text("SHOW server_version")).scalar_one()
    return f"{os.cpu_count()} cores, {model}; Python {platform.python_version()}; PostgreSQL {pg}; SQLite (WAL)"


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    """A fresh PostgreSQL database; yields its psycopg URL and drops it afterwards."""
    name = f"rapport_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def rapport_database(backend: str) -> Iterator[Engine]:
    import_all_models()
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            engine = make_engine(f"sqlite:///{tmp}/bench.db")
            Base.metadata.create_all(engine)
            yield engine
            engine.dispose()
        return
    with throwaway_postgres() as url:
        engine = make_engine(url)
        Base.metadata.create_all(engine)
        yield engine
        engine.dispose()


def timed(func: Callable[[], object]) -> float:
    started = time.perf_counter()
    func()
    return time.perf_counter() - started


def rapport_rate(engine: Engine, kind: str, count: int, concurrency: int) -> float:
    factory = session_factory(engine)
    with unit_of_work(factory) as session:
        enqueue_many(session, [JobRequest(kind) for _ in range(count)])
    worker = Worker(factory, concurrency=concurrency, run_schedules=False, poll_seconds=0.01)
    seconds = timed(worker.run_until_empty)
    with engine.connect() as conn:
        done = conn.execute(
            text("SELECT count(*) FROM job WHERE state = 'done' AND kind = :k"), {"k": kind}
        ).scalar_one()
        conn.execute(text("DELETE FROM job"))
        conn.commit()
    assert done == count, f"{done} of {count} done"
    return count / seconds


def bulk_enqueue_seconds(engine: Engine) -> float:
    factory = session_factory(engine)

    def enqueue() -> None:
        with unit_of_work(factory) as session:
            enqueue_many(session, [JobRequest("bench.noop", {"n": n}) for n in range(BULK_JOBS)])

    seconds = timed(enqueue)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM job"))
    return seconds


def procrastinate_rates() -> dict[tuple[str, int], float]:
    with throwaway_postgres() as url:
        return asyncio.run(_procrastinate(url.replace("postgresql+psycopg://", "postgresql://")))


async def _procrastinate(conninfo: str) -> dict[tuple[str, int], float]:
    import procrastinate

    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=conninfo))

    @app.task(name="noop")
    async def noop() -> None:
        return None

    @app.task(name="sleep")
    async def sleep() -> None:
        await asyncio.sleep(SLEEP_SECONDS)

    tasks = {"bench.noop": noop, "bench.sleep": sleep}
    rates = {}
    async with app.open_async():
        await app.schema_manager.apply_schema_async()
        for label, kind, count in WORKLOADS:
            for concurrency in (1, 4):
                await tasks[kind].batch_defer_async(*({} for _ in range(count)))
                started = time.perf_counter()
                await app.run_worker_async(
                    concurrency=concurrency,
                    wait=False,
                    install_signal_handlers=False,
                    listen_notify=False,
                )
                rates[(label, concurrency)] = count / (time.perf_counter() - started)
    return rates


def main() -> None:
    console = Console()
    console.print(f"[bold]Machine:[/bold] {machine()}")
    rates: dict[tuple[str, str, int], float] = {}
    bulk: dict[str, float] = {}
    for backend in ("sqlite", "postgres"):
        with rapport_database(backend) as engine:
            bulk[backend] = bulk_enqueue_seconds(engine)
            for label, kind, count in WORKLOADS:
                for concurrency in (1, 4):
                    rates[(backend, label, concurrency)] = rapport_rate(
                        engine, kind, count, concurrency
                    )
                    console.print(
                        f"  rapport {backend} {label} x{concurrency}: {rates[(backend, label, concurrency)]:,.0f} jobs/s"
                    )
    procrastinate = procrastinate_rates()
    console.print(report(rates, procrastinate, bulk))


def report(
    rates: dict[tuple[str, str, int], float],
    procrastinate: dict[tuple[str, int], float],
    bulk: dict[str, float],
) -> Table:
    table = Table(
        title=f"Jobs per second ({NOOP_JOBS:,} no-op, {SLEEP_JOBS:,} sleep jobs; threads = workers)"
    )
    for column in (
        "workload",
        "workers",
        "Rapport SQLite",
        "Rapport PostgreSQL",
        "procrastinate PostgreSQL",
        "PG ratio",
    ):
        table.add_column(column, justify="right")
    for label, _, _ in WORKLOADS:
        for concurrency in (1, 4):
            pg, other = rates[("postgres", label, concurrency)], procrastinate[(label, concurrency)]
            table.add_row(
                label,
                str(concurrency),
                f"{rates[('sqlite', label, concurrency)]:,.0f}",
                f"{pg:,.0f}",
                f"{other:,.0f}",
                f"{pg / other:.1f}x",
            )
    table.caption = (
        f"Enqueue {BULK_JOBS:,} jobs in one transaction: SQLite {bulk['sqlite']:.2f} s, "
        f"PostgreSQL {bulk['postgres']:.2f} s"
    )
    return table


if __name__ == "__main__":
    sys.exit(main())
