"""Is anybody working the queue? Health figures, and telling owners when jobs sit unclaimed.

``check_stalled_queue`` is called by the ``jobs.check_queue`` periodic job and, because a
stalled queue means no worker runs, by the web process through ``run_stall_check`` (at most
once a minute per process). Owners hear once per incident, and at most once per
``RENOTIFY_AFTER`` however often the queue flaps.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from rapport.config import Settings, get_settings
from rapport.core import clock
from rapport.db import is_postgres, unit_of_work
from rapport.jobs.models import READY_SQL, RUNNING_SQL, Job, WatchdogState, WorkerHeartbeat
from rapport.jobs.queue import count_rows
from rapport.jobs.registry import job
from rapport.jobs.worker import HEARTBEAT_MISSING_AFTER
from rapport.notifications import OutgoingEmail, notify_message, send_email_now
from rapport.workspaces import Membership

log = logging.getLogger("rapport.jobs.watchdog")

RENOTIFY_AFTER = timedelta(hours=6)
STALLED_KIND = "jobs.queue_stalled"


LEASE_GRACE = timedelta(seconds=15)
"""A live worker reaps an expired lease within seconds; one expired longer means nobody does."""


@dataclass(frozen=True)
class Stall:
    """One reason the queue is not being worked, and since when; ``what`` is English (logs,
    /healthz); pages render their own translated text from ``kind``."""

    kind: str
    """``unclaimed`` (due jobs wait), ``expired_leases`` or ``missing_heartbeat``."""
    count: int
    since: datetime
    what: str


@dataclass(frozen=True)
class QueueHealth:
    """``oldest_unclaimed_due_age_seconds`` is None when no job is waiting to run;
    ``due_count`` counts jobs ready now (due, or failed and past their retry time);
    ``expired_leases`` running jobs whose lease ran out (their worker died and nobody took them
    over); ``missing_workers`` workers that stopped beating without stopping."""

    oldest_unclaimed_due_age_seconds: float | None
    last_heartbeat_at: datetime | None
    dead_count: int
    due_count: int
    checked_at: datetime | None = None
    expired_leases: int = 0
    oldest_expired_lease_at: datetime | None = None
    missing_workers: tuple[str, ...] = ()
    missing_since: datetime | None = None

    def stalls(self, watchdog_minutes: int) -> list[Stall]:
        """Every reason jobs are not being run, oldest first."""
        found = []
        age = self.oldest_unclaimed_due_age_seconds
        if age is not None and age > watchdog_minutes * 60 and self.checked_at:
            since = self.checked_at - timedelta(seconds=age)
            found.append(
                Stall(
                    "unclaimed",
                    self.due_count,
                    since,
                    f"{self.due_count} due job(s) waiting unclaimed for {int(age // 60)} min",
                )
            )
        if self.expired_leases and self.oldest_expired_lease_at:
            found.append(
                Stall(
                    "expired_leases",
                    self.expired_leases,
                    self.oldest_expired_lease_at,
                    f"{self.expired_leases} running job(s) whose worker's lease expired: "
                    "their worker died and no live worker took them over",
                )
            )
        if self.missing_workers and self.missing_since:
            found.append(
                Stall(
                    "missing_heartbeat",
                    len(self.missing_workers),
                    self.missing_since,
                    f"worker(s) {', '.join(self.missing_workers)} stopped sending heartbeats "
                    "without stopping (killed or hung)",
                )
            )
        return sorted(found, key=lambda stall: stall.since)

    def is_stalled(self, watchdog_minutes: int) -> bool:
        return bool(self.stalls(watchdog_minutes))


def queue_health(session: Session, *, now: datetime | None = None) -> QueueHealth:
    """Cheap figures for ``/healthz`` and the banner (index-only queries)."""
    now = now or clock.now()
    oldest, due = session.execute(
        select(func.min(Job.run_at), func.count()).where(text(READY_SQL), Job.run_at <= now)
    ).one()
    dead = session.scalar(select(func.count()).where(Job.state == "dead")) or 0
    last_seen = session.scalar(select(func.max(WorkerHeartbeat.last_seen_at)))
    expired, oldest_lease = session.execute(
        select(func.count(), func.min(Job.lease_until)).where(
            text(RUNNING_SQL), Job.lease_until < now - LEASE_GRACE
        )
    ).one()
    missing = session.execute(
        select(WorkerHeartbeat.worker_id, WorkerHeartbeat.last_seen_at)
        .where(
            WorkerHeartbeat.stopped_at.is_(None),
            WorkerHeartbeat.last_seen_at < now - HEARTBEAT_MISSING_AFTER,
        )
        .order_by(WorkerHeartbeat.last_seen_at)
        .limit(20)
    ).all()
    age = None if oldest is None else max(0.0, (now - clock.as_utc(oldest)).total_seconds())
    return QueueHealth(
        oldest_unclaimed_due_age_seconds=age,
        last_heartbeat_at=None if last_seen is None else clock.as_utc(last_seen),
        dead_count=dead,
        due_count=due,
        checked_at=now,
        expired_leases=expired,
        oldest_expired_lease_at=None if oldest_lease is None else clock.as_utc(oldest_lease),
        missing_workers=tuple(str(row[0]) for row in missing),
        missing_since=clock.as_utc(missing[0][1]) if missing else None,
    )


def check_stalled_queue(
    session: Session, *, settings: Settings | None = None
) -> list[OutgoingEmail]:
    """Open an incident and notify every workspace owner in-app when due jobs have waited
    unclaimed longer than ``settings.watchdog_minutes``; close the incident when they haven't.

    Returns the alarm emails for the caller to send after committing (the queue that would
    send them is the one that is stuck); an empty list when nobody needs telling. Safe to call
    from several processes at once: a conditional UPDATE picks one notifier per incident.
    """
    settings = settings or get_settings()
    health = queue_health(session)
    _ensure_state_row(session)
    if not health.is_stalled(settings.watchdog_minutes):
        _close_incident(session)
        return []
    if not _open_incident(session, clock.now()):
        return []
    return _tell_owners(session, health, settings)


def _ensure_state_row(session: Session) -> None:
    dialect = postgresql if is_postgres(session) else sqlite
    session.execute(dialect.insert(WatchdogState).values(id=1).on_conflict_do_nothing())


def _close_incident(session: Session) -> None:
    stmt = update(WatchdogState).where(
        WatchdogState.id == 1, WatchdogState.incident_started_at.is_not(None)
    )
    count_rows(session, stmt.values(incident_started_at=None))


def _open_incident(session: Session, now: datetime) -> bool:
    quiet = (WatchdogState.last_notified_at.is_(None)) | (
        WatchdogState.last_notified_at < now - RENOTIFY_AFTER
    )
    stmt = update(WatchdogState).where(
        WatchdogState.id == 1, WatchdogState.incident_started_at.is_(None), quiet
    )
    stmt = stmt.values(incident_started_at=now, last_notified_at=now)
    return count_rows(session, stmt) == 1


def _tell_owners(session: Session, health: QueueHealth, settings: Settings) -> list[OutgoingEmail]:
    owners = session.scalars(
        select(Membership.user_id).where(Membership.role == "owner").distinct()
    ).all()
    minutes = int((health.oldest_unclaimed_due_age_seconds or 0) // 60)
    reasons = "; ".join(stall.what for stall in health.stalls(settings.watchdog_minutes))
    result = notify_message(
        session,
        user_ids=list(owners),
        kind=STALLED_KIND,
        message="jobs_not_running",
        params={"reasons": reasons},
        link="/admin/jobs",
        email_via="caller",
        settings=settings,
    )
    log.error(
        "job queue stalled: %s (%d due, oldest %d min); %d owner(s) told",
        reasons,
        health.due_count,
        minutes,
        len(owners),
    )
    return result.emails


def send_alarm_emails(emails: list[OutgoingEmail], settings: Settings) -> int:
    """Send the alarm emails directly, logging failures; returns how many were sent."""
    sent = 0
    for email in emails:
        try:
            send_email_now(email.to, email.subject, email.body_text, settings=settings)
            sent += 1
        except Exception:
            log.exception("could not send the stalled-queue alarm to %s", email.to)
    return sent


_last_run = 0.0
_last_run_lock = threading.Lock()


def run_stall_check(
    factory: sessionmaker[Session],
    *,
    settings: Settings | None = None,
    min_interval_seconds: float = 60.0,
) -> bool:
    """For the web process: run ``check_stalled_queue`` in its own transaction, at most once per
    ``min_interval_seconds`` per process, then send the alarm emails. Returns whether it ran.
    Never raises: a failing check is logged."""
    global _last_run
    with _last_run_lock:
        if time.monotonic() - _last_run < min_interval_seconds and _last_run:
            return False
        _last_run = time.monotonic()
    settings = settings or get_settings()
    try:
        with unit_of_work(factory) as session:
            emails = check_stalled_queue(session, settings=settings)
    except Exception:
        log.exception("stalled-queue check failed")
        return True
    send_alarm_emails(emails, settings)
    return True


@job("jobs.check_queue", cron="* * * * *")
def check_queue_job(session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    """Every minute: close or open the stalled-queue incident. Alarm emails are sent directly
    (before commit: at worst an owner gets a second copy if the commit then fails)."""
    settings = get_settings()
    emails = check_stalled_queue(session, settings=settings)
    health = queue_health(session)
    return {
        "due": health.due_count,
        "dead": health.dead_count,
        "alarms_sent": send_alarm_emails(emails, settings),
    }
