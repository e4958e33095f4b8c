"""The audit trail: append-only events, chained per workspace so trimming and rewriting show.

Each event's ``hash`` is HMAC-SHA256 over its fields and the previous event's hash, keyed with
the *audit key* — derived from the settings' secret key — and ``key_id`` names that key, so
somebody with the database but without the secret key can't recompute a rewritten chain.
Events written before keys existed (unkeyed SHA-256) were re-keyed once by migration
``ops0001`` after their chain checked out; an unkeyed event now means a rewrite. Deleting the
newest events leaves a valid chain, so checkpoints of each chain's head are kept outside the
table (``rapport.workspaces.checkpoints``) and ``verify_chain`` compares with them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rapport.config import get_settings
from rapport.core import clock
from rapport.db import lock_for_write
from rapport.workspaces.models import AuditEvent, User

GENESIS = "0" * 64
KEY_VERSION = "v1"

TOKEN_ACTOR_KEY = "rapport.audit.token_actor"


def act_through_token(session: Session, *, creator_id: int | None, label: str) -> None:
    """Name the API token (and its creator) on every event this session records from now on.

    Kept in the session's ``info``: a request that authenticated with a token has its own
    session, so each of its events says "alice@… via token ‘CI script’", never just the
    creator (or "system") as if they had clicked it themselves.
    """
    session.info[TOKEN_ACTOR_KEY] = (creator_id, label)


def acting_through_token(session: Session) -> bool:
    return TOKEN_ACTOR_KEY in session.info


def _token_label(session: Session, actor: User | None) -> str | None:
    acting: tuple[int | None, str] | None = session.info.get(TOKEN_ACTOR_KEY)
    if acting is None:
        return None
    creator_id, label = acting
    return label if (actor.id if actor else None) == creator_id else None


@dataclass(frozen=True)
class AuditKey:
    """The HMAC key of the audit trail and its public id (a fingerprint, safe to store)."""

    secret: bytes = field(repr=False)
    key_id: str

    @classmethod
    def from_secret_key(cls, secret_key: str) -> AuditKey:
        """Derived, so the secret key itself is never used for two purposes."""
        secret = hashlib.sha256(f"rapport-audit-{KEY_VERSION}\0{secret_key}".encode()).digest()
        fingerprint = hashlib.sha256(b"rapport-audit-key-id\0" + secret).hexdigest()[:12]
        return cls(secret, f"{KEY_VERSION}-{fingerprint}")

    def mac(self, payload: str) -> str:
        return hmac.new(self.secret, payload.encode(), hashlib.sha256).hexdigest()


_configured: AuditKey | None = None


def configure_key(secret_key: str) -> AuditKey:
    """Use this secret key for the audit trail in this process (the app calls it; the CLI
    and workers fall back to the settings). One key per process: it signs events written by
    any service, which takes a session, not settings."""
    global _configured
    _configured = AuditKey.from_secret_key(secret_key)
    return _configured


def current_key() -> AuditKey:
    """The configured audit key, or the one from the environment's settings."""
    return _configured or configure_key(get_settings().ensure_secret_key())


def _payload(event: AuditEvent) -> str:
    """The signed fields. Format v1 (migration ``ops0001`` has a frozen copy): change it only
    with a new ``KEY_VERSION``."""
    fields: list[Any] = [
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
    ]
    if event.key_id:
        fields.append(event.key_id)
    return json.dumps(fields, sort_keys=True, default=str)


def _digest(event: AuditEvent, key: AuditKey) -> str:
    return key.mac(_payload(event))


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
    key = current_key()
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
        actor_label=actor_label
        or _token_label(session, actor)
        or (actor.email if actor else "system"),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        summary=summary or {},
        prev_hash=prev_hash,
        hash="",
        key_id=key.key_id,
    )
    event.hash = _digest(event, key)
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class ChainProblem:
    workspace_id: int
    seq: int
    reason: str


@dataclass(frozen=True)
class HeadMark:
    """A chain head recorded elsewhere (a checkpoint): event ``seq`` had ``hash`` at ``taken_at``."""

    seq: int
    hash: str
    taken_at: datetime
    source: str = "checkpoint"


@dataclass
class ChainReport:
    """What ``verify_chain`` found: the first problem (None when intact) and what it checked."""

    workspace_id: int
    problem: ChainProblem | None = None
    events: int = 0
    head_seq: int = 0
    checked_marks: int = 0
    latest_mark: HeadMark | None = None


def verify_chain(
    session: Session, *, workspace_id: int, marks: Iterable[HeadMark] = ()
) -> ChainProblem | None:
    """The first broken link (altered, deleted, re-ordered or trimmed events), or None."""
    return check_chain(session, workspace_id=workspace_id, marks=marks).problem


def check_chain(
    session: Session, *, workspace_id: int, marks: Iterable[HeadMark] = ()
) -> ChainReport:
    """Walk the chain, then compare it with head marks kept outside the table (checkpoints)."""
    key = current_key()
    report = ChainReport(workspace_id)
    hashes: dict[int, str] = {}
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.workspace_id == workspace_id).order_by(AuditEvent.seq)
    )
    for event in events:
        report.problem = _link_problem(event, report, hashes, key)
        if report.problem:
            return report
        hashes[event.seq] = event.hash
        report.events += 1
        report.head_seq = event.seq
    report.problem = _mark_problem(workspace_id, report, hashes, list(marks))
    return report


def _link_problem(
    event: AuditEvent, report: ChainReport, hashes: dict[int, str], key: AuditKey
) -> ChainProblem | None:
    expected_seq = report.head_seq + 1
    expected_prev = hashes.get(report.head_seq, GENESIS)
    ws = event.workspace_id
    if event.seq != expected_seq:
        return ChainProblem(ws, expected_seq, "event is missing (deleted)")
    if event.prev_hash != expected_prev:
        return ChainProblem(ws, event.seq, "does not link to the event before it")
    if not event.key_id:
        return ChainProblem(
            ws, event.seq, "is not signed with an audit key (rewritten with the public hash)"
        )
    if event.key_id != key.key_id:
        return ChainProblem(
            ws,
            event.seq,
            f"was signed with another audit key ({event.key_id}; this server's is "
            f"{key.key_id}): was RAPPORT_SECRET_KEY changed, or the event forged?",
        )
    if not hmac.compare_digest(_digest(event, key), event.hash):
        return ChainProblem(ws, event.seq, "was altered after it was written")
    return None


def _mark_problem(
    workspace_id: int, report: ChainReport, hashes: dict[int, str], marks: list[HeadMark]
) -> ChainProblem | None:
    for mark in sorted(marks, key=lambda m: (m.seq, m.taken_at)):
        report.checked_marks += 1
        report.latest_mark = mark
        when = clock.as_utc(mark.taken_at).isoformat(timespec="seconds")
        if mark.seq > report.head_seq:
            return ChainProblem(
                workspace_id,
                report.head_seq + 1,
                f"is missing, and every event after it up to {mark.seq}: the {mark.source} "
                f"taken {when} recorded the chain up to event {mark.seq} (the events after "
                f"{report.head_seq} were deleted)",
            )
        if mark.seq and not hmac.compare_digest(hashes[mark.seq], mark.hash):
            return ChainProblem(
                workspace_id,
                mark.seq,
                f"differs from the {mark.source} taken {when} (the trail was rewritten)",
            )
    return None


def chain_heads(session: Session) -> dict[int, tuple[int, str]]:
    """Every workspace's newest event: workspace id → (seq, hash)."""
    newest = (
        select(AuditEvent.workspace_id, func.max(AuditEvent.seq).label("seq"))
        .group_by(AuditEvent.workspace_id)
        .subquery()
    )
    rows = session.execute(
        select(AuditEvent.workspace_id, AuditEvent.seq, AuditEvent.hash).join(
            newest,
            (AuditEvent.workspace_id == newest.c.workspace_id) & (AuditEvent.seq == newest.c.seq),
        )
    )
    return {ws: (seq, digest) for ws, seq, digest in rows}


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
