"""Shared fixtures: a database per backend, one transaction per test, an app client, the world.

Every test that uses ``db`` runs on SQLite and, when ``RAPPORT_TEST_POSTGRES_URL`` is set, on
PostgreSQL too. The world: alice owns workspace A, bob edits in A, carol owns workspace B.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from rapport.db import Base, make_engine
from rapport.models import import_all_models

POSTGRES_URL = os.environ.get("RAPPORT_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite", "postgres"] if POSTGRES_URL else ["sqlite"]


def _postgres_url() -> str:
    url = POSTGRES_URL
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


@dataclass
class TestDatabase:
    url: str
    engine: Engine
    backend: str


def create_test_database(backend: str, tmp_dir: Path) -> Iterator[TestDatabase]:
    """A fresh, empty database with every table: a SQLite file or a new PostgreSQL database."""
    import_all_models()
    if backend == "sqlite":
        url = f"sqlite:///{tmp_dir / 'test.db'}"
        engine = make_engine(url)
        Base.metadata.create_all(engine)
        yield TestDatabase(url, engine, backend)
        engine.dispose()
        return
    base_url = _postgres_url()
    name = f"rapport_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = base_url.rsplit("/", 1)[0] + "/" + name
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    try:
        yield TestDatabase(url, engine, backend)
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestDatabase]:
    yield from create_test_database(request.param, tmp_path_factory.mktemp(request.param))


@pytest.fixture
def connection(database: TestDatabase) -> Iterator[object]:
    conn = database.engine.connect()
    trans = conn.begin()
    yield conn
    trans.rollback()
    conn.close()


@pytest.fixture
def session_factory(connection: object) -> sessionmaker[Session]:
    """Sessions joined to the test's transaction: their commits become savepoints."""
    return sessionmaker(
        bind=connection,  # type: ignore[arg-type]
        join_transaction_mode="create_savepoint",
        expire_on_commit=False,
    )


@pytest.fixture
def db(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    session = session_factory()
    yield session
    session.close()
