"""Walks every registered route: tenancy (carol never sees workspace A) and the role table."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from rapport.workspaces import access, service
from rapport.workspaces.models import AuditEvent
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


# --- API tokens follow their creator --------------------------------------------------------


def _token(db, world: World, *, role: str, actor, name: str = "CI script") -> dict[str, str]:
    _row, raw = access.create_api_token(db, workspace=world.a, name=name, role=role, actor=actor)
    db.commit()
    return {"authorization": f"Bearer {raw}"}


def _what_a_token_can_do(client: TestClient, headers: dict[str, str]) -> list[int]:
    """List members, create an owner token, invite an owner: what a removed owner tried."""
    api = "/api/v1/workspaces/ws-a"
    return [
        client.get(f"{api}/members", headers=headers).status_code,
        client.post(
            f"{api}/tokens", headers=headers, json={"name": "mine", "role": "owner"}
        ).status_code,
        client.post(
            f"{api}/invitations", headers=headers, json={"email": "x@evil.example", "role": "owner"}
        ).status_code,
    ]


def test_a_token_dies_with_its_creators_membership(client, world: World, db) -> None:
    dave = make_user(db, world.a, "owner")
    headers = _token(db, world, role="owner", actor=dave)
    assert client.get("/api/v1/workspaces/ws-a/members", headers=headers).status_code == 200
    service.remove_member(db, workspace=world.a, user_id=dave.id, actor=world.alice)
    db.commit()
    assert _what_a_token_can_do(client, headers) == [401, 401, 401]
    refused = client.get("/api/v1/workspaces/ws-a", headers=headers)
    assert refused.headers["content-type"] == "application/problem+json"
    assert "no longer belongs to the workspace" in refused.text
    assert [i.email for i in access.list_invitations(db, workspace=world.a)] == []


def test_a_token_never_has_more_power_than_its_creator_has_now(client, world: World, db) -> None:
    dave = make_user(db, world.a, "owner")
    headers = _token(db, world, role="owner", actor=dave)
    service.change_role(db, workspace=world.a, user_id=dave.id, role="analyst", actor=world.alice)
    db.commit()
    assert client.get("/api/v1/workspaces/ws-a", headers=headers).json()["role"] == "analyst"
    assert client.get("/api/v1/workspaces", headers=headers).json()[0]["role"] == "analyst"
    assert _what_a_token_can_do(client, headers) == [200, 403, 403]
    service.change_role(db, workspace=world.a, user_id=dave.id, role="owner", actor=world.alice)
    db.commit()
    low = _token(db, world, role="editor", actor=dave, name="low")
    assert client.get("/api/v1/workspaces/ws-a", headers=low).json()["role"] == "editor"


def _last_event(db, action: str) -> AuditEvent:
    db.expire_all()
    event = db.scalars(
        select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id.desc())
    ).first()
    assert event is not None, action
    return event


def _rename(client: TestClient, headers: dict[str, str], name: str) -> None:
    body = {"name": name, "timezone": "Europe/Amsterdam", "locale": "en"}
    assert client.put("/api/v1/workspaces/ws-a", headers=headers, json=body).status_code == 200


def test_the_audit_trail_names_the_token_and_its_creator(client, world: World, db) -> None:
    headers = _token(db, world, role="owner", actor=world.alice)
    _rename(client, headers, "Renamed by a script")
    event = _last_event(db, "workspace.updated")
    assert event.actor_label == "alice@example.com via token ‘CI script’"
    assert event.actor_id == world.alice.id
    made = client.post(
        "/api/v1/workspaces/ws-a/tokens", headers=headers, json={"name": "child", "role": "analyst"}
    )
    assert made.status_code == 201
    assert _last_event(db, "token.created").actor_label == "alice@example.com via token ‘CI script’"


def test_a_command_line_token_says_so_in_the_audit_trail(client, world: World, db) -> None:
    headers = _token(
        db, world, role="owner", actor=None, name="deploy"
    )  # as `rapport token create`
    assert _last_event(db, "token.created").actor_label == "command line"
    _rename(client, headers, "Renamed from a deploy script")
    assert _last_event(db, "workspace.updated").actor_label == "command line token ‘deploy’"
