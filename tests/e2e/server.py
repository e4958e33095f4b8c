"""A real Rapport server for browser tests and screenshots: a fresh SQLite file, a seeded world,
uvicorn in a background thread on 127.0.0.1, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from playwright.sync_api import Browser, Page, Playwright
from sqlalchemy.orm import Session

from rapport.config import load_settings
from rapport.db import Base, make_engine, session_factory, unit_of_work
from rapport.jobs import enqueue
from rapport.models import import_all_models
from rapport.notifications import notify
from rapport.web.app import create_app
from rapport.workspaces import configure_audit_key, service
from rapport.workspaces.models import User, Workspace

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "correct horse battery"
# The same key as tests/conftest.py: the audit key is one per process, and the seed, the tests
# and this in-process server all sign audit events in the same process.
SECRET = "test-secret-key-that-is-long-enough-for-fernet"
Seed = Callable[[Session], None]


def seed_world(db: Session) -> None:
    """alice owns "Lakeside Family Practice" (slug lakeside), bob edits in it."""
    org = service.create_organisation(db, name="Lakeside Family Practice")
    details = service.WorkspaceDetails(name="Lakeside Family Practice", phone="+1 555 201 3344")
    ws = service.create_workspace(db, organisation=org, details=details, slug="lakeside")
    alice = service.create_user(
        db, email="alice@example.com", name="Alice Owens", password=PASSWORD
    )
    bob = service.create_user(db, email="bob@example.com", name="Bob Diaz", password=PASSWORD)
    service.add_member(db, workspace=ws, user=alice, role="owner", actor=None)
    service.add_member(db, workspace=ws, user=bob, role="editor", actor=alice)
    _seed_jobs_and_notices(db, ws, alice)


def _seed_jobs_and_notices(db: Session, ws: Workspace, owner: User) -> None:
    """A dead and a failed job for the jobs page, and an unread notice for the bell."""
    for kind, state, error in (
        ("publishing.deliver", "dead", "Mastodon answered 401: the access token was revoked."),
        ("analytics.import", "failed", "The export file has no 'Date' column (row 1)."),
    ):
        job = enqueue(db, kind=kind, payload={}, workspace_id=ws.id)
        job.state, job.attempts, job.last_error = state, job.max_attempts, error
    notify(
        db,
        user_ids=[owner.id],
        kind="workspaces.invitation",
        title="Bob Diaz joined Lakeside Family Practice",
        body="Bob accepted your invitation and can now draft posts.",
        link=f"/w/{ws.slug}/settings/team",
        workspace_id=ws.id,
        email_via="caller",
    )


@dataclass
class LiveServer:
    url: str
    database_url: str


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def _database(data_dir: Path, seed: Seed, url: str | None = None) -> str:
    """Create every table in ``url`` (default: a new SQLite file in ``data_dir``) and seed it,
    signing the audit trail with the key the server will check it with."""
    import_all_models()
    configure_audit_key(SECRET)
    url = url or f"sqlite:///{data_dir / 'rapport.db'}"
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    with unit_of_work(session_factory(engine)) as db:
        seed(db)
    engine.dispose()
    return url


@contextmanager
def live_server(
    data_dir: Path, seed: Seed = seed_world, database_url: str | None = None
) -> Iterator[LiveServer]:
    """Serve a freshly seeded database until the block ends; the socket is bound before the
    thread starts, so there is no race for the port. ``database_url`` names an empty database
    to use instead of a new SQLite file (PostgreSQL in the concurrency tests)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    database_url = _database(data_dir, seed, database_url)
    sock = _free_socket()
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    settings = load_settings(
        env="test",
        data_dir=data_dir,
        secret_key=SECRET,
        database_url=database_url,
        base_url=url,
        smtp_host="",
        run_worker_in_process=False,
    )
    config = uvicorn.Config(create_app(settings, None), log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        _wait_started(server, thread)
        yield LiveServer(url, database_url)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def _wait_started(server: uvicorn.Server, thread: threading.Thread) -> None:
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)


def launch_chromium(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def sign_in(page: Page, base_url: str, email: str, password: str = PASSWORD) -> None:
    page.goto(base_url + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)
