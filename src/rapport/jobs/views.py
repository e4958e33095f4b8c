"""The background-jobs page of a workspace's settings (dead letters, retry, cancel) and its API.

An owner sees the jobs of their workspace, never another workspace's. The system's own jobs
(``workspace_id`` NULL: the watchdog, emails not tied to a workspace) can carry other
organisations' addresses in their errors, so only the server's administrator sees them, with
`rapport jobs list`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated, Any

from babel.dates import format_timedelta
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from rapport.core.i18n import current_locale
from rapport.core.i18n import gettext as _
from rapport.db import all_or_nothing
from rapport.errors import NotFound, RapportError, ValidationFailed
from rapport.jobs.models import JOB_STATES, Job
from rapport.jobs.queue import cancel_job, get_job, retry_job
from rapport.jobs.watchdog import QueueHealth, queue_health
from rapport.web.deps import AuthDep, DbDep, IdPath, SettingsDep, WorkspaceCtx, require
from rapport.web.pages import load_shell, redirect, render
from rapport.workspaces import record_audit, workspaces_of

PAGE_SIZE = 50
PROBLEMS = ("dead", "failed")
FILTERS = ("problems", *JOB_STATES, "all")
JobsCtx = Annotated[WorkspaceCtx, Depends(require("jobs.manage"))]
Page = Annotated[int, Query(ge=1, le=100000)]

pages = APIRouter(dependencies=[Depends(load_shell)], include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["jobs"])


# --- what an owner may see -------------------------------------------------------------


def _visible_to(workspace_id: int) -> ColumnElement[bool]:
    return Job.workspace_id == workspace_id


def _states(state: str) -> tuple[str, ...]:
    if state == "problems":
        return PROBLEMS
    if state == "all":
        return JOB_STATES
    if state in JOB_STATES:
        return (state,)
    known = ", ".join(FILTERS)
    raise ValidationFailed("state", f"'{state}' is not a job state.", f"Use one of {known}.")


def visible_jobs(
    db: Session, *, workspace_id: int, state: str, limit: int, offset: int
) -> tuple[list[Job], int]:
    """The workspace's jobs in ``state`` (a filter name), newest first."""
    stmt = select(Job).where(_visible_to(workspace_id), Job.state.in_(_states(state)))
    total = db.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    items = db.scalars(stmt.order_by(Job.id.desc()).limit(limit).offset(offset)).all()
    return list(items), total


def _visible_job(db: Session, ctx: WorkspaceCtx, job_id: int) -> Job:
    """404 for a job of another workspace, exactly as for a job that does not exist."""
    job = get_job(db, job_id=job_id)
    if job.workspace_id != ctx.workspace.id:
        raise NotFound(f"There is no job #{job_id}.")
    return job


def _audit(db: Session, ctx: WorkspaceCtx, action: str, job: Job, was: str) -> None:
    summary = {"kind": job.kind, "before": was, "after": job.state}
    record_audit(
        db,
        workspace_id=ctx.workspace.id,
        actor=ctx.actor,
        action=action,
        object_type="job",
        object_id=job.id,
        summary=summary,
    )


def retry_visible(db: Session, ctx: WorkspaceCtx, job_id: int) -> Job:
    """Retry a job of this workspace and record who did it."""
    was = _visible_job(db, ctx, job_id).state
    job = retry_job(db, job_id=job_id)
    _audit(db, ctx, "job.retried", job, was)
    return job


def cancel_visible(db: Session, ctx: WorkspaceCtx, job_id: int) -> Job:
    """Cancel a job of this workspace and record who did it."""
    was = _visible_job(db, ctx, job_id).state
    job = cancel_job(db, job_id=job_id)
    _audit(db, ctx, "job.cancelled", job, was)
    return job


# --- the page --------------------------------------------------------------------------


def _age(seconds: float | None) -> str:
    if seconds is None:
        return ""
    return format_timedelta(timedelta(seconds=seconds), threshold=1.0, locale=current_locale())


def _health_context(health: QueueHealth, watchdog_minutes: int) -> dict[str, Any]:
    return {
        "health": health,
        "stalled": health.is_stalled(watchdog_minutes),
        "stalls": health.stalls(watchdog_minutes),
        "oldest_age": _age(health.oldest_unclaimed_due_age_seconds),
        "watchdog_minutes": watchdog_minutes,
    }


@pages.get("/w/{slug}/settings/jobs")
def jobs_page(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    ctx: JobsCtx,
    state: str = "problems",
    page: Page = 1,
) -> Response:
    items, total = visible_jobs(
        db,
        workspace_id=ctx.workspace.id,
        state=state,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    context = {
        "title": _("Background jobs"),
        "tab": "jobs",
        "jobs": items,
        "total": total,
        "state": state,
        "filters": FILTERS,
        "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
        **_health_context(queue_health(db), settings.watchdog_minutes),
    }
    return render(request, "jobs/jobs.html", context)


def _back(ctx: WorkspaceCtx, state: str) -> str:
    query = f"?state={state}" if state in FILTERS else ""
    return f"/w/{ctx.workspace.slug}/settings/jobs{query}"


def _act_from_page(
    db: Session,
    ctx: WorkspaceCtx,
    job_id: int,
    state: str,
    action: Callable[[Session, WorkspaceCtx, int], Job],
    done: str,
) -> Response:
    """Retry or cancel, then back to the list; a refusal shows as a flash and changes nothing."""
    try:
        with all_or_nothing(db):
            action(db, ctx, job_id)
    except NotFound:
        raise
    except RapportError as exc:
        return redirect(_back(ctx, state), flash=exc.localized(), kind="danger")
    return redirect(_back(ctx, state), flash=done % {"id": job_id})


@pages.post("/w/{slug}/settings/jobs/{job_id}/retry")
def retry_from_page(db: DbDep, ctx: JobsCtx, job_id: IdPath, state: str = "problems") -> Response:
    done = _("Job #%(id)s will run again now.")
    return _act_from_page(db, ctx, job_id, state, retry_visible, done)


@pages.post("/w/{slug}/settings/jobs/{job_id}/cancel")
def cancel_from_page(db: DbDep, ctx: JobsCtx, job_id: IdPath, state: str = "problems") -> Response:
    return _act_from_page(db, ctx, job_id, state, cancel_visible, _("Job #%(id)s cancelled."))


@pages.get("/admin/jobs")
def admin_jobs(db: DbDep, auth_: AuthDep) -> Response:
    """Where the stalled-queue notification links: the jobs page of a workspace you own."""
    for workspace, role in workspaces_of(db, user=auth_.user):
        if role == "owner":
            return redirect(f"/w/{workspace.slug}/settings/jobs")
    raise NotFound(_("Only a workspace owner can see the background jobs."))


# --- JSON API --------------------------------------------------------------------------


class JobRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    state: str
    system: bool
    attempts: int
    max_attempts: int
    run_at: datetime
    created_at: datetime
    finished_at: datetime | None
    last_error: str | None

    @classmethod
    def of(cls, job: Job) -> JobRead:
        return cls.model_validate({**_columns(job), "system": job.workspace_id is None})


def _columns(job: Job) -> dict[str, Any]:
    return {name: getattr(job, name) for name in JobRead.model_fields if name != "system"}


class JobList(BaseModel):
    items: list[JobRead]
    total: int


WS_JOBS = "/workspaces/{slug}/jobs"


@api.get(WS_JOBS, response_model=JobList, summary="List background jobs")
def list_jobs_api(
    db: DbDep,
    ctx: JobsCtx,
    state: Annotated[str, Query(max_length=20)] = "problems",
    limit: Annotated[int, Query(ge=1, le=200)] = PAGE_SIZE,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> JobList:
    """This workspace's jobs; ``state`` is a job state, `problems` (dead and
    failed, the default) or `all`."""
    items, total = visible_jobs(
        db, workspace_id=ctx.workspace.id, state=state, limit=limit, offset=offset
    )
    return JobList(items=[JobRead.of(job) for job in items], total=total)


@api.post(WS_JOBS + "/{job_id}/retry", response_model=JobRead, summary="Retry a job")
def retry_api(db: DbDep, ctx: JobsCtx, job_id: IdPath) -> JobRead:
    """Make a dead, failed or cancelled job due now (409 when it is due, running or done)."""
    return JobRead.of(retry_visible(db, ctx, job_id))


@api.post(WS_JOBS + "/{job_id}/cancel", response_model=JobRead, summary="Cancel a job")
def cancel_api(db: DbDep, ctx: JobsCtx, job_id: IdPath) -> JobRead:
    """Cancel a due, failed or dead job (409 when it is running or finished)."""
    return JobRead.of(cancel_visible(db, ctx, job_id))


router = APIRouter()
router.include_router(pages)
router.include_router(api)
