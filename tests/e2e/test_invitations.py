"""An owner resends and cancels an open invitation on Settings → Team, in a real browser."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Dialog, Page, expect

from tests.e2e.server import LiveServer, sign_in

pytestmark = pytest.mark.browser
A11y = Callable[[Page], None]


def test_an_owner_resends_then_cancels_an_invitation(
    page: Page, server: LiveServer, check_a11y: A11y
) -> None:
    sign_in(page, server.url, "alice@example.com")
    page.goto("/w/lakeside/settings/team")
    page.get_by_label("Email").fill("erin@example.com")
    page.get_by_role("button", name="Send invitation").click()
    first = page.locator("#invite-link").inner_text()

    open_list = page.locator("#open-invitations li", has_text="erin@example.com")
    open_list.get_by_role("button", name="Resend").click()
    expect(page.get_by_text("Invitation created for erin@example.com.")).to_be_visible()
    second = page.locator("#invite-link").inner_text()
    assert second.startswith(server.url + "/invite/") and second != first
    check_a11y(page)

    def accept(dialog: Dialog) -> None:
        assert "erin@example.com" in dialog.message
        dialog.accept()

    page.once("dialog", accept)
    open_list.get_by_role("button", name="Cancel").click()
    expect(page.get_by_text("Invitation cancelled")).to_be_visible()
    expect(page.locator("#main")).not_to_contain_text("erin@example.com")
    page.goto(second)
    expect(page.get_by_text("not valid")).to_be_visible()
