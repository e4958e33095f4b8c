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
from rapport.jobs.models import READY_SQL, Job, WatchdogState, WorkerHeartbeat
from rapport.jobs.queue import count_rows
from rapport.jobs.registry import job
from rapport.notifications import OutgoingEmail, notify_message, send_email_now
from rapport.workspaces import Membership

log = logging.getLogger("rapport.jobs.watchdog")

RENOTIFY_AFTER = timedelta(hours=6)
STALLED_KIND = "jobs.queue_stalled"


@dataclass(frozen=True)
class QueueHealth:
    """``oldest_unclaimed_due_age_seconds`` is None when no job is waiting to run;
    ``due_count`` counts jobs ready now (due, or failed and past their retry time)."""

    oldest_unclaimed_due_age_seconds: float | None
    last_heartbeat_at: datetime | None
    dead_count: int
    due_count: int

    def is_stalled(self, watchdog_minutes: int) -> bool:
        age = self.oldest_unclaimed_due_age_seconds
        return age is not None and age > watchdog_minutes * 60


def queue_health(session: Session) -> QueueHealth:
    """Cheap figures for ``/healthz`` and the banner (index-only queries)."""
    now = clock.now()
    oldest, due = session.execute(
        select(func.min(Job.run_at), func.count()).where(text(READY_SQL), Job.run_at <= now)
    ).one()
    dead = session.scalar(select(func.count()).where(Job.state == "dead")) or 0
    last_seen = session.scalar(select(func.max(WorkerHeartbeat.last_seen_at)))
    age = None if oldest is None else max(0.0, (now - clock.as_utc(oldest)).total_seconds())
    last_seen = None if last_seen is None else clock.as_utc(last_seen)
    return QueueHealth(age, last_seen, dead, due)


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
    result = notify_message(
        session,
        user_ids=list(owners),
        kind=STALLED_KIND,
        message="queue_stalled",
        params={"count": health.due_count, "minutes": minutes},
        link="/admin/jobs",
        email_via="caller",
        settings=settings,
    )
    log.error(
        "job queue stalled: %d due job(s), oldest %d min; %d owner(s) told",
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
