"""/healthz: answers without sign-in; reports the database and whether jobs are being run."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from rapport.jobs.watchdog import queue_health

router = APIRouter()


@router.get("/healthz", tags=["health"], summary="Check that Rapport is healthy")
def healthz(request: Request) -> JSONResponse:
    """`ok`; `down` when the database doesn't answer; `degraded` when jobs are not being run
    (due jobs nobody claims, running jobs whose worker's lease expired, a worker that stopped
    beating without stopping), with what and since when under `stalled`."""
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
    stalls = health.stalls(request.app.state.settings.watchdog_minutes)
    body["workers"] = {
        "last_heartbeat_at": _iso(health.last_heartbeat_at),
        "missing": list(health.missing_workers),
    }
    body["jobs"] = {
        "due": health.due_count,
        "dead": health.dead_count,
        "oldest_unclaimed_due_age_seconds": health.oldest_unclaimed_due_age_seconds,
        "expired_leases": health.expired_leases,
        "stalled": bool(stalls),
    }
    if stalls:
        body["status"] = "degraded"
        body["stalled"] = [
            {"kind": s.kind, "what": s.what, "count": s.count, "since": _iso(s.since)}
            for s in stalls
        ]
    return JSONResponse(body)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
