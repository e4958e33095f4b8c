"""Recognise a database that can't be reached (or won't let us in) and say so in one sentence.

The CLI turns these into a message and an exit code; the worker uses :func:`connection_problem`
to wait quietly for the database instead of logging a traceback every second. Messages name the
host and port, never the password of the URL.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, InterfaceError, OperationalError

# (fragment of the driver's message, our reason, whether retrying later can help)
_REASONS: tuple[tuple[str, str, bool], ...] = (
    ("connection refused", "connection refused", True),
    ("timeout expired", "timed out", True),
    ("timed out", "timed out", True),
    ("name or service not known", "unknown host name", False),
    ("nodename nor servname", "unknown host name", False),
    ("failed to resolve host", "unknown host name", False),
    ("could not translate host name", "unknown host name", False),
    ("network is unreachable", "network unreachable", True),
    ("no route to host", "no route to host", True),
    ("server closed the connection", "the server closed the connection", True),
    ("terminating connection", "the server is shutting down", True),
    ("the database system is starting up", "the server is starting up", True),
    ("the database system is shutting down", "the server is shutting down", True),
    ("consuming input failed", "the connection was lost", True),
    ("password authentication failed", "the password was refused", False),
    ("no pg_hba.conf entry", "the server does not allow this user from here", False),
    ("unable to open database file", "can't open the database file", False),
)


@dataclass(frozen=True)
class ConnectionProblem:
    """Why the database could not be used: ``transient`` means waiting may fix it."""

    where: str
    reason: str
    transient: bool

    def sentence(self) -> str:
        if self.where.startswith("SQLite"):
            return (
                f"Can't open the {self.where} ({self.reason}). Make the data directory "
                "writable for this user or set RAPPORT_DATA_DIR to one that is."
            )
        if self.transient:
            return (
                f"Can't reach the database at {self.where} ({self.reason}). "
                "Start PostgreSQL or fix RAPPORT_DATABASE_URL."
            )
        return (
            f"Can't connect to the database at {self.where} ({self.reason}). "
            "Fix RAPPORT_DATABASE_URL, or create the database or user it names."
        )


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        hidden = current.__suppress_context__  # `raise … from None` hides the context
        current = current.__cause__ or (None if hidden else current.__context__)


def describe_location(url: str) -> str:
    """``host:port`` (or the SQLite file) of a database URL, without user or password."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return "the configured URL"
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite database {parsed.database or ':memory:'}"
    return f"{parsed.host or 'localhost'}:{parsed.port or 5432}"


def _reason(message: str) -> tuple[str, bool] | None:
    lowered = message.lower()
    for fragment, reason, transient in _REASONS:
        if fragment in lowered:
            return reason, transient
    if "fatal:" in lowered and "does not exist" in lowered:
        # 'FATAL:  database "x" does not exist' (or role): the server's own words say which
        return message.rsplit("FATAL:", 1)[-1].strip().splitlines()[0], False
    if lowered.startswith(("connection failed", "connection to server")):
        return "connection failed", True
    return None


def connection_problem(exc: BaseException, url: str) -> ConnectionProblem | None:
    """The connection problem behind ``exc`` (anywhere in its cause chain), else None.

    Only failures to connect or a lost connection count; a failing statement does not.
    """
    for error in _chain(exc):
        if not isinstance(error, OperationalError | InterfaceError):
            continue
        found = _reason(str(error.orig))
        if found is None and error.connection_invalidated:
            found = ("the connection was lost", True)
        if found is not None:
            return ConnectionProblem(describe_location(url), found[0], found[1])
    return None
