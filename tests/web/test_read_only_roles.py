"""No dead ends for read-only roles: every page an analyst or a contributor can reach offers only
actions their role may take, and says why the rest is read-only and who can change it."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.routing import Match

from rapport.workspaces.roles import can
from tests.conftest import World, make_user, sign_in
from tests.routes import all_routes
from tests.test_security import required_permission

SKIP = ("/logout", "/static/", "/api/", ".csv", "/form")


class _Page(HTMLParser):
    """The links and the state-changing actions (POST forms, hx-post) of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.posts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href", "").startswith("/"):
            self.links.append(a["href"].split("#")[0])
        if tag == "form" and a.get("method", "get").lower() == "post":
            self.posts.append(a.get("action", ""))
        if "hx-post" in a:
            self.posts.append(a["hx-post"])


def _route_permission(app: FastAPI, path: str) -> str | None:
    scope: dict[str, Any] = {"type": "http", "path": path, "method": "POST"}
    for route in all_routes(app):
        match, _child = route.matches(scope)
        if match == Match.FULL:
            return required_permission(route)
    raise AssertionError(f"a form posts to {path}, which no route answers")


def _walk(client: TestClient, start: str) -> dict[str, _Page]:
    pages: dict[str, _Page] = {}
    todo = [start]
    while todo and len(pages) < 60:
        path = todo.pop(0)
        if path in pages or any(s in path for s in SKIP):
            continue
        response = client.get(path)
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        assert response.status_code == 200, f"{path} answered {response.status_code}"
        parsed = _Page()
        parsed.feed(response.text)
        pages[path] = parsed
        todo += [link for link in parsed.links if link not in pages]
    return pages


@pytest.mark.parametrize("role", ["analyst", "contributor"])
def test_read_only_roles_meet_no_action_they_may_not_take(
    client: TestClient, app: FastAPI, world: World, db: Any, role: str
) -> None:
    reader = make_user(db, world.a, role)
    sign_in(client, reader.email)
    pages = _walk(client, "/w/ws-a/today")
    assert len(pages) >= 12, sorted(pages)
    refused = []
    for path, page in pages.items():
        for action in page.posts:
            permission = _route_permission(app, action)
            if permission and not can(role, permission):
                refused.append(f"{path}: a form posts to {action}, which needs {permission}")
    assert not refused, "\n".join(refused)


def test_read_only_pages_say_why_and_who_can_change_them(
    client: TestClient, world: World, db: Any
) -> None:
    analyst = make_user(db, world.a, "analyst")
    sign_in(client, analyst.email)
    for path, who in (
        ("/w/ws-a/settings", "Owner"),
        ("/w/ws-a/settings/team", "Owner"),
        ("/w/ws-a/guard/policy", "Owner, Approver"),
        ("/w/ws-a/guard/consents", "Owner, Approver, Editor"),
    ):
        page = client.get(path).text
        assert "You can read this but not change it." in page, path
        assert f"is for: {who}." in page, path
        assert "Your role is Analyst." in page, path
        assert " disabled" not in page, f"{path} still shows a greyed-out form"
    image = client.get("/w/ws-a/guard/image").text
    assert "Record a consent" not in image and "Consents are recorded by:" in image
    settings = client.get("/w/ws-a/settings").text
    assert "Workspace A" in settings and 'name="timezone"' not in settings


def test_the_owner_still_gets_the_forms(client: TestClient, world: World) -> None:
    sign_in(client, "alice@example.com")
    page = client.get("/w/ws-a/settings").text
    assert 'action="/w/ws-a/settings"' in page and "You can read this" not in page
    assert re.search(r'<option value="Europe/Amsterdam" selected>', page)
