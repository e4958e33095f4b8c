"""`rapport serve`: migrate, start one in-process worker and the stalled-queue watchdog, serve."""

from __future__ import annotations

import io
import logging
import threading

import uvicorn

from rapport import dbadmin
from rapport.config import Settings
from rapport.db import get_engine, session_factory
from rapport.jobs import Worker
from rapport.jobs.watchdog import run_stall_check
from rapport.web.app import create_app

WARM_UP_IMAGE_PIXELS = (320, 240)

log = logging.getLogger("rapport.serve")
WATCHDOG_INTERVAL_SECONDS = 60


def _watchdog_loop(settings: Settings, stop: threading.Event) -> None:
    """Runs in the web process because the alarm is about workers not running at all."""
    sessions = session_factory(get_engine(settings.resolved_database_url))
    while not stop.wait(WATCHDOG_INTERVAL_SECONDS):
        run_stall_check(sessions, settings=settings, min_interval_seconds=WATCHDOG_INTERVAL_SECONDS)


def _warm_up_image_check() -> None:
    """Load the face models and ask Tesseract for its languages before the first request.

    Done lazily, the first image check of a new process stalled every other request for many
    seconds while it loaded them.
    """
    from PIL import Image

    from rapport.guard import GuardContext
    from rapport.guard.images import check_image

    buffer = io.BytesIO()
    Image.new("RGB", WARM_UP_IMAGE_PIXELS, "white").save(buffer, "PNG")
    try:
        check_image(buffer.getvalue(), kind="post", context=GuardContext(), consented_faces=0)
    except Exception as exc:
        log.warning("image check warm-up failed: %s", exc)


def serve(settings: Settings, *, host: str, port: int, upgrade: bool, worker: bool) -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    settings.ensure_secret_key()
    if upgrade:
        dbadmin.upgrade(settings.resolved_database_url)
    _warm_up_image_check()
    stop = threading.Event()
    threading.Thread(target=_watchdog_loop, args=(settings, stop), daemon=True).start()
    runner = None
    if worker:
        runner = Worker(session_factory(get_engine(settings.resolved_database_url)), concurrency=1)
        threading.Thread(target=runner.run, name="rapport-worker", daemon=True).start()
    log.info(
        "Rapport is running at http://%s:%s/ (sign in at /login; stop with Ctrl+C)", host, port
    )
    try:
        uvicorn.run(
            create_app(settings), host=host, port=port, log_level="info", proxy_headers=True
        )
    finally:
        stop.set()
        if runner is not None:
            runner.stop()
