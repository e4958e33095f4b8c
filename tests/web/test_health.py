from __future__ import annotations

from datetime import datetime, timedelta

from rapport.core import clock
from rapport.jobs import enqueue
from rapport.jobs.models import WorkerHeartbeat


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


def _running_job_of_a_dead_worker(db, *, lease_expired_ago: timedelta) -> None:
    """A job a worker claimed and started, and a heartbeat that stopped: a SIGKILLed worker."""
    job = enqueue(db, kind="notifications.send_email", payload={})
    now = clock.now()
    job.state, job.locked_by, job.attempts = "running", "killed-worker", 1
    job.started_at = now - lease_expired_ago - timedelta(minutes=1)
    job.lease_until = now - lease_expired_ago
    db.add(
        WorkerHeartbeat(
            worker_id="killed-worker",
            host="h",
            pid=1,
            started_at=now - timedelta(hours=1),
            last_seen_at=now - lease_expired_ago - timedelta(seconds=50),
        )
    )
    db.commit()


def test_healthz_counts_expired_leases_and_a_missing_heartbeat_as_stalled(client, db) -> None:
    _running_job_of_a_dead_worker(db, lease_expired_ago=timedelta(minutes=2))
    body = client.get("/healthz").json()
    assert body["status"] == "degraded" and body["jobs"]["stalled"] is True
    assert body["jobs"]["expired_leases"] == 1 and body["workers"]["missing"] == ["killed-worker"]
    stalls = {stall["kind"]: stall for stall in body["stalled"]}
    assert stalls["expired_leases"]["count"] == 1
    since = datetime.fromisoformat(stalls["expired_leases"]["since"])
    assert timedelta(minutes=1) < clock.now() - since < timedelta(minutes=3)
    assert "killed-worker" in stalls["missing_heartbeat"]["what"]


def test_a_lease_that_just_ran_out_is_not_yet_a_stall(client, db) -> None:
    """A live worker reaps within seconds; health waits out a short grace before alarming."""
    _running_job_of_a_dead_worker(db, lease_expired_ago=timedelta(seconds=3))
    body = client.get("/healthz").json()
    assert body["jobs"]["expired_leases"] == 0 and body["status"] == "ok"


def test_the_shell_banner_names_jobs_that_lost_their_worker(client, db, world) -> None:
    from tests.conftest import sign_in

    sign_in(client, "alice@example.com")
    _running_job_of_a_dead_worker(db, lease_expired_ago=timedelta(minutes=2))
    page = client.get("/w/ws-a/today").text
    assert "1 running job(s) lost their worker" in page
    assert "stopped sending heartbeats" in page
