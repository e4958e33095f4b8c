"""Tenancy and roles on every guard route: outsiders get 404, roles without the right get 403."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from fastapi.routing import APIRoute

from rapport.guard import consent as consents
from rapport.workspaces.roles import ROLES, can
from tests.conftest import World, make_user, sign_in
from tests.guard.web.conftest import bearer

GUARD_MODULES = ("rapport.guard.api", "rapport.guard.views", "rapport.guard.consent.views")


def all_routes(app) -> list[APIRoute]:
    """Every APIRoute, also inside routers FastAPI (>= 0.165) includes lazily."""
    found = []
    for route in app.routes:
        if hasattr(route, "effective_route_contexts"):
            found += [c.original_route for c in route.effective_route_contexts()]
        else:
            found.append(route)
    return [r for r in found if isinstance(r, APIRoute)]


def workspace_routes(app) -> list[tuple[str, str]]:
    """(method, path) of every guard route scoped to a workspace."""
    return [
        (method, route.path)
        for route in all_routes(app)
        if route.endpoint.__module__ in GUARD_MODULES and "{slug}" in route.path
        for method in sorted(route.methods - {"HEAD"})
    ]


@pytest.fixture
def a_consent(db, world: World) -> consents.Consent:
    data = consents.ConsentInput(
        person_name="Eva de Vries", kind="photo", signed_on=date(2025, 1, 2)
    )
    consent = consents.record_consent(
        db, workspace=world.a, data=data, actor=world.alice, data_dir=Path("/nonexistent")
    )
    db.commit()
    return consent


def concrete(path: str, consent_id: int) -> str:
    return path.replace("{slug}", "ws-a").replace("{consent_id}", str(consent_id))


def test_the_guard_has_workspace_routes_to_walk(app) -> None:
    paths = {p for _m, p in workspace_routes(app)}
    assert "/w/{slug}/guard/check" in paths
    assert "/api/v1/workspaces/{slug}/consents" in paths
    assert len(paths) >= 15


def test_an_outsider_gets_404_on_every_guard_route_by_browser(
    client, app, world, a_consent
) -> None:
    token = sign_in(client, "carol@example.com")
    for method, path in workspace_routes(app):
        url = concrete(path, a_consent.id)
        response = client.request(
            method, url, headers={"X-CSRF-Token": token}, data={"csrf_token": token}
        )
        assert response.status_code == 404, f"{method} {url}: {response.status_code}"
        assert "Eva de Vries" not in response.text


def test_an_outsider_gets_404_on_every_guard_route_by_api_token(
    client, app, db, world, a_consent
) -> None:
    headers = bearer(db, world.b, "owner", world.carol)
    for method, path in workspace_routes(app):
        url = concrete(path, a_consent.id)
        response = client.request(method, url, headers=headers, json={})
        assert response.status_code == 404, f"{method} {url}: {response.status_code}"


def test_another_workspace_s_consent_id_is_not_found(client, db, world, a_consent) -> None:
    headers = bearer(db, world.b, "owner", world.carol)
    url = f"/api/v1/workspaces/ws-b/consents/{a_consent.id}"
    assert client.get(url, headers=headers).status_code == 404
    revoke = client.post(url + "/revoke", json={"reason": "not mine"}, headers=headers)
    assert revoke.status_code == 404


def test_an_analyst_can_check_but_not_change_the_policy_or_record_consents(
    client, db, world
) -> None:
    analyst = make_user(db, world.a, "analyst")
    token = sign_in(client, analyst.email)
    csrf = {"X-CSRF-Token": token}
    for path in [
        "/w/ws-a/guard/check",
        "/w/ws-a/guard/image",
        "/w/ws-a/guard/consents",
        "/w/ws-a/guard/policy",
    ]:
        assert client.get(path).status_code == 200, path
    check = client.post("/api/v1/workspaces/ws-a/guard/check", json={"text": "Hello"}, headers=csrf)
    assert check.status_code == 200
    partial = client.post("/w/ws-a/guard/check/partial", data={"text": "Hello"}, headers=csrf)
    assert partial.status_code == 200
    policy_page = client.get("/w/ws-a/guard/policy").text
    assert (
        "Save the policy" not in policy_page
        and "Record a consent" not in client.get("/w/ws-a/guard/consents").text
    )
    assert client.post("/w/ws-a/guard/policy", data={"csrf_token": token}).status_code == 403
    assert (
        client.put("/api/v1/workspaces/ws-a/guard/policy", json={}, headers=csrf).status_code == 403
    )
    body = {"person_name": "Eva", "kind": "photo", "signed_on": "2025-01-01"}
    assert (
        client.post("/api/v1/workspaces/ws-a/consents", json=body, headers=csrf).status_code == 403
    )
    form = {**body, "csrf_token": token}
    assert client.post("/w/ws-a/guard/consents", data=form).status_code == 403
    override = {"text": "Call +1 555 777 8899.", "reason": "A good enough reason"}
    assert (
        client.post(
            "/api/v1/workspaces/ws-a/guard/overrides", json=override, headers=csrf
        ).status_code
        == 403
    )


def test_an_analyst_token_gets_403_on_policy_change_and_consent_recording(
    client, db, world
) -> None:
    headers = bearer(db, world.a, "analyst", world.alice)
    assert (
        client.put("/api/v1/workspaces/ws-a/guard/policy", json={}, headers=headers).status_code
        == 403
    )
    body = {"person_name": "Eva", "kind": "photo", "signed_on": "2025-01-01"}
    assert (
        client.post("/api/v1/workspaces/ws-a/consents", json=body, headers=headers).status_code
        == 403
    )
    assert client.get("/api/v1/workspaces/ws-a/consents", headers=headers).status_code == 200


def test_an_editor_can_record_consents_but_not_change_the_policy(client, world) -> None:
    token = sign_in(client, "bob@example.com")
    form = {
        "csrf_token": token,
        "person_name": "Eva",
        "kind": "photo",
        "signed_on": "2025-01-01",
        "channel_scope": "all",
        "purpose_scope": "all",
    }
    recorded = client.post("/w/ws-a/guard/consents", data=form, follow_redirects=False)
    assert recorded.status_code == 303
    assert client.post("/w/ws-a/guard/policy", data={"csrf_token": token}).status_code == 403
    page = client.get("/w/ws-a/guard/check", headers={})
    assert page.status_code == 200
    html = client.post(
        "/w/ws-a/guard/check", data={"csrf_token": token, "text": "Call +1 555 777 8899."}
    ).text
    assert "Needs review" in html
    assert "Override the warning" not in html, "only approvers may override"
    assert re.search(r"Record a consent", client.get("/w/ws-a/guard/consents").text)


def required_permission(route: APIRoute) -> str | None:
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        if permission := getattr(dep.call, "permission", None):
            return str(permission)
        stack.extend(dep.dependencies)
    return None


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_what_the_role_table_allows_on_guard_routes(
    role, client, app, db, world
) -> None:
    user = make_user(db, world.a, role)
    csrf = sign_in(client, user.email)
    wrong = {}
    for route in all_routes(app):
        if route.endpoint.__module__ not in GUARD_MODULES or "{slug}" not in route.path:
            continue
        permission = required_permission(route)
        assert permission is not None, route.path
        url = concrete(route.path, 999999)
        for method in sorted(route.methods - {"HEAD"}):
            headers = {"X-CSRF-Token": csrf}
            response = client.request(method, url, headers=headers, data={"csrf_token": csrf})
            if (
                can(role, permission) == (response.status_code == 403)
                or response.status_code >= 500
            ):
                wrong[(method, route.path)] = (permission, response.status_code)
    assert wrong == {}
