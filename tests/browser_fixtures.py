"""Browser fixtures (a pytest plugin loaded by tests/conftest.py, so there is only one): one live server and one Chromium for the whole session, a fresh browser
context (cookies, viewport) per test, and axe-core run on the pages a test visits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.e2e.server import LiveServer, launch_chromium, live_server, sign_in

BLOCKING_IMPACTS = ("serious", "critical")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("e2e")) as running:
        yield running


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser: Browser, server: LiveServer) -> Iterator[BrowserContext]:
    # Reduced motion: Bootstrap then skips its transitions, so axe never measures a colour
    # half-way through a fade.
    ctx = browser.new_context(
        base_url=server.url, viewport={"width": 1280, "height": 800}, reduced_motion="reduce"
    )
    ctx.set_default_timeout(5000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture(scope="session")
def phone(browser: Browser, server: LiveServer) -> Iterator[Page]:
    """A phone-sized page (390×844) with alice signed in, shared by the phone tests."""
    ctx = browser.new_context(
        base_url=server.url,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        reduced_motion="reduce",
    )
    ctx.set_default_timeout(5000)
    page = ctx.new_page()
    sign_in(page, server.url, "alice@example.com")
    yield page
    ctx.close()


def _describe(violation: dict[str, Any]) -> str:
    nodes = "\n".join(
        f"      {node.get('target')}: {node.get('html', '')[:200]}\n"
        f"        {node.get('failureSummary', '').replace(chr(10), ' ')}"
        for node in violation.get("nodes", [])[:5]
    )
    return f"  [{violation['impact']}] {violation['id']}: {violation['help']}\n{nodes}"


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


@pytest.fixture
def check_a11y(axe: Axe) -> Any:
    """Run axe-core on the current page; fail on serious or critical violations, naming them."""

    def check(page: Page) -> None:
        violations = axe.run(page).response["violations"]
        blocking = [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
        report = "\n".join(_describe(v) for v in blocking)
        assert not blocking, f"axe found problems on {page.url}:\n{report}"

    return check
