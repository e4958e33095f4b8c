"""Walks every registered route: tenancy (carol never sees workspace A) and the role table."""

from __future__ import annotations

import io
import re
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import httpx
import pyotp
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from rapport.core import clock
from rapport.core.crypto import decrypt
from rapport.web.app import create_app
from rapport.web.inputs import MAX_FIELD_CHARS, MAX_PARAMETER_CHARS
from rapport.workspaces import access, auth, service
from rapport.workspaces.models import AuditEvent, User, Workspace
from rapport.workspaces.roles import ROLES, can
from tests.conftest import PASSWORD, World, csrf_from, make_user, sign_in
from tests.routes import all_routes, workspace_routes

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


# --- bounded input: every API string and list has a limit, checked before the work ---------


def _schema_problems(spec: dict[str, Any]) -> list[str]:
    """Strings without maxLength, arrays without maxItems, maps without maxProperties."""
    components = spec.get("components", {}).get("schemas", {})
    problems: list[str] = []

    def walk(schema: dict[str, Any], where: str) -> None:
        while "$ref" in schema:
            schema = components[schema["$ref"].rsplit("/", 1)[-1]]
        for key in ("anyOf", "oneOf", "allOf"):
            for option in schema.get(key, []):
                walk(option, where)
        kind = schema.get("type")
        fixed = "enum" in schema or "const" in schema or "contentMediaType" in schema
        dated = schema.get("format") in ("date", "date-time", "binary")
        if kind == "string" and "maxLength" not in schema and not (fixed or dated):
            problems.append(f"{where}: string without maxLength")
        if kind == "array":
            if "maxItems" not in schema:
                problems.append(f"{where}: list without maxItems")
            walk(schema.get("items", {}), f"{where}[]")
        for name, inner in schema.get("properties", {}).items():
            walk(inner, f"{where}.{name}")
        if isinstance(extra := schema.get("additionalProperties"), dict):
            if "maxProperties" not in schema:
                problems.append(f"{where}: map without maxProperties")
            walk(extra, f"{where}{{}}")

    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for param in operation.get("parameters", []):
                if param["in"] != "path":  # one URL segment; the server bounds the URL
                    walk(param["schema"], f"{method.upper()} {path} {param['name']}")
            for content in operation.get("requestBody", {}).get("content", {}).values():
                walk(content["schema"], f"{method.upper()} {path} body")
    return problems


def test_every_string_and_list_the_api_accepts_has_a_limit(app: FastAPI) -> None:
    assert _schema_problems(app.openapi()) == []


def test_the_bounds_walk_notices_an_unbounded_list() -> None:
    spec = {
        "paths": {
            "/x": {
                "post": {
                    "requestBody": {
                        "content": {"application/json": {"schema": {"$ref": "#/c/s/M"}}}
                    }
                }
            }
        },
        "components": {
            "schemas": {
                "M": {"properties": {"tags": {"type": "array", "items": {"type": "string"}}}}
            }
        },
    }
    assert _schema_problems(spec) == [
        "POST /x body.tags: list without maxItems",
        "POST /x body.tags[]: string without maxLength",
    ]


def _problem_fields(response: Any) -> list[str]:
    return [error["loc"] for error in response.json()["errors"]]


def test_a_long_staff_list_is_refused_at_once_by_the_api(client, world: World, db) -> None:
    _token, raw = access.create_api_token(
        db, workspace=world.a, name="t", role="owner", actor=world.alice
    )
    db.commit()
    headers = {"authorization": f"Bearer {raw}"}
    body = {"name": "A", "timezone": "Europe/Amsterdam", "locale": "en"}
    staff = [{"name": f"Dr. Person {n}", "title": "GP"} for n in range(50_000)]
    response = client.put("/api/v1/workspaces/ws-a", json={**body, "staff": staff}, headers=headers)
    assert response.status_code == 413, "50,000 people don't fit in the 1 MB body limit"
    staff = staff[:5_000]
    started = time.perf_counter()
    response = client.put("/api/v1/workspaces/ws-a", json={**body, "staff": staff}, headers=headers)
    elapsed = time.perf_counter() - started
    assert response.status_code == 422 and _problem_fields(response) == ["staff"]
    assert "at most 200" in response.json()["detail"]
    assert elapsed < 3, f"refusing took {elapsed:.1f} s"
    db.expire_all()
    assert world.a.staff == []
    fine = [{"name": "Dr. Jane Smith", "title": "GP"}] * 200
    assert (
        client.put(
            "/api/v1/workspaces/ws-a", json={**body, "staff": fine}, headers=headers
        ).status_code
        == 200
    )


def test_a_long_staff_list_is_refused_by_the_settings_form(client, world: World, db) -> None:
    csrf = sign_in(client, "alice@example.com")
    staff = "\n".join(f"Dr. Person {n}, GP" for n in range(5_000))
    form = {"csrf_token": csrf, "name": "Workspace A", "timezone": "Europe/Amsterdam"}
    response = client.post("/w/ws-a/settings", data={**form, "staff": staff})
    assert response.status_code == 422
    assert "The staff list has 5000 people; at most 200 can be listed." in response.text
    db.expire_all()
    assert world.a.staff == []


@pytest.mark.parametrize(
    "website", ["javascript:alert(document.cookie)", "ftp://files.example", "www.example.org"]
)
def test_the_website_must_be_an_http_address(client, world: World, db, website: str) -> None:
    csrf = sign_in(client, "alice@example.com")
    headers = {"X-CSRF-Token": csrf}
    body = {"name": "A", "timezone": "Europe/Amsterdam", "locale": "en", "website": website}
    response = client.put("/api/v1/workspaces/ws-a", json=body, headers=headers)
    assert response.status_code == 422 and _problem_fields(response) == ["website"]
    form = {"csrf_token": csrf, "name": "A", "timezone": "Europe/Amsterdam", "website": website}
    page = client.post("/w/ws-a/settings", data=form)
    assert page.status_code == 422 and "https://" in page.text
    db.expire_all()
    assert world.a.website == ""
    body["website"] = "https://www.lakeside.example/"
    assert client.put("/api/v1/workspaces/ws-a", json=body, headers=headers).status_code == 200


def test_policy_term_lists_are_bounded_in_the_api_and_the_form(client, world: World) -> None:
    csrf = sign_in(client, "alice@example.com")
    terms = [f"term {n}" for n in range(5_000)]
    response = client.put(
        "/api/v1/workspaces/ws-a/guard/policy",
        json={"deny_terms": terms},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 422 and _problem_fields(response) == ["deny_terms"]
    page = client.post(
        "/w/ws-a/guard/policy", data={"csrf_token": csrf, "allow_terms": "\n".join(terms)}
    )
    assert page.status_code == 422
    assert "5000 terms were given; at most 200 may be listed." in page.text


# --- control characters: refused in every text field, in one place, with the field named ----

NUL_TEXT = "Dr. Smith\x00<script>"


def test_a_nul_in_a_json_field_is_a_422_naming_the_field(client, world: World, db) -> None:
    csrf = sign_in(client, "alice@example.com")
    body = {"name": NUL_TEXT, "timezone": "Europe/Amsterdam", "locale": "en"}
    response = client.put("/api/v1/workspaces/ws-a", json=body, headers={"X-CSRF-Token": csrf})
    assert response.status_code == 422 and _problem_fields(response) == ["name"]
    assert "U+0000" in response.json()["detail"]
    staff = {**body, "name": "A", "staff": [{"name": "Ann", "title": "GP\x1b[31m"}]}
    response = client.put("/api/v1/workspaces/ws-a", json=staff, headers={"X-CSRF-Token": csrf})
    assert response.status_code == 422 and _problem_fields(response) == ["staff.0.title"]
    db.expire_all()
    assert world.a.name == "Workspace A"


def test_a_nul_in_a_form_field_or_the_query_is_a_422_naming_it(client, world: World) -> None:
    csrf = sign_in(client, "alice@example.com")
    form = {"csrf_token": csrf, "name": "A", "timezone": "Europe/Amsterdam", "address": NUL_TEXT}
    page = client.post("/w/ws-a/settings", data=form)
    assert page.status_code == 422 and "address" in page.text and "U+0000" in page.text
    check = client.post("/w/ws-a/guard/check", data={"csrf_token": csrf, "text": NUL_TEXT})
    assert check.status_code == 422 and "U+0000" in check.text
    search = client.get("/api/v1/workspaces/ws-a/consents", params={"q": "a\x00"})
    assert search.status_code == 422 and _problem_fields(search) == ["q"]


def test_tabs_and_line_breaks_are_text_not_control_characters(client, world: World, db) -> None:
    csrf = sign_in(client, "alice@example.com")
    hours = "Mon\t8:00-17:00\r\nTue\t8:00-17:00"
    form = {"csrf_token": csrf, "name": "A", "timezone": "Europe/Amsterdam"}
    response = client.post("/w/ws-a/settings", data={**form, "opening_hours": hours})
    assert response.status_code in (200, 303), response.text
    db.expire_all()
    assert "Tue\t8:00" in world.a.opening_hours


PROBES = {
    "a control character": ("x\x00", "x\x07"),
    "an oversized field": ("q" * (MAX_PARAMETER_CHARS + 1), "t" * (MAX_FIELD_CHARS + 1)),
}


@pytest.mark.parametrize("probe", PROBES)
def test_every_route_refuses_bad_text_before_anything_else(client, app: FastAPI, probe) -> None:
    """Signed out, with a stray field: the refusal comes before sign-in, CSRF and the body's
    own validation, on every route the app has, so no field anywhere is unbounded."""
    in_query, in_body = PROBES[probe]
    wrong = {}
    for route in all_routes(app):
        for method in sorted(set(route.methods) - {"HEAD"}):
            url = concrete(route.path, "ws-a")
            if method == "GET":
                response = client.get(url, params={"probe": in_query})
            elif url.startswith("/api/"):
                response = client.request(method, url, json={"probe": in_body})
            else:
                response = client.request(method, url, data={"probe": in_body})
            if response.status_code != 422 or "probe" not in response.text:
                wrong[f"{method} {route.path}"] = response.status_code
    assert wrong == {}


def test_an_unreachable_database_is_a_503_with_retry_after(settings, tmp_path) -> None:
    down = settings.model_copy(
        update={"database_url": "postgresql+psycopg://rapport:secret@127.0.0.1:1/rapport"}
    )
    with TestClient(create_app(down), base_url="http://testserver") as down_client:
        response = down_client.get(
            "/api/v1/workspaces", headers={"authorization": "Bearer rpt_whatever"}
        )
    assert response.status_code == 503 and response.headers["retry-after"] == "30"
    assert "can't reach its database" in response.json()["detail"]


# --- parallel uploads: a real server, four image checks at once, no error -------------------


def _small_png(shade: int) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (shade, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def test_four_parallel_image_uploads_all_succeed_on_a_real_server(tmp_path) -> None:
    """Four parallel uploads once gave two 500s ("database is locked"). Four threads upload
    at once, to the API and to the page that keeps the checked image, two rounds."""
    from tests.e2e.server import live_server, seed_world

    tokens: list[str] = []

    def seed(db: Session) -> None:
        seed_world(db)
        workspace = db.scalar(select(Workspace).where(Workspace.slug == "lakeside"))
        owner = db.scalar(select(User).where(User.email == "alice@example.com"))
        assert workspace is not None and owner is not None
        tokens.append(
            access.create_api_token(
                db, workspace=workspace, name="uploads", role="owner", actor=owner
            )[1]
        )

    with live_server(tmp_path / "data", seed) as server:
        headers = {"authorization": f"Bearer {tokens[0]}"}

        def upload(n: int) -> int:
            png = ("photo.png", _small_png(n * 40 % 256), "image/png")
            with httpx.Client(base_url=server.url, headers=headers, timeout=60) as http:
                if n % 2:
                    response = http.post(
                        "/api/v1/guard/check-image",
                        files={"file": png},
                        data={"workspace": "lakeside"},
                    )
                else:
                    response = http.post("/w/lakeside/guard/image", files={"file": png})
            return response.status_code

        for _round in range(2):
            with ThreadPoolExecutor(max_workers=4) as pool:
                statuses = list(pool.map(upload, range(4)))
            assert statuses == [200, 200, 200, 200]


def test_a_text_longer_than_its_column_is_a_422_not_a_number_out_of_range() -> None:
    """PostgreSQL refuses a text longer than its column (SQLite stores it); a route that let
    one through answers with what is wrong, not with "a number is out of range"."""
    from sqlalchemy.exc import DataError

    from rapport.web import errors

    app = FastAPI()
    errors.install(app)
    driver_error = Exception("value too long for type character varying(120)")

    @app.post("/api/v1/too-long")
    def too_long() -> None:
        raise DataError("INSERT INTO api_token …", {}, driver_error)

    with TestClient(app) as plain:
        response = plain.post("/api/v1/too-long")
    assert response.status_code == 422
    assert "longer than 120 characters" in response.json()["detail"]


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
