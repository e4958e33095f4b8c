"""A team at work: N clients at once against real `rapport serve` processes.

Each client signs in once, then loops over a mix: a page (Settings → Team), two API reads
(the workspace, the audit trail), a guard check and a consent write. One more client checks
a 2-megapixel photo over and over beside them. Scenarios: SQLite behind one `rapport serve`,
PostgreSQL behind two (each on its own port, clients alternate), with 8 and 32 clients.

Run: ``.venv/bin/python bench/web.py [--seconds 20]`` (PostgreSQL at RAPPORT_BENCH_POSTGRES_URL,
default postgresql+psycopg://postgres@127.0.0.1:5432/test; a throwaway database is created
and dropped). Prints requests/s, p50/p95/p99 latency and errors per scenario; never asserts.
Target (issue 7): 0 errors everywhere; p95 <= 300 ms on SQLite with 8 clients.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from PIL import Image
from rich.console import Console
from rich.table import Table

from jobs import throwaway_postgres  # bench/jobs.py: the same throwaway database
from rapport import dbadmin
from rapport.db import get_engine, session_factory, unit_of_work
from rapport.workspaces import access, service

PASSWORD = "bench password 2026"
SLUG = "bench"
PEOPLE = 32
RAPPORT = str(Path(sys.executable).with_name("rapport"))


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    images: int = 0
    image_errors: int = 0

    def add(self, kind: str, started: float, outcome: str | int) -> None:
        elapsed = time.perf_counter() - started
        self.latencies.append(elapsed)
        self.by_kind.setdefault(kind, []).append(elapsed)
        if not (isinstance(outcome, int) and outcome < 400):
            self.errors[str(outcome)] = self.errors.get(str(outcome), 0) + 1


def seed(url: str) -> str:
    """Migrate, then one practice with PEOPLE members and an owner's API token."""
    dbadmin.upgrade(url)
    with unit_of_work(session_factory(get_engine(url))) as db:
        org = service.create_organisation(db, name="Bench Practice")
        details = service.WorkspaceDetails(name="Bench Practice", phone="+1 555 201 3344")
        ws = service.create_workspace(db, organisation=org, details=details, slug=SLUG)
        owner = None
        for n in range(PEOPLE):
            user = service.create_user(
                db, email=f"user{n}@bench.example", name=f"User {n}", password=PASSWORD
            )
            service.add_member(db, workspace=ws, user=user, role="owner", actor=owner)
            owner = owner or user
        _row, token = access.create_api_token(
            db, workspace=ws, name="bench", role="owner", actor=owner
        )
    get_engine(url).dispose()
    return token


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def servers(url: str, data_dir: Path, count: int) -> Iterator[list[str]]:
    env = dict(
        os.environ,
        RAPPORT_DATABASE_URL=url,
        RAPPORT_DATA_DIR=str(data_dir),
        RAPPORT_SECRET_KEY="bench-secret-key-that-is-long-enough-1234",
        RAPPORT_ENV="test",
    )
    ports = [_free_port() for _ in range(count)]
    procs = [
        subprocess.Popen(
            [RAPPORT, "serve", "--port", str(port), "--no-upgrade"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for base in bases:
            _wait_up(base)
        yield bases
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)


def _wait_up(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code in (200, 503):
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError(f"rapport serve did not start on {base}")


def photo() -> bytes:
    out = io.BytesIO()
    Image.effect_noise((1600, 1200), 64).convert("RGB").save(out, "JPEG", quality=80)
    return out.getvalue()


async def sign_in(http: httpx.AsyncClient, n: int) -> None:
    page = (await http.get("/login")).text
    csrf = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    data = {"email": f"user{n}@bench.example", "password": PASSWORD, "csrf_token": csrf}
    response = await http.post("/login", data=data)
    if response.status_code != 303:
        raise RuntimeError(f"sign-in failed: {response.status_code}")


async def timed(tally: Tally, kind: str, call: object) -> None:
    started = time.perf_counter()
    try:
        response = await call  # type: ignore[misc]
        tally.add(kind, started, response.status_code)
    except httpx.HTTPError as exc:
        tally.add(kind, started, type(exc).__name__)


async def client(http: httpx.AsyncClient, n: int, token: str, until: float, tally: Tally) -> None:
    ws = f"/api/v1/workspaces/{SLUG}"
    bearer = {"Authorization": f"Bearer {token}"}
    check = {"text": "Flu shots are here! Walk in weekdays 8-5.", "kind": "post"}
    while time.monotonic() < until:
        consent = {
            "person_name": f"Bench {n} {uuid.uuid4().hex[:8]}",
            "kind": "photo",
            "signed_on": "2026-01-05",
            "channels": ["facebook"],
            "purposes": ["social"],
        }
        await timed(tally, "team page", http.get(f"/w/{SLUG}/settings/team"))
        await timed(tally, "API read", http.get(ws, headers=bearer))
        await timed(tally, "API audit", http.get(ws + "/audit", headers=bearer))
        await timed(
            tally, "guard check", http.post(ws + "/guard/check", json=check, headers=bearer)
        )
        await timed(
            tally, "consent write", http.post(ws + "/consents", json=consent, headers=bearer)
        )


async def image_client(base: str, token: str, until: float, tally: Tally, data: bytes) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=120) as http:
        while time.monotonic() < until:
            files = {"file": ("photo.jpg", data, "image/jpeg")}
            try:
                response = await http.post(
                    "/api/v1/guard/check-image",
                    files=files,
                    data={"workspace": SLUG},
                    headers={"Authorization": f"Bearer {token}"},
                )
                ok = response.status_code == 200
            except httpx.HTTPError:
                ok = False
            tally.images += 1
            tally.image_errors += 0 if ok else 1


async def run_load(bases: list[str], token: str, clients: int, seconds: float) -> Tally:
    """Everyone signs in first (not timed), then the clock runs for ``seconds``."""
    tally = Tally()
    https = [httpx.AsyncClient(base_url=bases[n % len(bases)], timeout=60) for n in range(clients)]
    try:
        for n, http in enumerate(https):
            await sign_in(http, n)
        until = time.monotonic() + seconds
        jobs = [client(http, n, token, until, tally) for n, http in enumerate(https)]
        jobs.append(image_client(bases[0], token, until, tally, photo()))
        await asyncio.gather(*jobs)
    finally:
        for http in https:
            await http.aclose()
    return tally


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def scenario(url: str, data_dir: Path, server_count: int, clients: list[int], seconds: float):  # type: ignore[no-untyped-def]
    token = seed(url)
    with servers(url, data_dir, server_count) as bases:
        for count in clients:
            yield count, asyncio.run(run_load(bases, token, count, seconds))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each scenario")
    parser.add_argument("--clients", default="8,32", help="comma-separated client counts")
    args = parser.parse_args()
    counts = [int(c) for c in args.clients.split(",")]
    console = Console(width=150)
    console.print(
        f"bench/web.py on {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; {args.seconds:.0f} s per scenario, load generator on "
        "the same machine"
    )
    table = Table(
        "database",
        "servers",
        "clients",
        "requests",
        "req/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "errors",
        "image checks (errors)",
    )
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_url = f"sqlite:///{Path(tmp) / 'sqlite' / 'rapport.db'}"
        runs = [("SQLite", 1, sqlite_url, Path(tmp) / "sqlite")]
        with throwaway_postgres() as pg_url:
            runs.append(("PostgreSQL", 2, pg_url, Path(tmp) / "pg"))
            for label, server_count, url, data_dir in runs:
                data_dir.mkdir(parents=True, exist_ok=True)
                for count, tally in scenario(url, data_dir, server_count, counts, args.seconds):
                    lat = tally.latencies
                    table.add_row(
                        label,
                        str(server_count),
                        str(count),
                        str(len(lat)),
                        f"{len(lat) / args.seconds:.0f}",
                        f"{percentile(lat, 0.50) * 1000:.0f}",
                        f"{percentile(lat, 0.95) * 1000:.0f}",
                        f"{percentile(lat, 0.99) * 1000:.0f}",
                        str(sum(tally.errors.values()))
                        + (f" {tally.errors}" if tally.errors else ""),
                        f"{tally.images} ({tally.image_errors})",
                    )
                    per_kind = ", ".join(
                        f"{kind} {percentile(values, 0.95) * 1000:.0f}"
                        for kind, values in sorted(tally.by_kind.items())
                    )
                    console.print(f"{label}, {count} clients — p95 ms by kind: {per_kind}")
    console.print(table)


if __name__ == "__main__":
    main()
