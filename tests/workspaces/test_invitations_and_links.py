"""Links point where Rapport is reached, and open invitations can be resent and cancelled.

Without ``RAPPORT_BASE_URL`` a link uses the address the request came in on; with it, that URL.
Resending gives a new link (the old one dies) and cancelling kills the link; both are audited
and need ``members.manage``.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from rapport.config import ConfigError, Settings, load_settings
from rapport.core import clock
from rapport.jobs import Worker
from rapport.notifications import notify
from rapport.web.app import create_app
from rapport.workspaces import access
from rapport.workspaces.models import AuditEvent, Invitation
from tests.conftest import PASSWORD, World, csrf_from, make_user, sign_in

HERE = "http://rapport.lan:8765"
LINK = re.compile(r"(https?://[^\s<\"]+)/invite/([\w-]+)")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """As the tests' settings, but with no RAPPORT_BASE_URL: links follow the request."""
    return load_settings(
        env="test",
        data_dir=tmp_path / "data",
        secret_key="test-secret-key-that-is-long-enough-for-fernet",
        base_url="",
        smtp_host="",
        run_worker_in_process=False,
    )


@pytest.fixture
def here(app: FastAPI) -> TestClient:
    """A client that reaches Rapport at http://rapport.lan:8765, as if on another port."""
    return TestClient(app, base_url=HERE)


def _invite(client: TestClient, csrf: str, email: str, slug: str = "ws-a") -> tuple[str, str]:
    page = client.post(
        f"/w/{slug}/settings/team/invite",
        data={"email": email, "role": "contributor", "csrf_token": csrf},
    )
    assert page.status_code == 200, page.text
    match = LINK.search(page.text)
    assert match, "without SMTP the inviter sees the link"
    return match.group(1), match.group(2)


def _invitation(db: Session, email: str) -> Invitation:
    db.expire_all()
    return db.scalars(select(Invitation).where(Invitation.email == email)).one()


def _actions(db: Session, world: World) -> list[str]:
    stmt = select(AuditEvent.action).where(AuditEvent.workspace_id == world.a.id)
    return list(db.scalars(stmt.order_by(AuditEvent.seq)))


# --- links ------------------------------------------------------------------------------


def test_the_invitation_link_uses_the_address_the_request_came_in_on(
    here: TestClient, world: World
) -> None:
    origin, _token = _invite(here, sign_in(here, "alice@example.com"), "dana@example.com")
    assert origin == HERE


def test_a_configured_base_url_wins_over_the_request(
    session_factory: sessionmaker[Session], settings: Settings, world: World
) -> None:
    configured = settings.model_copy(update={"base_url": "https://rapport.example.org/"})
    client = TestClient(create_app(configured, session_factory), base_url=HERE)
    origin, _token = _invite(client, sign_in(client, "alice@example.com"), "dana@example.com")
    assert origin == "https://rapport.example.org"


def test_forwarded_proto_counts_only_from_a_proxy_uvicorn_trusts(
    app: FastAPI, world: World, db: Session
) -> None:
    _row, raw = access.create_api_token(
        db, workspace=world.a, name="proxy", role="owner", actor=world.alice
    )
    db.commit()
    headers = {
        "x-forwarded-proto": "https",
        "x-forwarded-host": "evil.example",
        "authorization": f"Bearer {raw}",
    }
    for trusted, scheme in (("127.0.0.1", "http"), ("*", "https")):
        proxied = ProxyHeadersMiddleware(app, trusted_hosts=trusted)  # type: ignore[arg-type]
        client = TestClient(proxied, base_url="http://rapport.lan", headers=headers)
        answer = client.post(
            "/api/v1/workspaces/ws-a/invitations",
            json={"email": f"{scheme}@x.org", "role": "editor"},
        )
        assert answer.status_code == 201, answer.text
        assert answer.json()["link"].startswith(f"{scheme}://rapport.lan/invite/"), (
            "the scheme only from a trusted proxy; X-Forwarded-Host never"
        )


def test_the_password_reset_email_links_to_the_request_address(
    here: TestClient, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    form = here.get("/password/forgot")
    with caplog.at_level(logging.INFO, logger="rapport.email"):
        here.post(
            "/password/forgot",
            data={"email": "alice@example.com", "csrf_token": csrf_from(form.text)},
        )
        Worker(here.app.state.session_factory, run_schedules=False).run_until_empty()
    assert f"{HERE}/password/reset/" in caplog.text


def test_an_email_from_a_job_links_to_where_rapport_serves(
    db: Session, world: World, settings: Settings
) -> None:
    serving = settings.model_copy(update={"host": "0.0.0.0", "port": 8765})
    args = {"user_ids": [world.alice.id], "kind": "jobs.queue_stalled", "title": "t", "body": "b"}
    by_job = notify(db, **args, link="/admin/jobs", settings=serving, email_via="caller")
    assert "http://127.0.0.1:8765/admin/jobs" in by_job.emails[0].body_text
    by_request = notify(db, **args, link="/x", settings=serving, public_url=HERE, email_via="none")
    assert by_request.emails == []
    from_request = notify(
        db, **args, link="/x", settings=serving, public_url=HERE, email_via="caller"
    )
    assert f"{HERE}/x" in from_request.emails[0].body_text


def test_production_refuses_to_start_without_a_base_url(settings: Settings) -> None:
    production = settings.model_copy(update={"env": "production"})
    with pytest.raises(ConfigError, match="RAPPORT_BASE_URL"):
        create_app(production)
    with pytest.raises(ConfigError, match="RAPPORT_BASE_URL: must start with http"):
        load_settings(base_url="rapport.example.org")


# --- resend and cancel ------------------------------------------------------------------


def test_resending_makes_a_new_link_and_the_old_one_stops_working(
    here: TestClient, world: World, db: Session
) -> None:
    csrf = sign_in(here, "alice@example.com")
    _origin, old = _invite(here, csrf, "dana@example.com")
    invitation = _invitation(db, "dana@example.com")
    invitation.expires_at = clock.now()  # expired: it can still be sent again
    db.commit()
    team = here.get("/w/ws-a/settings/team")
    assert "dana@example.com" in team.text and "expired" in team.text
    page = here.post(
        f"/w/ws-a/settings/team/invitations/{invitation.id}/resend", data={"csrf_token": csrf}
    )
    assert page.status_code == 200
    origin, new = LINK.search(page.text).groups()  # type: ignore[union-attr]
    assert origin == HERE and new != old
    assert clock.as_utc(_invitation(db, "dana@example.com").expires_at) > clock.now()
    here.cookies.clear()
    assert here.get(f"/invite/{old}").status_code == 404
    form = here.get(f"/invite/{new}")
    accepted = here.post(
        f"/invite/{new}",
        data={"name": "Dana", "password": PASSWORD, "csrf_token": csrf_from(form.text)},
        follow_redirects=False,
    )
    assert accepted.status_code == 303
    assert _actions(db, world)[-3:-1] == ["member.invited", "member.invitation_resent"]


def test_cancelling_kills_the_link_and_empties_the_list(
    here: TestClient, world: World, db: Session
) -> None:
    csrf = sign_in(here, "alice@example.com")
    _origin, token = _invite(here, csrf, "dana@example.com")
    invitation_id = _invitation(db, "dana@example.com").id
    done = here.post(
        f"/w/ws-a/settings/team/invitations/{invitation_id}/cancel",
        data={"csrf_token": csrf},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert "dana@example.com" not in here.get("/w/ws-a/settings/team").text
    assert access.list_invitations(db, workspace=world.a) == []
    assert _actions(db, world)[-1] == "member.invitation_cancelled"
    here.cookies.clear()
    assert here.get(f"/invite/{token}").status_code == 404


def test_the_team_page_offers_resend_and_cancel_only_to_those_who_manage_members(
    here: TestClient, world: World, db: Session
) -> None:
    _invite(here, sign_in(here, "alice@example.com"), "dana@example.com")
    assert "Resend" in here.get("/w/ws-a/settings/team").text
    sign_in(here, "bob@example.com")
    page = here.get("/w/ws-a/settings/team").text
    assert "dana@example.com" in page and "Resend" not in page and "/cancel" not in page


@pytest.mark.parametrize("role", ["approver", "editor", "contributor", "analyst"])
def test_only_members_manage_may_resend_or_cancel(
    role: str, here: TestClient, world: World, db: Session
) -> None:
    invitation, _token = access.invite(
        db, workspace=world.a, email="dana@example.com", role="editor", actor=world.alice
    )
    db.commit()
    user = make_user(db, world.a, role)
    csrf = sign_in(here, user.email)
    base = f"/w/ws-a/settings/team/invitations/{invitation.id}"
    for action in ("resend", "cancel"):
        assert here.post(f"{base}/{action}", data={"csrf_token": csrf}).status_code == 403
    assert _invitation(db, "dana@example.com").token_hash == invitation.token_hash
    assert _actions(db, world)[-1] != "member.invitation_cancelled"


def test_another_workspaces_invitation_is_not_found(
    here: TestClient, world: World, db: Session
) -> None:
    theirs, _token = access.invite(
        db, workspace=world.b, email="erin@example.com", role="editor", actor=world.carol
    )
    db.commit()
    csrf = sign_in(here, "alice@example.com")
    for action in ("resend", "cancel"):
        url = f"/w/ws-a/settings/team/invitations/{theirs.id}/{action}"
        assert here.post(url, data={"csrf_token": csrf}).status_code == 404
    assert access.list_invitations(db, workspace=world.b) != []


def test_the_api_lists_resends_and_cancels_invitations(
    here: TestClient, world: World, db: Session
) -> None:
    _token, owner = access.create_api_token(
        db, workspace=world.a, name="t", role="owner", actor=world.alice
    )
    _token, editor = access.create_api_token(
        db, workspace=world.a, name="e", role="editor", actor=world.alice
    )
    db.commit()
    api = "/api/v1/workspaces/ws-a/invitations"
    as_owner = {"authorization": f"Bearer {owner}"}
    created = here.post(
        api, json={"email": "dana@example.com", "role": "analyst"}, headers=as_owner
    )
    assert created.status_code == 201 and created.json()["link"].startswith(f"{HERE}/invite/")
    invitation_id = created.json()["id"]
    listed = here.get(api, headers=as_owner).json()
    assert [i["email"] for i in listed] == ["dana@example.com"] and listed[0]["link"] is None
    as_editor = {"authorization": f"Bearer {editor}"}
    assert here.get(api, headers=as_editor).status_code == 403
    assert here.post(f"{api}/{invitation_id}/resend", headers=as_editor).status_code == 403
    assert here.delete(f"{api}/{invitation_id}", headers=as_editor).status_code == 403
    resent = here.post(f"{api}/{invitation_id}/resend", headers=as_owner)
    assert resent.status_code == 200 and resent.json()["link"] != created.json()["link"]
    assert here.delete(f"{api}/{invitation_id}", headers=as_owner).status_code == 204
    assert here.delete(f"{api}/{invitation_id}", headers=as_owner).status_code == 404
    assert here.get(api, headers=as_owner).json() == []
