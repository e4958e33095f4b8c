"""Engine, sessions and the declarative Base shared by every domain.

SQLite is the embedded default; PostgreSQL is selected by the URL.

How a transaction touches SQLite (the pattern every domain relies on):

- A transaction begins *deferred*: reads take no lock, so any number of requests read at once
  (WAL) and a read never waits for, or blocks, a writer.
- The first write statement of a transaction (INSERT, UPDATE, DELETE) first trades the read
  snapshot for the write lock: it ends the read-only transaction and begins ``BEGIN IMMEDIATE``
  on the same connection, waiting (with back-off) for the lock instead of failing half-way on a
  lock upgrade. From then on the transaction is a short writer that commits at the end of the
  request or job. Reads before the first write see committed data as of their statement, which
  is what PostgreSQL's default READ COMMITTED gives too: code that must not lose an update uses
  a conditional UPDATE or calls :func:`lock_for_write` before it reads.
- A database that stays busy past the retry budget raises :class:`DatabaseBusy`, which the web
  layer answers with 503 and Retry-After, never a 500.
"""

from __future__ import annotations

import logging
import random
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, MetaData, create_engine, event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.types import TypeDecorator

from rapport.core import clock
from rapport.errors import DatabaseBusy

log = logging.getLogger("rapport.db")

SQLITE_BUSY_TIMEOUT_MS = 5000
WRITE_LOCK_BUDGET_SECONDS = 30.0
LONG_WRITE_SECONDS = 2.0  # a write transaction longer than this is logged as a bug
WRITE_STATEMENTS = ("INSERT", "UPDATE", "DELETE", "REPLACE")
# Connections a process may hold at once: the web layer admits at most
# ``settings.max_concurrent_requests`` requests, plus the in-process worker and watchdog.
POOL_SIZE = 24
POOL_OVERFLOW = 8

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC and always hands back timezone-aware datetimes, on SQLite too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use rapport.core.clock.now()")
        return clock.as_utc(value)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else clock.as_utc(value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


class IdMixin:
    id: Mapped[int] = mapped_column(Integer, primary_key=True)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)


class WorkspaceMixin:
    """Every tenant row belongs to one workspace and every query filters on it."""

    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), index=True
    )


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # let SQLAlchemy's begin event issue BEGIN itself
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.info.pop(_WRITING, None)
        conn.exec_driver_sql("BEGIN")  # deferred: a read never takes the write lock

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _on_end(conn: Connection) -> None:
        since = conn.info.pop(_WRITING, None)
        if since is not None and time.monotonic() - since > LONG_WRITE_SECONDS:
            log.warning(
                "a transaction held the write lock for %.1f s; every other writer waited. Do "
                "slow work before the first write.",
                time.monotonic() - since,
            )

    @event.listens_for(engine, "before_cursor_execute")
    def _before_write(conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip()[:7].upper().startswith(WRITE_STATEMENTS):
            _take_write_lock(conn)


_WRITING = "rapport_sqlite_writing"


def _take_write_lock(conn: Connection) -> None:
    """Turn the connection's deferred transaction into a ``BEGIN IMMEDIATE`` writer, once.

    Inside a savepoint (tests join an outer transaction) the outer transaction owns the
    locking, so nothing is swapped there.
    """
    if _WRITING in conn.info or not conn.in_transaction() or conn.in_nested_transaction():
        return
    raw = conn.connection.driver_connection
    assert raw is not None
    if raw.in_transaction:
        raw.execute("COMMIT")  # nothing was written yet: this only drops the read snapshot
    _begin_immediate(raw)
    conn.info[_WRITING] = time.monotonic()


def _begin_immediate(raw: sqlite3.Connection) -> None:
    """Wait for the write lock with back-off; busy past the budget is a 503, never a 500."""
    deadline = time.monotonic() + WRITE_LOCK_BUDGET_SECONDS
    delay = 0.01
    while True:
        try:
            raw.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if time.monotonic() >= deadline:
                log.warning("database still busy after %.0f s", WRITE_LOCK_BUDGET_SECONDS)
                raise DatabaseBusy() from exc
        time.sleep(delay * (1 + random.random()))
        delay = min(delay * 2, 0.5)


def lock_for_write(session: Session, *, key: int | None = None) -> None:
    """Serialise a read-then-write section: call it before the read that decides the write.

    On SQLite this takes the database's write lock now. On PostgreSQL, with a ``key`` (a
    workspace id, say), a transaction-scoped advisory lock on it, so writers of other keys go
    on in parallel; without one, nothing (row locks and constraints do the work there).
    """
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        _take_write_lock(conn)
    elif conn.dialect.name == "postgresql" and key is not None:
        conn.execute(text("SELECT pg_advisory_xact_lock(:ns, :key)"), {"ns": 7301, "key": key})


_WROTE = "rapport_wrote"


@event.listens_for(Session, "after_flush")
def _remember_flush(session: Session, _context: Any) -> None:
    session.info[_WROTE] = True


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_flush(session: Session) -> None:
    session.info.pop(_WROTE, None)


def has_uncommitted_writes(session: Session) -> bool:
    """Changes waiting to be flushed, or flushed but not yet committed."""
    return bool(session.new or session.dirty or session.deleted or session.info.get(_WROTE))


@contextmanager
def all_or_nothing(session: Session) -> Iterator[None]:
    """A savepoint: an error inside undoes this block's changes and nothing else.

    SQLite can't trade a read snapshot for the write lock inside a savepoint, so the lock is
    taken before the savepoint begins.
    """
    lock_for_write(session)
    with session.begin_nested():
        yield


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            pool_size=POOL_SIZE,
            max_overflow=POOL_OVERFLOW,
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW)


@lru_cache(maxsize=8)
def get_engine(url: str) -> Engine:
    return make_engine(url)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def is_postgres(session_or_engine: Session | Engine) -> bool:
    bind = (
        session_or_engine.get_bind()
        if isinstance(session_or_engine, Session)
        else session_or_engine
    )
    return bind.dialect.name == "postgresql"
