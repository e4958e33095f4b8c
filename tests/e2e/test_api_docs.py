"""The interactive API docs at /api/docs in a real browser: an Authorize button for the API
token, nothing from another host, and axe-core clean (serious and critical violations fail,
colour contrast and nested controls included) collapsed, authorising, expanded and trying out."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.server import LiveServer

pytestmark = pytest.mark.browser
A11y = Callable[[Page], None]
SWAGGER_LOADS = 20_000  # ms: 1.5 MB of Swagger UI on a busy machine


def test_the_api_docs_offer_authorize_and_pass_axe(
    page: Page, server: LiveServer, check_a11y: A11y
) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/api/docs", timeout=SWAGGER_LOADS)
    authorize = page.get_by_role("button", name="Authorize")
    expect(authorize).to_be_visible(timeout=SWAGGER_LOADS)
    check_a11y(page)

    authorize.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("API token")
    check_a11y(page)
    dialog.get_by_role("button", name="Close").first.click()
    expect(dialog).to_be_hidden()

    members = page.locator(
        "#operations-workspaces-list_members_api_v1_workspaces__slug__members_get"
    )
    members.locator(".opblock-summary-control").click()
    expect(members).to_contain_text("workspace.view")
    check_a11y(page)

    invite = page.locator(".opblock-post", has_text="Invite someone")
    invite.locator(".opblock-summary-control").click()
    invite.get_by_role("button", name="Try it out").click()
    expect(invite.get_by_label("Request body (JSON)")).to_be_visible()
    check_a11y(page)

    assert [url for url in requested if not url.startswith(server.url)] == []
