"""How a transaction touches SQLite: reads take no lock, the first write takes the write lock
(trading a stale read snapshot for a fresh one), a lock held too long is a 503, not a crash.

These run on a real database file with the engine Rapport uses, not the shared test
transaction (savepoints would hide exactly what is tested here).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from rapport import db as rdb
from rapport.db import make_engine, session_factory
from rapport.errors import DatabaseBusy


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'tx.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER)"))
        conn.execute(text("INSERT INTO counter VALUES (1, 0)"))
    return engine


def _n(session: Session) -> int:
    return int(session.execute(text("SELECT n FROM counter WHERE id = 1")).scalar_one())


def test_a_reader_does_not_block_a_writer(engine: Engine) -> None:
    sessions = session_factory(engine)
    reader, writer = sessions(), sessions()
    assert _n(reader) == 0  # a read transaction is open and stays open
    writer.execute(text("UPDATE counter SET n = 5 WHERE id = 1"))
    writer.commit()  # with BEGIN IMMEDIATE on every read, this would wait for the reader
    reader.close()
    writer.close()


def test_a_write_after_a_stale_read_takes_a_fresh_snapshot_instead_of_failing(
    engine: Engine,
) -> None:
    """SQLite refuses to upgrade a read snapshot that another writer has moved past
    (SQLITE_BUSY_SNAPSHOT); the first write trades it for BEGIN IMMEDIATE instead."""
    sessions = session_factory(engine)
    first, second = sessions(), sessions()
    assert _n(first) == 0
    second.execute(text("UPDATE counter SET n = n + 1 WHERE id = 1"))
    second.commit()
    first.execute(text("UPDATE counter SET n = n + 10 WHERE id = 1"))
    first.commit()
    check = sessions()
    assert _n(check) == 11, "the second writer's update was lost"
    for session in (first, second, check):
        session.close()


def test_lock_for_write_makes_read_then_write_sections_take_turns(engine: Engine) -> None:
    sessions = session_factory(engine)
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def bump() -> None:
        session = sessions()
        barrier.wait()
        try:
            rdb.lock_for_write(session)
            value = _n(session)
            time.sleep(0.05)  # widen the window in which another section could read too
            session.execute(text("UPDATE counter SET n = :n WHERE id = 1"), {"n": value + 1})
            session.commit()
        except Exception as exc:
            errors.append(exc)
        finally:
            session.close()

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    check = sessions()
    assert _n(check) == 4, "two read-then-write sections saw the same value"
    check.close()


def test_a_lock_held_past_the_budget_is_database_busy(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rdb, "WRITE_LOCK_BUDGET_SECONDS", 0.3)
    sessions = session_factory(engine)
    holder, waiter = sessions(), sessions()
    holder.execute(text("UPDATE counter SET n = 1 WHERE id = 1"))  # holds the write lock
    with pytest.raises(DatabaseBusy):
        waiter.execute(text("UPDATE counter SET n = 2 WHERE id = 1"))
    waiter.rollback()
    holder.commit()
    waiter.execute(text("UPDATE counter SET n = 2 WHERE id = 1"))
    waiter.commit()
    holder.close()
    waiter.close()


def test_all_or_nothing_undoes_only_its_block(engine: Engine) -> None:
    sessions = session_factory(engine)
    session = sessions()
    session.execute(text("UPDATE counter SET n = 1 WHERE id = 1"))
    with pytest.raises(ValueError), rdb.all_or_nothing(session):
        session.execute(text("UPDATE counter SET n = 99 WHERE id = 1"))
        raise ValueError("refused")
    session.commit()
    assert _n(session) == 1
    session.close()
