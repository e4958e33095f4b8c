from __future__ import annotations

import csv
import io
import json
import re
import stat
import zipfile
from datetime import timedelta

import pyotp
import pytest

from rapport.core import clock, csvsafe
from rapport.guard import consent as consents
from rapport.notifications import notify
from rapport.workspaces import access, auth, checkpoints, export
from tests.conftest import PASSWORD, World, csrf_from, sign_in


def _login(client, email: str, password: str):
    token = csrf_from(client.get("/login").text)
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        follow_redirects=False,
    )


def test_a_form_post_without_the_csrf_token_is_refused_and_changes_nothing(
    client, world: World, db
) -> None:
    sign_in(client, "alice@example.com")
    response = client.post(
        "/w/ws-a/settings/team/invite", data={"email": "x@example.com", "role": "editor"}
    )
    assert response.status_code == 403
    assert "CSRF" in response.text
    assert access.list_invitations(db, workspace=world.a) == []


def test_a_sign_in_form_without_its_token_is_refused(client, world: World) -> None:
    response = client.post("/login", data={"email": "alice@example.com", "password": PASSWORD})
    assert response.status_code == 403


def test_repeated_failed_sign_ins_lock_the_account_for_a_while(
    client, world: World, settings
) -> None:
    for _ in range(settings.login_max_attempts):
        assert _login(client, "alice@example.com", "wrong password!").status_code == 401
    locked = _login(client, "alice@example.com", PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.text
    clock.set_clock(
        lambda: (
            clock.as_utc(clock.datetime.now(clock.UTC))
            + timedelta(minutes=settings.login_lockout_minutes + 1)
        )
    )
    try:
        assert _login(client, "alice@example.com", PASSWORD).status_code == 303
    finally:
        clock.set_clock(None)


def _invite(client, csrf: str, email: str) -> str:
    page = client.post(
        "/w/ws-a/settings/team/invite",
        data={"email": email, "role": "contributor", "csrf_token": csrf},
    )
    assert page.status_code == 200, page.text
    match = re.search(r"http://testserver(/invite/[\w-]+)", page.text)
    assert match, "the inviter sees the link when no SMTP server is set"
    return match.group(1)


def test_an_invitation_link_works_once(client, world: World, db) -> None:
    link = _invite(client, sign_in(client, "alice@example.com"), "dana@example.com")
    client.cookies.clear()
    form = client.get(link)
    assert "Join Workspace A" in form.text
    accepted = client.post(
        link,
        data={"name": "Dana", "password": PASSWORD, "csrf_token": csrf_from(form.text)},
        follow_redirects=False,
    )
    assert accepted.status_code == 303 and accepted.headers["location"] == "/w/ws-a/today"
    assert client.get("/w/ws-a/today").status_code == 200
    client.cookies.clear()
    reused = client.get(link)
    assert reused.status_code == 404 and "already used" in reused.text


def test_an_expired_invitation_link_is_refused(client, world: World) -> None:
    link = _invite(client, sign_in(client, "alice@example.com"), "erin@example.com")
    client.cookies.clear()
    clock.set_clock(lambda: clock.datetime.now(clock.UTC) + timedelta(days=8))
    try:
        response = client.get(link)
    finally:
        clock.set_clock(None)
    assert response.status_code == 404 and "expired" in response.text


def test_a_password_reset_link_changes_the_password_once(client, world: World, db) -> None:
    _user, token = auth.request_password_reset(db, email="bob@example.com")  # type: ignore[misc]
    db.commit()
    form = client.get(f"/password/reset/{token}")
    short = client.post(
        f"/password/reset/{token}", data={"password": "short", "csrf_token": csrf_from(form.text)}
    )
    assert short.status_code == 422 and "too short" in short.text
    done = client.post(
        f"/password/reset/{token}",
        data={"password": "a brand new passphrase", "csrf_token": csrf_from(form.text)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert _login(client, "bob@example.com", "a brand new passphrase").status_code == 303
    client.cookies.clear()
    again = client.get(f"/password/reset/{token}")
    assert again.status_code == 404 and "invalid, used or expired" in again.text


def test_the_second_factor_is_asked_for_after_the_password(
    client, world: World, db, settings
) -> None:
    setup = auth.begin_totp(world.alice)
    codes = auth.confirm_totp(
        world.alice,
        secret=setup.secret,
        code=pyotp.TOTP(setup.secret).now(),
        secret_key=settings.secret_key,
    )
    db.commit()
    first = _login(client, "alice@example.com", PASSWORD)
    assert first.headers["location"].startswith("/login/second-factor")
    assert client.get("/w/ws-a/today", follow_redirects=False).status_code == 303
    page = client.get(first.headers["location"])
    wrong = client.post(
        "/login/second-factor", data={"code": "000000", "csrf_token": csrf_from(page.text)}
    )
    assert wrong.status_code == 401
    ok = client.post(
        "/login/second-factor",
        data={"code": codes[0], "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    assert client.get("/w/ws-a/today").status_code == 200
    db.refresh(world.alice)
    assert len(world.alice.recovery_code_hashes) == 9, "a recovery code works once"


def test_an_api_token_works_only_for_its_workspace_and_stops_when_revoked(
    client, world: World, db
) -> None:
    token, raw = access.create_api_token(
        db, workspace=world.a, name="script", role="analyst", actor=world.alice
    )
    db.commit()
    headers = {"authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/workspaces/ws-a", headers=headers).json()["role"] == "analyst"
    assert client.get("/api/v1/workspaces/ws-b", headers=headers).status_code == 404
    assert (
        client.put(
            "/api/v1/workspaces/ws-a",
            headers=headers,
            json={"name": "x", "timezone": "UTC", "locale": "en"},
        ).status_code
        == 403
    )
    access.revoke_api_token(db, workspace=world.a, token_id=token.id, actor=world.alice)
    db.commit()
    refused = client.get("/api/v1/workspaces/ws-a", headers=headers)
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/problem+json"


def test_api_validation_errors_name_the_field(client, world: World, db) -> None:
    _token, raw = access.create_api_token(
        db, workspace=world.a, name="owner script", role="owner", actor=world.alice
    )
    db.commit()
    response = client.put(
        "/api/v1/workspaces/ws-a",
        headers={"authorization": f"Bearer {raw}"},
        json={"name": "A", "timezone": "Mars/Base", "locale": "en"},
    )
    assert response.status_code == 422
    body = response.json()
    assert body["errors"][0]["loc"] == "timezone" and "Europe/Amsterdam" in body["errors"][0]["msg"]
    assert (
        client.get("/api/v1/workspaces/ws-a", headers={"authorization": f"Bearer {raw}"}).json()[
            "timezone"
        ]
        == "Europe/Amsterdam"
    )


def test_pages_carry_security_headers(client, world: World) -> None:
    response = client.get("/login")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["referrer-policy"] == "same-origin"
    assert 'href="http' not in response.text and 'src="http' not in response.text


def test_an_organisation_can_require_a_second_factor(client, world: World, db, settings) -> None:
    world.a.organisation.require_totp = True
    db.commit()
    sign_in(client, "bob@example.com")
    blocked = client.get("/w/ws-a/today")
    assert blocked.status_code == 403 and "requires a second factor" in blocked.text
    setup = auth.begin_totp(world.bob)
    auth.confirm_totp(
        world.bob,
        secret=setup.secret,
        code=pyotp.TOTP(setup.secret).now(),
        secret_key=settings.secret_key,
    )
    db.commit()
    assert client.get("/w/ws-a/today").status_code == 200


def test_an_owner_cannot_require_a_second_factor_before_having_one(
    client, world: World, db
) -> None:
    csrf = sign_in(client, "alice@example.com")
    form = {
        "name": "Workspace A",
        "timezone": "Europe/Amsterdam",
        "locale": "en",
        "practice_type": "clinic",
        "require_totp": "true",
        "csrf_token": csrf,
    }
    response = client.post("/w/ws-a/settings", data=form)
    assert response.status_code == 422 and "lock yourself out" in response.text
    db.refresh(world.a.organisation)
    assert world.a.organisation.require_totp is False


# --- Files and exports (issue 7, item 12) ----------------------------------------------

FORMULA_EMAIL = "=cmd|'/ccalc'!a0@evil.example"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_formula_in_an_invitation_is_neutralised_in_the_audit_csv(client, world: World) -> None:
    """The outside review's payload: invited and signed up with this address, it became the
    actor of audit events, a cell a spreadsheet would run. It now reads as text."""
    link = _invite(client, sign_in(client, "alice@example.com"), FORMULA_EMAIL)
    client.cookies.clear()
    form = client.get(link)
    joined = client.post(
        link,
        data={"name": "Eve", "password": PASSWORD, "csrf_token": csrf_from(form.text)},
        follow_redirects=False,
    )
    assert joined.status_code == 303, joined.text
    sign_in(client, "alice@example.com")
    body = client.get("/w/ws-a/settings/audit.csv").text
    rows = list(csv.reader(io.StringIO(body)))
    actors = {row[2] for row in rows[1:]}
    assert "'" + FORMULA_EMAIL in actors, actors
    dangerous = [cell for row in rows for cell in row if cell[:1] in ("=", "+", "-", "@", "\t")]
    assert dangerous == []


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_csv_cell_that_a_spreadsheet_would_run_gets_a_quote(start: str) -> None:
    text = csvsafe.csv_text([["name", "n"], [f"{start}1+1", -3]])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == [f"'{start}1+1", "-3"], "text is quoted, numbers stay numbers"


def test_the_export_neutralises_formulas_and_holds_notifications_and_consent_forms(
    client, db, world: World, settings
) -> None:
    token = sign_in(client, "alice@example.com")
    _invite(client, token, FORMULA_EMAIL)
    recorded = client.post(
        "/w/ws-a/guard/consents",
        data={
            "csrf_token": token,
            "person_name": "Eva de Vries",
            "kind": "testimonial",
            "signed_on": "2025-05-01",
        },
        files={"form_file": ("signed form.pdf", PDF, "application/pdf")},
        follow_redirects=False,
    )
    assert recorded.status_code == 303, recorded.text
    notify(db, user_ids=[world.alice.id], kind="workspaces.invitation", title="Hello A", body="x",
           workspace_id=world.a.id, email_via="caller", settings=settings)  # fmt: skip
    notify(db, user_ids=[world.carol.id], kind="workspaces.invitation", title="Hello B", body="x",
           workspace_id=world.b.id, email_via="caller", settings=settings)  # fmt: skip
    db.commit()
    [consent] = consents.list_consents(db, workspace=world.a)
    target = settings.data_dir / "export.zip"
    counts = export.export_workspace(
        db, workspace=world.a, target=target, data_dir=settings.data_dir
    )
    assert counts["consent form"] == 1 and counts["notification"] == 1
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE((settings.data_dir / consent.form_path).stat().st_mode) == 0o600
    with zipfile.ZipFile(target) as archive:
        assert archive.read(f"consent-forms/{consent.id}.pdf") == PDF
        titles = [n["title"] for n in json.loads(archive.read("json/notification.json"))]
        assert titles == ["Hello A"], "the workspace's notifications, not another's"
        invitations = archive.read("csv/invitation.csv").decode()
        assert "'=cmd|" in invitations and "\n=cmd" not in invitations
        assert checkpoints.CHECKPOINT_FILE in archive.namelist()
