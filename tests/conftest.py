"""Shared fixtures: a database per backend, one transaction per test, an app client, the world.

Every test that uses ``db`` runs on SQLite and, when ``RAPPORT_TEST_POSTGRES_URL`` is set, on
PostgreSQL too. The world: alice owns workspace A, bob edits in A, carol owns workspace B.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from rapport.config import Settings, load_settings
from rapport.db import Base, make_engine
from rapport.models import import_all_models
from rapport.web.app import create_app
from rapport.workspaces import audit, service
from rapport.workspaces.models import User, Workspace

pytest_plugins = ["tests.browser_fixtures"]

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


# --- the app and the world ------------------------------------------------------------

PASSWORD = "correct horse battery"
SECRET_KEY = "test-secret-key-that-is-long-enough-for-fernet"


@pytest.fixture(autouse=True)
def audit_key() -> audit.AuditKey:
    """Every test signs audit events with the test settings' key (the app does the same)."""
    return audit.configure_key(SECRET_KEY)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(
        env="test",
        data_dir=tmp_path / "data",
        secret_key=SECRET_KEY,
        base_url="http://testserver",
        smtp_host="",
        run_worker_in_process=False,
    )


@pytest.fixture
def app(settings: Settings, session_factory: sessionmaker[Session]) -> FastAPI:
    return create_app(settings, session_factory)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client


@dataclass
class World:
    alice: User
    bob: User
    carol: User
    a: Workspace
    b: Workspace


@pytest.fixture
def world(db: Session) -> World:
    """alice owns workspace A, bob edits in A, carol owns workspace B."""
    org_a = service.create_organisation(db, name="Lakeside Test Practice")
    org_b = service.create_organisation(db, name="Other Practice")
    a = service.create_workspace(
        db,
        organisation=org_a,
        details=service.WorkspaceDetails(name="Workspace A", phone="+1 555 201 3344"),
        slug="ws-a",
    )
    b = service.create_workspace(
        db, organisation=org_b, details=service.WorkspaceDetails(name="Workspace B"), slug="ws-b"
    )
    alice = service.create_user(db, email="alice@example.com", name="Alice", password=PASSWORD)
    bob = service.create_user(db, email="bob@example.com", name="Bob", password=PASSWORD)
    carol = service.create_user(db, email="carol@example.com", name="Carol", password=PASSWORD)
    service.add_member(db, workspace=a, user=alice, role="owner", actor=None)
    service.add_member(db, workspace=a, user=bob, role="editor", actor=alice)
    service.add_member(db, workspace=b, user=carol, role="owner", actor=None)
    db.commit()
    return World(alice, bob, carol, a, b)


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> str:
    """Sign in through the real form; returns the session's CSRF token for later posts."""
    client.cookies.clear()
    page = client.get("/login")
    token = csrf_from(page.text)
    response = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return csrf_from(client.get("/account").text)


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def make_user(db: Session, workspace: Workspace, role: str) -> User:
    user = service.create_user(
        db, email=f"{role}-{uuid.uuid4().hex[:6]}@example.com", name=role.title(), password=PASSWORD
    )
    service.add_member(db, workspace=workspace, user=user, role=role, actor=None)
    db.commit()
    return user
