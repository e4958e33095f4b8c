"""A worker waiting out an unreachable database: said once when it goes, once when it is back.

Without this the worker logged a traceback every second for as long as PostgreSQL was down.
"""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from rapport.core.dbconn import ConnectionProblem, connection_problem

log = logging.getLogger("rapport.jobs")

FIRST_RETRY_SECONDS = 1.0
MAX_RETRY_SECONDS = 30.0


class DatabaseOutage:
    """Tracks whether the database is reachable; safe to share between a worker's threads."""

    def __init__(self, database_url: str) -> None:
        self._url = database_url
        self._lock = threading.Lock()
        self._problem: ConnectionProblem | None = None
        self._since = 0.0
        self._delay = FIRST_RETRY_SECONDS

    @property
    def down(self) -> bool:
        return self._problem is not None

    def failed(self, exc: BaseException) -> float | None:
        """Seconds to wait before trying again when ``exc`` means "can't reach the database"
        (the first time, this logs one warning); None when ``exc`` is some other error."""
        problem = connection_problem(exc, self._url)
        if problem is None:
            return None
        with self._lock:
            if self._problem is None:
                self._problem, self._since = problem, time.monotonic()
                self._delay = FIRST_RETRY_SECONDS
                log.warning(
                    "database unreachable at %s (%s); retrying quietly, at most every %.0f s",
                    problem.where,
                    problem.reason,
                    MAX_RETRY_SECONDS,
                )
            delay = self._delay
            self._delay = min(self._delay * 2, MAX_RETRY_SECONDS)
        return delay

    def succeeded(self) -> None:
        """The database answered: say so once if it had been unreachable."""
        if self._problem is None:
            return
        with self._lock:
            if self._problem is None:
                return
            where, self._problem = self._problem.where, None
            log.info(
                "database at %s reachable again after %.0f s; back to work",
                where,
                time.monotonic() - self._since,
            )


def database_url(factory: sessionmaker[Session]) -> str:
    """The URL the sessions of ``factory`` connect to ("" when it has no engine bound)."""
    bind = factory.kw.get("bind")
    return bind.url.render_as_string(hide_password=False) if isinstance(bind, Engine) else ""
