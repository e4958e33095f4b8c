"""Helpers for the guard's web and API tests: bearer tokens per role.

The browser fixtures come from ``tests/browser_fixtures.py`` (one Chromium for the session).
"""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from rapport.workspaces import access
from rapport.workspaces.models import User, Workspace
from tests.conftest import World, make_user


def bearer(db: Session, workspace: Workspace, role: str, actor: User | None) -> dict[str, str]:
    """Authorization headers for a fresh API token with ``role`` in ``workspace``."""
    _token, raw = access.create_api_token(
        db, workspace=workspace, name=f"test {role}", role=role, actor=actor
    )
    db.commit()
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def owner_api(db: Session, world: World) -> dict[str, str]:
    return bearer(db, world.a, "owner", world.alice)


@pytest.fixture
def analyst(db: Session, world: World) -> User:
    return make_user(db, world.a, "analyst")
