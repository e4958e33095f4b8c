"""The guard in a real browser: live highlighting as you type, the one-click safer wording,
and axe-core on every Compliance page (desktop and phone)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.server import LiveServer, sign_in
from tests.guard.web.test_guard_check_api import astronaut_jpeg

pytestmark = pytest.mark.browser
A11y = Callable[[Page], None]
RISKY = "So proud of Maria Jansen, who beat her breast cancer after chemotherapy at our clinic!"
PAGES = ("check", "image", "consents", "policy")
DISGUISED = "So proud of Mаria Jan\u200bsen, who beat her breast cancer after chemotherapy!"


def test_typing_a_risky_post_highlights_the_span_and_the_rewrite_replaces_it(
    page: Page, server: LiveServer, check_a11y: A11y
) -> None:
    sign_in(page, server.url, "alice@example.com")
    page.goto("/w/lakeside/guard/check")
    area = page.get_by_label("Text to check")
    area.press_sequentially(RISKY[:40])
    area.fill(RISKY)
    result = page.locator("#guard-text-result")
    expect(result.locator("mark", has_text="Maria Jansen")).to_be_visible()
    expect(result).to_contain_text("Blocked")
    expect(result).to_contain_text("Naming someone next to health information")
    check_a11y(page)
    result.get_by_role("button", name="Use safer wording").first.click()
    expect(area).not_to_have_value(RISKY)
    expect(result.locator("mark", has_text="Maria Jansen")).to_have_count(0)
    assert "Maria Jansen" not in area.input_value()


def test_a_disguised_name_is_marked_as_typed_with_its_hidden_characters(
    page: Page, server: LiveServer
) -> None:
    sign_in(page, server.url, "alice@example.com")
    page.goto("/w/lakeside/guard/check")
    page.get_by_label("Text to check").fill(DISGUISED)
    result = page.locator("#guard-text-result")
    expect(result).to_contain_text("Blocked")
    expect(result).to_contain_text("Look-alike letters from another alphabet")
    mark = result.locator("mark").first
    expect(mark).to_be_visible()
    marked = mark.evaluate("m => m.firstChild.textContent")
    assert marked.startswith("Mаria Jan\u200bsen"), marked  # the Cyrillic а, the hidden space


def test_a_safe_text_looks_safe(page: Page, server: LiveServer) -> None:
    sign_in(page, server.url, "alice@example.com")
    page.goto("/w/lakeside/guard/check")
    page.get_by_label("Text to check").fill("Call us at +1 555 201 3344 to book your flu shot.")
    expect(page.locator("#guard-text-result")).to_contain_text("Looks safe")


@pytest.mark.parametrize("name", PAGES)
def test_each_compliance_page_passes_axe(
    name: str, page: Page, server: LiveServer, check_a11y: A11y
) -> None:
    sign_in(page, server.url, "alice@example.com")
    page.goto(f"/w/lakeside/guard/{name}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Compliance")
    check_a11y(page)


@pytest.mark.parametrize("name", PAGES)
def test_each_compliance_page_is_usable_on_a_phone(
    name: str, phone: Page, check_a11y: A11y
) -> None:
    phone.goto(f"/w/lakeside/guard/{name}")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{name}: the page scrolls sideways ({width}px)"
    check_a11y(phone)


def test_recording_and_revoking_a_consent_in_the_browser(
    page: Page, server: LiveServer, check_a11y: A11y
) -> None:
    sign_in(page, server.url, "alice@example.com")
    page.goto("/w/lakeside/guard/consents")
    page.get_by_label("Name of the person who signed").fill("Eva de Vries")
    page.get_by_label("What may be published").select_option("photo")
    page.get_by_label("Signed on").fill("2025-05-01")
    page.get_by_label("Only on the channels ticked below").check()
    page.get_by_label("Instagram").check()
    page.get_by_label("For every purpose").check()
    page.get_by_role("button", name="Record the consent").click()
    row = page.locator("tr", has_text="Eva de Vries")
    expect(row).to_contain_text("Valid")
    check_a11y(page)
    row.locator("summary").click()
    row.get_by_label("Why is it revoked?").fill("Asked by phone")
    row.get_by_role("button", name="Revoke the consent").click()
    expect(page.locator("tr", has_text="Eva de Vries")).to_contain_text("Revoked")


def test_an_uploaded_photo_shows_boxed_faces_and_passes_axe(
    page: Page, server: LiveServer, check_a11y: A11y
) -> None:
    sign_in(page, server.url, "alice@example.com")
    page.goto("/w/lakeside/guard/image")
    page.get_by_label("Image (JPEG, PNG, WebP or GIF)").set_input_files(
        files=[{"name": "astronaut.jpg", "mimeType": "image/jpeg", "buffer": astronaut_jpeg()}]
    )
    page.get_by_role("button", name="Check the image").click()
    expect(page.get_by_text("Blocked")).to_be_visible()
    expect(page.locator("svg.rp-guard-overlay rect.rp-face")).not_to_have_count(0)
    check_a11y(page)
