"""The audit trail: append-only events, hash-chained per workspace so tampering shows."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rapport.core import clock
from rapport.db import lock_for_write
from rapport.workspaces.models import AuditEvent, User

GENESIS = "0" * 64


def _digest(event: AuditEvent) -> str:
    payload = json.dumps(
        [
            event.workspace_id,
            event.seq,
            clock.as_utc(event.created_at).isoformat(timespec="microseconds"),
            event.actor_id,
            event.actor_label,
            event.action,
            event.object_type,
            event.object_id,
            event.summary,
            event.prev_hash,
        ],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def record(
    session: Session,
    *,
    workspace_id: int,
    actor: User | None,
    action: str,
    object_type: str = "",
    object_id: object = "",
    summary: dict[str, Any] | None = None,
    actor_label: str | None = None,
) -> AuditEvent:
    """Append one event. Writers of one workspace take turns (``lock_for_write``), so two
    requests never read the same head and collide on the (workspace, seq) key."""
    lock_for_write(session, key=workspace_id)
    last = session.execute(
        select(AuditEvent.seq, AuditEvent.hash)
        .where(AuditEvent.workspace_id == workspace_id)
        .order_by(AuditEvent.seq.desc())
        .limit(1)
    ).first()
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
    event = AuditEvent(
        workspace_id=workspace_id,
        seq=seq,
        created_at=clock.now(),
        actor_id=actor.id if actor else None,
        actor_label=actor_label or (actor.email if actor else "system"),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        summary=summary or {},
        prev_hash=prev_hash,
        hash="",
    )
    event.hash = _digest(event)
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class ChainProblem:
    workspace_id: int
    seq: int
    reason: str


def verify_chain(session: Session, *, workspace_id: int) -> ChainProblem | None:
    """Return the first broken link (altered, deleted or re-ordered event), or None."""
    expected_prev, expected_seq = GENESIS, 1
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.workspace_id == workspace_id).order_by(AuditEvent.seq)
    )
    for event in events:
        if event.seq != expected_seq:
            return ChainProblem(workspace_id, expected_seq, "event is missing (deleted)")
        if event.prev_hash != expected_prev:
            return ChainProblem(workspace_id, event.seq, "does not link to the event before it")
        if _digest(event) != event.hash:
            return ChainProblem(workspace_id, event.seq, "was altered after it was written")
        expected_prev, expected_seq = event.hash, event.seq + 1
    return None


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    actor: str = ""
    object_type: str = ""
    since: datetime | None = None
    until: datetime | None = None


def _filtered(workspace_id: int, filters: AuditFilter) -> Any:
    query = select(AuditEvent).where(AuditEvent.workspace_id == workspace_id)
    if filters.action:
        query = query.where(AuditEvent.action.startswith(filters.action))
    if filters.actor:
        query = query.where(AuditEvent.actor_label.contains(filters.actor))
    if filters.object_type:
        query = query.where(AuditEvent.object_type == filters.object_type)
    if filters.since:
        query = query.where(AuditEvent.created_at >= filters.since)
    if filters.until:
        query = query.where(AuditEvent.created_at < filters.until)
    return query


def list_events(
    session: Session, *, workspace_id: int, filters: AuditFilter, limit: int = 50, offset: int = 0
) -> tuple[list[AuditEvent], int]:
    query = _filtered(workspace_id, filters)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(AuditEvent.seq.desc()).limit(limit).offset(offset))
    return list(rows), total


def export_csv(session: Session, *, workspace_id: int, filters: AuditFilter) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["seq", "time_utc", "actor", "action", "object_type", "object_id", "summary"])
    for event in session.scalars(_filtered(workspace_id, filters).order_by(AuditEvent.seq)):
        writer.writerow(
            [
                event.seq,
                clock.as_utc(event.created_at).isoformat(),
                event.actor_label,
                event.action,
                event.object_type,
                event.object_id,
                json.dumps(event.summary, sort_keys=True, ensure_ascii=False),
            ]
        )
    return buffer.getvalue()
