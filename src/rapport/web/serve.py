"""`rapport serve`: migrate, start one in-process worker and the stalled-queue watchdog, serve."""

from __future__ import annotations

import logging
import threading

import uvicorn

from rapport import dbadmin
from rapport.config import Settings
from rapport.db import get_engine, session_factory, unit_of_work
from rapport.jobs import Worker
from rapport.jobs.watchdog import check_stalled_queue
from rapport.notifications import send_email_now
from rapport.web.app import create_app

log = logging.getLogger("rapport.serve")
WATCHDOG_INTERVAL_SECONDS = 60


def _watchdog_loop(settings: Settings, stop: threading.Event) -> None:
    """Runs in the web process because the alarm is about workers not running at all."""
    sessions = session_factory(get_engine(settings.resolved_database_url))
    while not stop.wait(WATCHDOG_INTERVAL_SECONDS):
        try:
            with unit_of_work(sessions) as db:
                emails = check_stalled_queue(db, settings=settings)
            for email in emails:
                send_email_now(email.to, email.subject, email.body_text, settings=settings)
        except Exception:  # the watchdog must never take the web server down
            log.exception("stalled-queue check failed")


def serve(settings: Settings, *, host: str, port: int, upgrade: bool, worker: bool) -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    settings.ensure_secret_key()
    if upgrade:
        dbadmin.upgrade(settings.resolved_database_url)
    stop = threading.Event()
    threading.Thread(target=_watchdog_loop, args=(settings, stop), daemon=True).start()
    runner = None
    if worker:
        runner = Worker(session_factory(get_engine(settings.resolved_database_url)), concurrency=1)
        threading.Thread(target=runner.run, name="rapport-worker", daemon=True).start()
    log.info("Rapport is running at http://%s:%s/ (sign in at /login; stop with Ctrl+C)", host, port)
    try:
        uvicorn.run(
            create_app(settings), host=host, port=port, log_level="info", proxy_headers=True
        )
    finally:
        stop.set()
        if runner is not None:
            runner.stop()
