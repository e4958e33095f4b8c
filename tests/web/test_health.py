from __future__ import annotations

from datetime import timedelta

from rapport.core import clock
from rapport.jobs import enqueue


def test_healthz_answers_without_sign_in(client) -> None:
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["jobs"]["oldest_unclaimed_due_age_seconds"] is None


def test_healthz_reports_a_queue_nobody_works_on(client, db, settings, world) -> None:
    enqueue(
        db,
        kind="notifications.send_email",
        payload={},
        run_at=clock.now() - timedelta(minutes=settings.watchdog_minutes + 2),
    )
    db.commit()
    body = client.get("/healthz").json()
    assert body["status"] == "degraded" and body["jobs"]["stalled"] is True
    assert body["jobs"]["oldest_unclaimed_due_age_seconds"] > settings.watchdog_minutes * 60


def test_the_shell_shows_a_banner_while_the_queue_is_stalled(client, db, settings, world) -> None:
    from tests.conftest import sign_in

    sign_in(client, "alice@example.com")
    assert "no worker is taking them" not in client.get("/w/ws-a/today").text
    enqueue(
        db,
        kind="notifications.send_email",
        payload={},
        run_at=clock.now() - timedelta(minutes=settings.watchdog_minutes + 2),
    )
    db.commit()
    assert "no worker is taking them" in client.get("/w/ws-a/today").text


def test_api_docs_load_only_local_assets(client) -> None:
    page = client.get("/api/docs").text
    assert "/static/vendor/swagger-ui-bundle.js" in page and "cdn" not in page.lower()
    assert client.get("/api/openapi.json").json()["info"]["title"] == "Rapport"


def test_an_unknown_page_is_a_friendly_404(client) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404 and "nothing at this address" in response.text
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api.headers["content-type"] == "application/problem+json"
