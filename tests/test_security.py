"""Walks every registered route: tenancy (carol never sees workspace A) and the role table."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pyotp
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from rapport.core import clock
from rapport.core.crypto import decrypt
from rapport.workspaces import access, auth, service
from rapport.workspaces.models import AuditEvent
from rapport.workspaces.roles import ROLES, can
from tests.conftest import PASSWORD, World, csrf_from, make_user, sign_in
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
    _token(db, world, role="analyst", actor=world.alice, name="report")
    sign_in(client, "alice@example.com")
    rows = re.findall(
        r"<tr>\s*<td>(\w+)</td><td>[^<]*</td>\s*<td>([^<]*)</td>",
        client.get("/w/ws-a/settings/tokens").text,
    )
    assert sorted(rows) == [("deploy", "command line"), ("report", "alice@example.com")]


# --- organisation settings belong to the organisation ---------------------------------------


@pytest.fixture
def sister(db, world: World):
    """A second workspace of alice's organisation, owned by dave, not by alice."""
    a2 = service.create_workspace(
        db,
        organisation=world.a.organisation,
        details=service.WorkspaceDetails(name="Workspace A2"),
        slug="ws-a2",
    )
    dave = make_user(db, a2, "owner")
    return a2, dave


def _require_totp(db, user, settings) -> None:
    setup = auth.begin_totp(user)
    code = pyotp.TOTP(setup.secret).now()
    auth.confirm_totp(db, user=user, secret=setup.secret, code=code, secret_key=settings.secret_key)
    db.commit()


def _sign_in_with_totp(client: TestClient, db, user, settings) -> str:
    """Sign in with the password and the next code, as a browser would; returns the CSRF token."""
    _require_totp(db, user, settings)
    client.cookies.clear()
    csrf = csrf_from(client.get("/login").text)
    client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": csrf})
    secret = decrypt(settings.secret_key, user.totp_secret)
    code = pyotp.TOTP(secret).at(clock.now() + timedelta(seconds=30))
    page = client.get("/login/second-factor")
    done = client.post(
        "/login/second-factor",
        data={"code": code, "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/"
    return csrf_from(client.get("/account").text)


def _org_events(db, workspace) -> list[AuditEvent]:
    db.expire_all()
    return list(
        db.scalars(
            select(AuditEvent).where(
                AuditEvent.workspace_id == workspace.id,
                AuditEvent.action.startswith("organisation."),
            )
        )
    )


def test_the_owner_of_one_workspace_cannot_change_the_organisations_rules(
    client, world: World, db, settings, sister
) -> None:
    a2, _dave = sister
    org = world.a.organisation
    csrf = _sign_in_with_totp(client, db, world.alice, settings)
    assert client.get(f"/org/{org.slug}", follow_redirects=False).status_code == 404
    assert (
        client.post(
            f"/org/{org.slug}", data={"csrf_token": csrf, "require_totp": "true"}
        ).status_code
        == 404
    )
    api = client.put(
        f"/api/v1/organisations/{org.slug}",
        headers={"X-CSRF-Token": csrf},
        json={"require_totp": True},
    )
    assert api.status_code == 404
    form = {"name": "Workspace A", "timezone": "UTC", "locale": "en", "require_totp": "true"}
    client.post("/w/ws-a/settings", data={"csrf_token": csrf, **form})
    db.refresh(org)
    assert org.require_totp is False
    assert _org_events(db, world.a) == [] and _org_events(db, a2) == []
    assert "Organisation settings" not in client.get("/w/ws-a/settings").text


def test_an_organisation_owner_changes_its_rules_and_every_workspace_sees_it(
    client, world: World, db, settings, sister
) -> None:
    a2, _dave = sister
    service.add_member(db, workspace=a2, user=world.alice, role="owner", actor=None)
    org = world.a.organisation
    _sign_in_with_totp(client, db, world.alice, settings)
    assert f'href="/org/{org.slug}"' in client.get("/w/ws-a/settings").text
    page = client.get(f"/org/{org.slug}")
    assert page.status_code == 200 and "Workspace A2" in page.text
    saved = client.post(
        f"/org/{org.slug}",
        data={"csrf_token": csrf_from(page.text), "require_totp": "true"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    db.refresh(org)
    assert org.require_totp is True
    for workspace in (world.a, a2):
        [event] = _org_events(db, workspace)
        assert event.action == "organisation.second_factor_required"
        assert event.actor_label == "alice@example.com"


def test_the_organisation_api_follows_the_same_rule_for_tokens(
    client, world: World, db, settings, sister
) -> None:
    a2, dave = sister
    org = world.a.organisation
    url = f"/api/v1/organisations/{org.slug}"
    one_workspace_owner = _token(db, world, role="owner", actor=world.alice)
    assert (
        client.put(url, headers=one_workspace_owner, json={"require_totp": False}).status_code
        == 404
    )
    service.add_member(db, workspace=a2, user=world.alice, role="owner", actor=dave)
    _require_totp(db, world.alice, settings)
    analyst = _token(db, world, role="analyst", actor=world.alice, name="read only")
    command_line = _token(db, world, role="owner", actor=None, name="deploy")
    for headers in (analyst, command_line):
        assert client.put(url, headers=headers, json={"require_totp": True}).status_code == 404
    body = client.put(url, headers=one_workspace_owner, json={"require_totp": True})
    assert body.status_code == 200, body.text
    assert body.json() == {
        "slug": org.slug,
        "name": org.name,
        "require_totp": True,
        "workspaces": ["ws-a", "ws-a2"],
    }
    for workspace in (world.a, a2):
        [event] = _org_events(db, workspace)
        assert event.actor_label == "alice@example.com via token ‘CI script’"
    carol = access.create_api_token(
        db, workspace=world.b, name="c", role="owner", actor=world.carol
    )[1]
    db.commit()
    assert client.get(url, headers={"authorization": f"Bearer {carol}"}).status_code == 404
