"""The background-jobs settings page and its API; the notification centre and its API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from rapport.core import clock
from rapport.jobs import enqueue
from rapport.jobs.models import Job
from rapport.notifications import get_preferences, notify
from rapport.notifications.models import Notification
from rapport.workspaces import access, audit
from tests.conftest import World, sign_in


@dataclass
class Jobs:
    dead: int
    failed: int
    done: int
    system: int
    other: int


def _job(db: Session, kind: str, state: str, workspace_id: int | None) -> int:
    job = enqueue(db, kind=kind, payload={}, workspace_id=workspace_id)
    job.state, job.attempts, job.last_error = state, 5, f"{kind} broke"
    return job.id


@pytest.fixture
def jobs(db: Session, world: World) -> Jobs:
    made = Jobs(
        dead=_job(db, "test.dead_in_a", "dead", world.a.id),
        failed=_job(db, "test.failed_in_a", "failed", world.a.id),
        done=_job(db, "test.done_in_a", "done", world.a.id),
        system=_job(db, "test.system_job", "dead", None),
        other=_job(db, "test.dead_in_b", "dead", world.b.id),
    )
    db.commit()
    return made


def _state(db: Session, job_id: int) -> str:
    db.expire_all()
    job = db.get(Job, job_id)
    assert job is not None
    return job.state


# --- the jobs page ----------------------------------------------------------------------


def test_the_owner_sees_dead_and_failed_jobs_of_the_workspace_only(
    client: TestClient, jobs: Jobs
) -> None:
    sign_in(client, "alice@example.com")
    page = client.get("/w/ws-a/settings/jobs")
    assert page.status_code == 200
    assert "test.dead_in_a" in page.text and "test.failed_in_a" in page.text
    assert "test.dead_in_a broke" in page.text
    assert "test.system_job" not in page.text, "system jobs can hold other tenants' data"
    assert "test.done_in_a" not in page.text, "done jobs only show when asked for"
    assert 'name="csrf_token" value=""' not in page.text, "a form without its CSRF token"
    assert "test.dead_in_b" not in page.text, "another workspace's job leaked"
    assert (
        "Queue health" in page.text
        and 'aria-current="page" href="/w/ws-a/settings/jobs"' in page.text
    )


def test_the_state_filter_shows_done_jobs(client: TestClient, jobs: Jobs) -> None:
    sign_in(client, "alice@example.com")
    page = client.get("/w/ws-a/settings/jobs?state=done")
    assert "test.done_in_a" in page.text and "test.dead_in_a" not in page.text
    assert client.get("/w/ws-a/settings/jobs?state=bogus").status_code == 422


def test_the_page_warns_when_no_worker_takes_due_jobs(
    client: TestClient, db: Session, world: World
) -> None:
    enqueue(db, kind="test.waiting", run_at=clock.now() - timedelta(hours=1))
    db.commit()
    sign_in(client, "alice@example.com")
    page = client.get("/w/ws-a/settings/jobs")
    assert "No worker is taking jobs." in page.text


def test_an_editor_may_not_see_the_jobs_page(client: TestClient, jobs: Jobs) -> None:
    sign_in(client, "bob@example.com")
    assert client.get("/w/ws-a/settings/jobs").status_code == 403
    assert client.get("/api/v1/workspaces/ws-a/jobs").status_code == 403


def test_an_outsider_gets_not_found(client: TestClient, jobs: Jobs) -> None:
    csrf = sign_in(client, "carol@example.com")
    assert client.get("/w/ws-a/settings/jobs").status_code == 404
    response = client.post(f"/w/ws-a/settings/jobs/{jobs.dead}/retry", data={"csrf_token": csrf})
    assert response.status_code == 404


def test_the_owner_retries_a_dead_job_from_the_page(
    client: TestClient, db: Session, world: World, jobs: Jobs
) -> None:
    csrf = sign_in(client, "alice@example.com")
    response = client.post(
        f"/w/ws-a/settings/jobs/{jobs.dead}/retry",
        data={"csrf_token": csrf},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/w/ws-a/settings/jobs?state=problems"
    assert _state(db, jobs.dead) == "due"
    events, _total = audit.list_events(
        db, workspace_id=world.a.id, filters=audit.AuditFilter(action="job."), limit=5, offset=0
    )
    assert [(e.action, e.object_id, e.summary["before"]) for e in events] == [
        ("job.retried", str(jobs.dead), "dead")
    ]
    assert f"Job #{jobs.dead} will run again now." in client.get(response.headers["location"]).text


def test_the_owner_cancels_a_failed_job_from_the_page(
    client: TestClient, db: Session, jobs: Jobs
) -> None:
    csrf = sign_in(client, "alice@example.com")
    client.post(f"/w/ws-a/settings/jobs/{jobs.failed}/cancel", data={"csrf_token": csrf})
    assert _state(db, jobs.failed) == "cancelled"


def test_retrying_a_done_job_says_why_not_and_changes_nothing(
    client: TestClient, db: Session, jobs: Jobs
) -> None:
    csrf = sign_in(client, "alice@example.com")
    page = client.post(f"/w/ws-a/settings/jobs/{jobs.done}/retry", data={"csrf_token": csrf})
    assert "only dead, failed or cancelled jobs can be retried" in page.text
    assert _state(db, jobs.done) == "done"


def test_a_job_of_another_workspace_is_not_found_from_the_page(
    client: TestClient, db: Session, jobs: Jobs
) -> None:
    csrf = sign_in(client, "alice@example.com")
    response = client.post(f"/w/ws-a/settings/jobs/{jobs.other}/cancel", data={"csrf_token": csrf})
    assert response.status_code == 404
    assert _state(db, jobs.other) == "dead"


def test_retry_without_csrf_is_refused(client: TestClient, db: Session, jobs: Jobs) -> None:
    sign_in(client, "alice@example.com")
    assert client.post(f"/w/ws-a/settings/jobs/{jobs.dead}/retry").status_code == 403
    assert _state(db, jobs.dead) == "dead"


def test_the_stalled_queue_link_leads_an_owner_to_the_jobs_page(
    client: TestClient, world: World
) -> None:
    sign_in(client, "alice@example.com")
    response = client.get("/admin/jobs", follow_redirects=False)
    assert response.headers["location"] == "/w/ws-a/settings/jobs"
    sign_in(client, "bob@example.com")
    assert client.get("/admin/jobs").status_code == 404


# --- the jobs API -----------------------------------------------------------------------


def _token(db: Session, world: World, role: str = "owner") -> dict[str, str]:
    _row, raw = access.create_api_token(
        db, workspace=world.a, name="script", role=role, actor=world.alice
    )
    db.commit()
    return {"authorization": f"Bearer {raw}"}


def test_the_api_lists_the_workspace_problems_but_not_the_systems(
    client: TestClient, db: Session, world: World, jobs: Jobs
) -> None:
    body = client.get("/api/v1/workspaces/ws-a/jobs", headers=_token(db, world)).json()
    assert {item["id"] for item in body["items"]} == {jobs.dead, jobs.failed}
    assert body["total"] == 2


def test_the_api_retries_and_cancels(
    client: TestClient, db: Session, world: World, jobs: Jobs
) -> None:
    headers = _token(db, world)
    retried = client.post(f"/api/v1/workspaces/ws-a/jobs/{jobs.failed}/retry", headers=headers)
    assert retried.status_code == 200 and retried.json()["state"] == "due"
    system = client.post(f"/api/v1/workspaces/ws-a/jobs/{jobs.system}/retry", headers=headers)
    assert system.status_code == 404, "the system's jobs are the server administrator's"
    cancelled = client.post(f"/api/v1/workspaces/ws-a/jobs/{jobs.dead}/cancel", headers=headers)
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    again = client.post(f"/api/v1/workspaces/ws-a/jobs/{jobs.done}/retry", headers=headers)
    assert again.status_code == 409


def test_the_api_hides_another_workspaces_job(
    client: TestClient, db: Session, world: World, jobs: Jobs
) -> None:
    headers = _token(db, world)
    for action in ("retry", "cancel"):
        response = client.post(
            f"/api/v1/workspaces/ws-a/jobs/{jobs.other}/{action}", headers=headers
        )
        assert response.status_code == 404
    assert client.get("/api/v1/workspaces/ws-b/jobs", headers=headers).status_code == 404
    assert _state(db, jobs.other) == "dead"


def test_an_analyst_token_may_not_manage_jobs(
    client: TestClient, db: Session, world: World, jobs: Jobs
) -> None:
    headers = _token(db, world, role="analyst")
    assert client.get("/api/v1/workspaces/ws-a/jobs", headers=headers).status_code == 403


def test_the_api_with_a_session_needs_the_csrf_header(
    client: TestClient, db: Session, jobs: Jobs
) -> None:
    csrf = sign_in(client, "alice@example.com")
    url = f"/api/v1/workspaces/ws-a/jobs/{jobs.dead}/retry"
    assert client.post(url).status_code == 403
    assert client.post(url, headers={"x-csrf-token": csrf}).status_code == 200


# --- the notification centre ------------------------------------------------------------


def _notify(db: Session, world: World, title: str, user_id: int | None = None) -> int:
    result = notify(
        db,
        user_ids=[user_id or world.alice.id],
        kind="workspaces.invitation",
        title=title,
        body="Bob accepted your invitation.",
        link="/w/ws-a/settings/team",
        workspace_id=world.a.id,
    )
    db.commit()
    return result.notifications[0].id


def _read_at(db: Session, notification_id: int) -> object:
    db.expire_all()
    row = db.get(Notification, notification_id)
    assert row is not None
    return row.read_at


def test_the_centre_lists_notifications_with_the_unread_ones_marked(
    client: TestClient, db: Session, world: World
) -> None:
    first = _notify(db, world, "Bob joined")
    _notify(db, world, "Dana joined")
    _notify(db, world, "For Bob only", user_id=world.bob.id)
    csrf = sign_in(client, "alice@example.com")
    client.post(f"/notifications/{first}/read", data={"csrf_token": csrf})
    page = client.get("/notifications")
    assert page.status_code == 200
    assert "Bob joined" in page.text and "Dana joined" in page.text
    assert "For Bob only" not in page.text
    assert "1 unread notification" in page.text and page.text.count(">new</span>") == 1
    assert 'name="csrf_token" value=""' not in page.text, "a form without its CSRF token"


def test_mark_one_and_mark_all_read(client: TestClient, db: Session, world: World) -> None:
    first = _notify(db, world, "One")
    second = _notify(db, world, "Two")
    csrf = sign_in(client, "alice@example.com")
    response = client.post(
        f"/notifications/{first}/read", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert response.status_code == 303
    assert _read_at(db, first) is not None and _read_at(db, second) is None
    page = client.post("/notifications/read-all", data={"csrf_token": csrf})
    assert "1 marked read." in page.text and "All caught up." in page.text
    assert _read_at(db, second) is not None


def test_someone_elses_notification_is_not_found(
    client: TestClient, db: Session, world: World
) -> None:
    theirs = _notify(db, world, "For Bob", user_id=world.bob.id)
    csrf = sign_in(client, "alice@example.com")
    assert (
        client.post(f"/notifications/{theirs}/read", data={"csrf_token": csrf}).status_code == 404
    )
    assert _read_at(db, theirs) is None


def test_preferences_are_saved_per_kind(client: TestClient, db: Session, world: World) -> None:
    csrf = sign_in(client, "alice@example.com")
    form = {
        "csrf_token": csrf,
        "in_app": ["workspaces.invitation", "jobs.queue_stalled"],
        "email": ["jobs.queue_stalled"],
    }
    page = client.post("/notifications/preferences", data=form)
    assert "Notification settings saved." in page.text
    db.expire_all()
    prefs = {p.kind: p for p in get_preferences(db, user_id=world.alice.id)}
    assert prefs["workspaces.invitation"].in_app and not prefs["workspaces.invitation"].email
    assert prefs["jobs.queue_stalled"].in_app and prefs["jobs.queue_stalled"].email
    assert not prefs["workspaces.password_reset"].in_app


def test_notification_forms_without_csrf_are_refused(
    client: TestClient, db: Session, world: World
) -> None:
    first = _notify(db, world, "One")
    sign_in(client, "alice@example.com")
    assert client.post(f"/notifications/{first}/read").status_code == 403
    assert client.post("/notifications/read-all").status_code == 403
    assert client.post("/notifications/preferences", data={"in_app": []}).status_code == 403
    assert _read_at(db, first) is None


def test_the_centre_needs_a_sign_in(client: TestClient, world: World) -> None:
    response = client.get("/notifications", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


# --- the notifications API --------------------------------------------------------------


def test_the_api_lists_and_marks_read(client: TestClient, db: Session, world: World) -> None:
    first = _notify(db, world, "One")
    _notify(db, world, "Two")
    csrf = sign_in(client, "alice@example.com")
    body = client.get("/api/v1/notifications").json()
    assert [n["title"] for n in body["items"]] == ["Two", "One"] and body["unread"] == 2
    headers = {"x-csrf-token": csrf}
    read = client.post(f"/api/v1/notifications/{first}/read", headers=headers)
    assert read.status_code == 200 and read.json()["read_at"] is not None
    assert client.post("/api/v1/notifications/read-all", headers=headers).json() == {"marked": 1}
    assert client.get("/api/v1/notifications?unread_only=true").json()["items"] == []


def test_the_api_refuses_posts_without_csrf(client: TestClient, db: Session, world: World) -> None:
    first = _notify(db, world, "One")
    sign_in(client, "alice@example.com")
    assert client.post(f"/api/v1/notifications/{first}/read").status_code == 403
    assert client.post("/api/v1/notifications/read-all").status_code == 403


def test_an_api_token_cannot_read_a_persons_notifications(
    client: TestClient, db: Session, world: World
) -> None:
    _notify(db, world, "Private")
    response = client.get("/api/v1/notifications", headers=_token(db, world))
    assert response.status_code == 403
