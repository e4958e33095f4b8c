"""Several people at once on a real server: no request fails, no write is lost, and a slow image
check running beside them holds nobody up.

This is the test that would have caught the first landing's deadlock: async dependencies that
waited for SQLite's write lock on the event loop, while the request holding the lock waited for
the event loop. Every later domain's routes go through the same dependencies and transaction
pattern, so they inherit what this test checks; add a domain's busiest routes to ``_one_round``.
"""

from __future__ import annotations

import io
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import update
from sqlalchemy.orm import Session

from rapport.core import clock
from rapport.db import has_uncommitted_writes
from rapport.web.deps import AuthDep, DbDep
from rapport.workspaces.models import UserSession
from tests.conftest import BACKENDS, World, create_test_database, sign_in
from tests.e2e.server import PASSWORD, LiveServer, live_server, seed_world
from tests.guard.web.conftest import bearer

CLIENTS = 8
ROUNDS = 4
SLUG = "lakeside"


class Busy:
    def __init__(self, server: LiveServer, token: str) -> None:
        self.server = server
        self.token = token


@pytest.fixture(params=BACKENDS)
def busy(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Busy]:
    tokens: list[str] = []

    def seed(db: Session) -> None:
        from rapport.workspaces import access
        from rapport.workspaces.models import User, Workspace

        seed_world(db)
        workspace = db.query(Workspace).filter_by(slug=SLUG).one()
        alice = db.query(User).filter_by(email="alice@example.com").one()
        _row, raw = access.create_api_token(
            db, workspace=workspace, name="load", role="owner", actor=alice
        )
        tokens.append(raw)

    databases = create_test_database(request.param, tmp_path / "db")
    database = next(databases)
    url = None if request.param == "sqlite" else database.url
    try:
        with live_server(tmp_path / "data", seed, database_url=url) as server:
            yield Busy(server, tokens[0])
    finally:
        databases.close()


def _photo() -> bytes:
    """A 2-megapixel noisy photo: real work for the face finder and OCR."""
    image = Image.effect_noise((1600, 1200), 64).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def _one_round(http: httpx.Client, written: list[str], n: int, i: int) -> list[int]:
    ws = f"/api/v1/workspaces/{SLUG}"
    name = f"Load Test {n}-{i}-{uuid.uuid4().hex[:6]}"
    consent = {
        "person_name": name,
        "kind": "photo",
        "signed_on": "2026-01-05",
        "channels": ["facebook"],
        "purposes": ["social"],
    }
    check = {"text": "Flu shots are here! Walk in weekdays 8-5.", "kind": "post"}
    responses = [
        http.get(ws),
        http.get(ws + "/audit"),
        http.post(ws + "/guard/check", json=check),
        http.post(ws + "/consents", json=consent),
        http.get(ws + "/consents"),
    ]
    written.append(name)
    return [r.status_code for r in responses]


def _api_client(busy: Busy, n: int, written: list[str]) -> list[int]:
    headers = {"Authorization": f"Bearer {busy.token}"}
    with httpx.Client(base_url=busy.server.url, headers=headers, timeout=60) as http:
        return [code for i in range(ROUNDS) for code in _one_round(http, written, n, i)]


def _page_client(busy: Busy) -> list[int]:
    """A signed-in person clicking through Team and the audit trail."""
    with httpx.Client(base_url=busy.server.url, timeout=60) as http:
        form = http.get("/login").text
        csrf = form.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        login = {"email": "alice@example.com", "password": PASSWORD, "csrf_token": csrf}
        codes = [http.post("/login", data=login).status_code]
        for _ in range(ROUNDS):
            codes.append(http.get(f"/w/{SLUG}/settings/team").status_code)
            codes.append(http.get(f"/w/{SLUG}/settings/audit").status_code)
        return codes


def _image_loop(busy: Busy, stop: threading.Event, codes: list[int]) -> None:
    photo = _photo()
    headers = {"Authorization": f"Bearer {busy.token}"}
    with httpx.Client(base_url=busy.server.url, headers=headers, timeout=120) as http:
        while not stop.is_set():
            files = {"file": ("photo.jpg", photo, "image/jpeg")}
            response = http.post("/api/v1/guard/check-image", files=files, data={"workspace": SLUG})
            codes.append(response.status_code)


def test_many_clients_and_a_slow_image_check_all_succeed_and_nothing_is_lost(busy: Busy) -> None:
    written: list[str] = []
    image_codes: list[int] = []
    stop = threading.Event()
    images = threading.Thread(target=_image_loop, args=(busy, stop, image_codes))
    images.start()
    try:
        with ThreadPoolExecutor(CLIENTS + 2) as pool:
            api = [pool.submit(_api_client, busy, n, written) for n in range(CLIENTS)]
            pages = [pool.submit(_page_client, busy) for _ in range(2)]
            time.sleep(1)
            health = httpx.get(busy.server.url + "/healthz", timeout=5)
            codes = Counter(c for f in api + pages for c in f.result())
    finally:
        stop.set()
        images.join(timeout=120)

    assert health.status_code in (200, 503), "/healthz must answer while the server is busy"
    assert set(codes) <= {200, 201, 303}, f"some requests failed: {dict(codes)}"
    assert image_codes and set(image_codes) == {200}, f"image checks: {Counter(image_codes)}"
    headers = {"Authorization": f"Bearer {busy.token}"}
    listed = httpx.get(
        f"{busy.server.url}/api/v1/workspaces/{SLUG}/consents", headers=headers, timeout=30
    ).json()
    assert {c["person_name"] for c in listed} >= set(written), "a consent write was lost"


def test_sign_in_bookkeeping_is_committed_before_the_route_runs(
    app: FastAPI, client: TestClient, db: Session, world: World
) -> None:
    """ "Last used" and "last seen" stamps must not stay pending into the route: flushed by
    its first query, they would hold the write lock (or the token's row lock) through slow work
    such as a 20-second image check, and every request with the same token would wait."""
    seen: list[bool] = []

    def probe(db: DbDep, _auth: AuthDep) -> dict[str, bool]:
        seen.append(has_uncommitted_writes(db))
        return {}

    app.add_api_route("/api/v1/test-probe", probe)
    headers = bearer(db, world.a, "owner", world.alice)  # never used: the first use stamps it
    assert client.get("/api/v1/test-probe", headers=headers).status_code == 200
    sign_in(client, "alice@example.com")
    stale = clock.now() - timedelta(hours=1)
    db.execute(update(UserSession).values(last_seen_at=stale))
    db.commit()
    assert client.get("/api/v1/test-probe").status_code == 200
    assert seen == [False, False]
