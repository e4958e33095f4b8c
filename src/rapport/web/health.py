"""/healthz: answers without sign-in; reports the database and whether jobs are being run."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from rapport.jobs.watchdog import queue_health

router = APIRouter()


@router.get("/healthz", tags=["health"], summary="Check that Rapport is healthy")
def healthz(request: Request) -> JSONResponse:
    """`ok`, or `degraded` with the reason: database down, or due jobs nobody claims."""
    body: dict[str, Any] = {"status": "ok"}
    session = request.app.state.session_factory()
    try:
        session.execute(text("SELECT 1"))
        health = queue_health(session)
        body["database"] = "ok"
    except SQLAlchemyError as exc:
        body.update(status="down", database=f"error: {exc.__class__.__name__}")
        return JSONResponse(body, status_code=503)
    finally:
        session.close()
    stalled = health.is_stalled(request.app.state.settings.watchdog_minutes)
    body["workers"] = {
        "last_heartbeat_at": health.last_heartbeat_at.isoformat()
        if health.last_heartbeat_at
        else None
    }
    body["jobs"] = {
        "due": health.due_count,
        "dead": health.dead_count,
        "oldest_unclaimed_due_age_seconds": health.oldest_unclaimed_due_age_seconds,
        "stalled": stalled,
    }
    if stalled:
        body["status"] = "degraded"
    return JSONResponse(body)
