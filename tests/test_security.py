"""Walks every registered route: tenancy (carol never sees workspace A) and the role table."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from rapport.workspaces import access
from rapport.workspaces.roles import ROLES, can
from tests.conftest import World, make_user, sign_in
from tests.routes import workspace_routes

MISSING_ID = "999999"


def required_permission(route: Any) -> str | None:
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        if permission := getattr(dep.call, "permission", None):
            return str(permission)
        stack.extend(dep.dependencies)
    return None


def concrete(path: str, slug: str) -> str:
    path = path.replace("{slug}", slug)
    return re.sub(r"\{[^}]+\}", MISSING_ID, path)


def call(client: TestClient, method: str, url: str, csrf: str) -> int:
    headers = {"X-CSRF-Token": csrf, "accept": "text/html"}
    if url.startswith("/api/"):
        headers["accept"] = "application/json"
        response = client.request(method, url, headers=headers, json={})
    else:
        response = client.request(method, url, headers=headers, data={"csrf_token": csrf})
    return response.status_code


def test_the_walk_sees_every_workspace_route(app: FastAPI) -> None:
    paths = {p for _m, p, _r in workspace_routes(app)}
    assert len(paths) >= 35
    assert {"/w/{slug}/settings/team", "/api/v1/workspaces/{slug}/audit"} <= paths


def test_every_workspace_route_declares_a_permission(app: FastAPI) -> None:
    missing = [p for _m, p, r in workspace_routes(app) if required_permission(r) is None]
    assert missing == []


def test_carol_gets_404_on_every_route_of_workspace_a_by_html(client, world: World, app) -> None:
    csrf = sign_in(client, "carol@example.com")
    leaks = {
        (m, p): status
        for m, p, _r in workspace_routes(app)
        if not p.startswith("/api/")
        and (status := call(client, m, concrete(p, "ws-a"), csrf)) != 404
    }
    assert leaks == {}


def test_carol_gets_404_on_every_api_route_of_workspace_a(client, world: World, app, db) -> None:
    _token, raw = access.create_api_token(
        db, workspace=world.b, name="carol", role="owner", actor=world.carol
    )
    db.commit()
    client.headers["authorization"] = f"Bearer {raw}"
    leaks = {
        (m, p): status
        for m, p, _r in workspace_routes(app)
        if p.startswith("/api/") and (status := call(client, m, concrete(p, "ws-a"), "")) != 404
    }
    assert leaks == {}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_what_the_role_table_allows(
    role, client, world: World, app, db
) -> None:
    user = make_user(db, world.a, role)
    csrf = sign_in(client, user.email)
    wrong = {}
    for method, path, route in workspace_routes(app):
        permission = required_permission(route)
        assert permission is not None
        status = call(client, method, concrete(path, "ws-a"), csrf)
        allowed = can(role, permission)
        if allowed == (status == 403) or status >= 500:
            wrong[(method, path)] = (permission, status)
    assert wrong == {}
