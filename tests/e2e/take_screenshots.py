"""Screenshots for the README: run by hand, ``.venv/bin/python tests/e2e/take_screenshots.py``.

Starts the browser tests' server on a fresh database holding the demo practice (plus a few
background jobs that failed, so the jobs page has something to show) and saves PNGs in
``docs/screenshots/``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from rapport.demo.build import DEMO_PASSWORD, build_demo  # noqa: E402
from rapport.jobs import enqueue  # noqa: E402
from tests.e2e.server import launch_chromium, live_server, sign_in  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
OWNER = "owner@lakeside.example"
SLUG = "lakeside-madison"
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
FAILED_JOBS = (
    ("publishing.deliver", "dead", 5, "Facebook answered 190: the page token expired. Reconnect."),
    ("analytics.import", "failed", 2, "meta-export.csv, row 1: there is no 'Date' column."),
    ("listening.fetch_mentions", "dead", 5, "Mastodon did not answer within 10 seconds."),
)


def seed_demo(db: Session) -> None:
    result = build_demo(db)
    workspace_id = result.workspaces[0].id
    for kind, state, attempts, error in FAILED_JOBS:
        job = enqueue(db, kind=kind, payload={}, workspace_id=workspace_id)
        job.state, job.attempts, job.last_error = state, attempts, error
    job = enqueue(db, kind="notifications.send_email", payload={}, max_attempts=8)
    job.state, job.attempts = "dead", 8
    job.last_error = "SMTP server smtp.lakeside.example:587 refused the connection."


def shoot(page: Page, name: str) -> None:
    page.wait_for_load_state("networkidle")
    path = OUT / f"{name}.png"
    page.screenshot(path=str(path))
    print(f"{path.relative_to(ROOT)}  {path.stat().st_size // 1024} KB")


def signed_in_page(browser: Browser, url: str, viewport: dict[str, int]) -> Page:
    context = browser.new_context(base_url=url, viewport=viewport, reduced_motion="reduce")
    page = context.new_page()
    sign_in(page, url, OWNER, DEMO_PASSWORD)
    return page


def laptop_shots(browser: Browser, url: str) -> None:
    context = browser.new_context(base_url=url, viewport=LAPTOP, reduced_motion="reduce")
    page = context.new_page()
    page.goto("/login")
    shoot(page, "sign-in")
    page = signed_in_page(browser, url, LAPTOP)
    shoot(page, "today")
    for path, name in (("team", "team"), ("audit", "audit-trail"), ("jobs", "jobs")):
        page.goto(f"/w/{SLUG}/settings/{path}")
        shoot(page, name)
    page.goto("/notifications")
    shoot(page, "notifications")
    page.goto(f"/w/{SLUG}/today")
    page.locator("footer").get_by_role("button", name="Nederlands").click()
    page.locator("html[lang='nl']").wait_for()
    shoot(page, "today-nl")
    page.locator("footer").get_by_role("button", name="English").click()


def phone_shots(browser: Browser, url: str) -> None:
    page = signed_in_page(browser, url, PHONE)
    shoot(page, "phone-today")
    page.locator("[aria-controls='rp-nav']").click()
    page.locator("#rp-nav.show").wait_for()
    shoot(page, "phone-menu")
    page.goto(f"/w/{SLUG}/settings/team")
    page.locator("footer").get_by_role("button", name="Nederlands").click()
    page.locator("html[lang='nl']").wait_for()
    shoot(page, "phone-team-nl")
    page.locator("footer").get_by_role("button", name="English").click()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory() as tmp,
        live_server(Path(tmp), seed_demo) as server,
        sync_playwright() as playwright,
    ):
        browser = launch_chromium(playwright)
        laptop_shots(browser, server.url)
        phone_shots(browser, server.url)
        browser.close()


if __name__ == "__main__":
    main()
