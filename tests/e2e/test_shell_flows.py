"""The main flows in a real browser: sign in, the shell, language, phone menu, invite, sign out.

Every page a test visits is checked with axe-core (serious and critical violations fail).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

import rapport
from rapport.core import i18n
from tests.e2e.server import LiveServer, sign_in

pytestmark = pytest.mark.browser
DUTCH_CATALOG = Path(rapport.__file__).parent / "locale" / "nl" / "LC_MESSAGES" / "messages.po"
A11y = Callable[[Page], None]


def test_sign_in_shows_today_with_the_workspace_name(
    page: Page, server: LiveServer, check_a11y: A11y
) -> None:
    page.goto("/login")
    expect(page.get_by_role("heading", name="Sign in to Rapport")).to_be_visible()
    check_a11y(page)
    sign_in(page, server.url, "alice@example.com")
    expect(page).to_have_url(server.url + "/w/lakeside/today")
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")
    expect(page.locator("header")).to_contain_text("Lakeside Family Practice")
    check_a11y(page)


def _dutch(message: str) -> str:
    """What the Dutch catalog makes of a message (the English itself while untranslated)."""
    i18n.set_locale("nl")
    try:
        return i18n.gettext(message)
    finally:
        i18n.set_locale("en")


@pytest.mark.skipif(not DUTCH_CATALOG.is_file(), reason="the Dutch catalog is not there yet")
def test_the_language_choice_is_dutch_and_remembered(
    page: Page, server: LiveServer, check_a11y: A11y
) -> None:
    sign_in(page, server.url, "bob@example.com")
    page.locator("footer").get_by_role("button", name="Nederlands").click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    check_a11y(page)
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    nav = page.locator("#rp-nav")
    for english in ("Today", "Calendar", "Settings"):
        expect(nav).to_contain_text(_dutch(english))
    page.locator("footer").get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_on_a_phone_the_menu_button_opens_the_sections(
    phone: Page, server: LiveServer, check_a11y: A11y
) -> None:
    phone.goto("/w/lakeside/today")
    sections = phone.locator("#rp-nav")
    expect(sections).to_be_hidden()
    check_a11y(phone)
    phone.locator("[aria-controls='rp-nav']").click()
    expect(sections).to_have_class(re.compile(r"\bshow\b"))
    expect(sections).to_be_visible()
    expect(sections.get_by_role("link", name="Settings")).to_be_visible()
    check_a11y(phone)


@pytest.mark.parametrize(
    "path",
    [
        "/w/lakeside/settings/jobs",
        "/notifications",
        "/w/lakeside/settings",
        "/w/lakeside/settings/team",
        "/w/lakeside/settings/audit",
    ],
)
def test_settings_pages_pass_axe_on_a_phone(
    phone: Page, server: LiveServer, check_a11y: A11y, path: str
) -> None:
    phone.goto(path)
    expect(phone.locator("h1")).to_be_visible()
    check_a11y(phone)


def test_an_owner_invites_a_teammate_and_sees_the_one_time_link(
    page: Page, server: LiveServer, check_a11y: A11y
) -> None:
    sign_in(page, server.url, "alice@example.com")
    page.locator("#rp-nav").get_by_role("link", name="Settings").click()
    expect(page).to_have_url(server.url + "/w/lakeside/settings")
    check_a11y(page)
    page.get_by_role("link", name="Team", exact=True).click()
    check_a11y(page)
    page.get_by_label("Email").fill("dana@example.com")
    page.get_by_label("Role", exact=True).select_option("approver")
    page.get_by_role("button", name="Send invitation").click()
    link = page.locator("#invite-link")
    expect(link).to_contain_text(server.url)
    expect(page.get_by_text("Invitation created for dana@example.com.")).to_be_visible()
    check_a11y(page)


def test_the_owner_settings_pages_pass_axe(
    page: Page, server: LiveServer, check_a11y: A11y
) -> None:
    sign_in(page, server.url, "alice@example.com")
    for path, heading in (
        ("/w/lakeside/settings/tokens", "Tokens"),
        ("/w/lakeside/settings/audit", "Settings"),
        ("/w/lakeside/settings/jobs", "Queue health"),
        ("/notifications", "How you hear about things"),
        ("/account", "Account and security"),
        ("/org/lakeside-family-practice", "Organisation settings"),
    ):
        page.goto(path)
        expect(page.get_by_role("heading", name=heading).first).to_be_visible()
        check_a11y(page)


def test_an_owner_retries_a_dead_job(page: Page, server: LiveServer, check_a11y: A11y) -> None:
    sign_in(page, server.url, "alice@example.com")
    page.goto("/w/lakeside/settings/jobs")
    row = page.get_by_role("row").filter(has_text="publishing.deliver")
    expect(row).to_contain_text("the access token was revoked")
    check_a11y(page)
    row.get_by_role("button", name="Retry").click()
    expect(page.get_by_role("status")).to_contain_text("will run again now")
    expect(page.get_by_role("row").filter(has_text="publishing.deliver")).to_have_count(0)
    check_a11y(page)


def test_the_owner_reads_notifications(page: Page, server: LiveServer, check_a11y: A11y) -> None:
    sign_in(page, server.url, "alice@example.com")
    page.get_by_role("link", name="Notifications: 1 unread").click()
    expect(page.get_by_text("Bob Diaz joined Lakeside Family Practice")).to_be_visible()
    check_a11y(page)
    page.get_by_role("button", name="Mark all read").click()
    expect(page.get_by_text("All caught up.")).to_be_visible()
    expect(page.get_by_role("link", name="Notifications", exact=True)).to_be_visible()
    check_a11y(page)


def test_sign_out_returns_to_the_sign_in_page(page: Page, server: LiveServer) -> None:
    sign_in(page, server.url, "alice@example.com")
    page.get_by_role("button", name="Alice Owens").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to Rapport")).to_be_visible()
    page.goto("/w/lakeside/today")
    expect(page).to_have_url(server.url + "/login?next=/w/lakeside/today")
