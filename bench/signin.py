"""Does a sign-in or a reset request tell whether an account exists? Timing side by side.

Run: ``.venv/bin/python bench/signin.py``. A throwaway SQLite database with one account; the
real app over ASGI. Alternates requests for the existing address and an unknown one and prints
median and p95 per kind. Prints, never asserts. Target (issue 7): the same time for both (on
``main`` a wrong password took ~700 ms for an existing account and ~19 ms for an unknown one).
"""

from __future__ import annotations

import platform
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from rich.console import Console
from rich.table import Table

from rapport.config import load_settings
from rapport.db import Base, make_engine, session_factory, unit_of_work
from rapport.models import import_all_models
from rapport.web.app import create_app
from rapport.workspaces import service

ROUNDS = 10  # per address and kind; the reset form allows 20 requests per client an hour
KNOWN, UNKNOWN = "known@example.com", "unknown@example.com"


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


def _timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def _series(
    client: TestClient, path: str, form: Callable[[str], dict[str, str]]
) -> dict[str, list[float]]:
    csrf = _csrf(client.get(path).text)
    times: dict[str, list[float]] = {KNOWN: [], UNKNOWN: []}
    for n in range(ROUNDS):
        for address in (KNOWN, UNKNOWN) if n % 2 else (UNKNOWN, KNOWN):  # neither always first
            data = {**form(address), "csrf_token": csrf}
            times[address].append(_timed(lambda d=data: client.post(path, data=d)))  # type: ignore[misc]
    return times


def main() -> None:
    import_all_models()
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(
            env="test",
            data_dir=Path(tmp),
            secret_key="bench-secret-key-that-is-long-enough-for-fernet",
            run_worker_in_process=False,
            login_max_attempts=100,
        )
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        Base.metadata.create_all(engine)
        factory = session_factory(engine)
        with unit_of_work(factory) as db:
            service.create_user(db, email=KNOWN, name="Known", password="correct horse battery")
        with TestClient(create_app(settings, factory)) as client:
            sign_in = _series(
                client, "/login", lambda a: {"email": a, "password": "a wrong password"}
            )
            reset = _series(client, "/password/forgot", lambda a: {"email": a})
        engine.dispose()
    table = Table("request", "address", "median ms", "p95 ms")
    for kind, times in (("wrong password", sign_in), ("reset request", reset)):
        for address, values in times.items():
            p95 = statistics.quantiles(values, n=20)[-1]
            table.add_row(kind, address, f"{statistics.median(values):.1f}", f"{p95:.1f}")
    Console().print(f"{platform.node()}, Python {platform.python_version()}, {ROUNDS} each")
    Console().print(table)


if __name__ == "__main__":
    main()
