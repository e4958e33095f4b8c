"""Job-queue fixtures: a clock tests can move, test job kinds, owners to notify."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from rapport.core import clock
from rapport.errors import ExternalServiceError
from rapport.jobs.registry import job
from rapport.workspaces.models import Membership, Organisation, User, Workspace


class MovableClock:
    def __init__(self) -> None:
        self.current = datetime(2030, 3, 4, 9, 0, 30, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


@pytest.fixture
def moving_clock() -> Iterator[MovableClock]:
    movable = MovableClock()
    clock.set_clock(movable)
    yield movable
    clock.set_clock(None)


@job("tests.noop")
def noop(session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    return {"seen": payload.get("n", 0)}


@job("tests.create_organisation")
def create_organisation(session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    session.add(Organisation(name=payload["name"], slug=payload["name"]))
    session.flush()
    if payload.get("fail"):
        raise ValueError("failing after the write")
    return {"created": 1}


@job("tests.call_flaky_service")
def call_flaky_service(session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    raise ExternalServiceError("service unavailable", permanent=payload.get("permanent", False))


@job("tests.time_out", retry_on=(TimeoutError,))
def time_out(session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    raise TimeoutError("took too long")


@job("tests.hit_bug")
def hit_bug(session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    raise KeyError("missing")


@job("tests.every_five_minutes", cron="*/5 * * * *")
def every_five_minutes(session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    return {"slot": payload["slot"]}


def make_owner(session: Session, name: str) -> User:
    """A user who owns a fresh workspace."""
    slug = f"{name}-{uuid.uuid4().hex[:6]}"
    org = Organisation(name=name, slug=slug)
    workspace = Workspace(organisation=org, name=f"{name}'s practice", slug=slug)
    user = User(email=f"{slug}@example.org", name=name, password_hash="x")
    session.add_all([org, workspace, user])
    session.flush()
    session.add(Membership(user_id=user.id, workspace_id=workspace.id, role="owner"))
    session.flush()
    return user
