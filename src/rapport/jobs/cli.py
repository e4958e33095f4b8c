"""`rapport jobs …` and `rapport worker`: run workers and look after the queue."""

from __future__ import annotations

import json
import logging
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session, sessionmaker

from rapport.config import get_settings
from rapport.db import get_engine, session_factory, unit_of_work
from rapport.errors import RapportError
from rapport.jobs.models import JOB_STATES, Job
from rapport.jobs.queue import cancel_job, enqueue, list_jobs, retry_job
from rapport.jobs.registry import load_all
from rapport.jobs.worker import Worker

app = typer.Typer(
    help="The background job queue: list, retry, cancel, run jobs; run a worker.",
    no_args_is_help=True,
)
console = Console()
errors = Console(stderr=True)


def _session_factory() -> sessionmaker[Session]:
    return session_factory(get_engine(get_settings().resolved_database_url))


def _fail(message: str) -> typer.Exit:
    errors.print(f"[red]Error:[/red] {message}")
    return typer.Exit(1)


def _as_dict(job: Job) -> dict[str, Any]:
    return {
        "id": job.id,
        "kind": job.kind,
        "state": job.state,
        "workspace_id": job.workspace_id,
        "attempts": job.attempts,
        "max_attempts": job.max_attempts,
        "run_at": job.run_at.isoformat(),
        "created_at": job.created_at.isoformat(),
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "locked_by": job.locked_by,
        "dedupe_key": job.dedupe_key,
        "payload": job.payload,
        "result": job.result,
        "last_error": job.last_error,
    }


@app.command("worker")
def worker(
    concurrency: Annotated[
        int, typer.Option("--concurrency", "-c", min=1, max=64, help="Jobs run at once (threads).")
    ] = 2,
    lease_seconds: Annotated[
        float,
        typer.Option(
            min=5, help="How long a claimed job is ours before another worker may take it over."
        ),
    ] = 60.0,
) -> None:
    """Run a worker until SIGTERM or Ctrl-C (it finishes the jobs it started)."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    runner = Worker(_session_factory(), concurrency=concurrency, lease_seconds=lease_seconds)
    runner.install_signal_handlers()
    console.print(
        f"Worker [bold]{runner.worker_id}[/bold] running {concurrency} thread(s). Ctrl-C stops it."
    )
    ran = runner.run()
    console.print(f"Worker stopped after {ran} job(s).")


@app.command("list")
def list_command(
    state: Annotated[
        str | None, typer.Option(help=f"Only jobs in this state: {', '.join(JOB_STATES)}.")
    ] = None,
    kind: Annotated[str | None, typer.Option(help="Only jobs of this kind.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="JSON for scripts.")] = False,
) -> None:
    """List jobs, newest first."""
    try:
        with unit_of_work(_session_factory()) as session:
            page = list_jobs(session, state=state, kind=kind, limit=limit)
            rows = [_as_dict(job) for job in page.items]
    except RapportError as exc:
        raise _fail(exc.message) from None
    if as_json:
        typer.echo(json.dumps({"total": page.total, "jobs": rows}, indent=2))
        return
    console.print(_table(rows, page.total))


def _table(rows: list[dict[str, Any]], total: int) -> Table:
    table = Table(title=f"{len(rows)} of {total} job(s)")
    for column in ("id", "kind", "state", "attempts", "run at", "error / result"):
        table.add_column(column)
    for row in rows:
        detail = (
            (row["last_error"] or "").split("\n", 1)[0]
            if row["state"] != "done"
            else json.dumps(row["result"])
        )
        table.add_row(
            str(row["id"]),
            row["kind"],
            row["state"],
            f"{row['attempts']}/{row['max_attempts']}",
            row["run_at"][:19],
            detail[:80],
        )
    return table


@app.command("retry")
def retry(
    job_id: Annotated[int, typer.Argument(help="The job's id (see `rapport jobs list`).")],
) -> None:
    """Make a dead, failed or cancelled job due now."""
    _act(retry_job, job_id, "is due again")


@app.command("cancel")
def cancel(
    job_id: Annotated[int, typer.Argument(help="The job's id (see `rapport jobs list`).")],
) -> None:
    """Cancel a due, failed or dead job so it never runs."""
    _act(cancel_job, job_id, "is cancelled")


def _act(action: Any, job_id: int, outcome: str) -> None:
    try:
        with unit_of_work(_session_factory()) as session:
            job = action(session, job_id=job_id)
            kind = job.kind
    except RapportError as exc:
        raise _fail(exc.message) from None
    console.print(f"Job #{job_id} ({kind}) {outcome}.")


@app.command("run")
def run(
    kind: Annotated[str, typer.Argument(help="The job kind, e.g. jobs.check_queue.")],
    payload: Annotated[str, typer.Option(help="The payload as a JSON object.")] = "{}",
) -> None:
    """Enqueue a job of KIND to run now (a worker picks it up)."""
    kinds = load_all()
    if kind not in kinds:
        raise _fail(f"Unknown job kind '{kind}'. Known kinds: {', '.join(sorted(kinds))}.")
    try:
        data = json.loads(payload)
    except json.JSONDecodeError as exc:
        raise _fail(f"--payload is not valid JSON: {exc}.") from None
    if not isinstance(data, dict):
        raise _fail("--payload must be a JSON object, e.g. '{\"workspace_id\": 1}'.")
    with unit_of_work(_session_factory()) as session:
        job_id = enqueue(session, kind=kind, payload=data).id
    console.print(f"Job #{job_id} ({kind}) enqueued.")
