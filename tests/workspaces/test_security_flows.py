from __future__ import annotations

import csv
import io
import json
import logging
import re
import stat
import zipfile
from datetime import timedelta

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from rapport.core import clock, csvsafe
from rapport.core.crypto import decrypt
from rapport.guard import consent as consents
from rapport.jobs import Worker
from rapport.jobs.models import Job
from rapport.notifications import notify
from rapport.workspaces import access, auth, checkpoints, export, service
from rapport.workspaces.models import PasswordReset
from tests.conftest import PASSWORD, World, csrf_from, sign_in


def enable_totp(db, user, settings) -> tuple[str, list[str]]:
    """Turn the second factor on as the account page does; returns the key and recovery codes."""
    setup = auth.begin_totp(user)
    codes = auth.confirm_totp(
        db,
        user=user,
        secret=setup.secret,
        code=pyotp.TOTP(setup.secret).now(),
        secret_key=settings.secret_key,
    )
    db.commit()
    return setup.secret, codes


def next_code(secret: str) -> str:
    """The code of the next time step: still accepted, and not the one set-up just used."""
    return pyotp.TOTP(secret).at(clock.now() + timedelta(seconds=30))


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
    _secret, codes = enable_totp(db, world.alice, settings)
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
    enable_totp(db, world.bob, settings)
    assert client.get("/w/ws-a/today").status_code == 200


def test_an_owner_cannot_require_a_second_factor_before_having_one(
    client, world: World, db
) -> None:
    csrf = sign_in(client, "alice@example.com")
    form = {"require_totp": "true", "csrf_token": csrf}
    response = client.post(f"/org/{world.a.organisation.slug}", data=form)
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
            "channel_scope": "all",
            "purpose_scope": "all",
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


# --- second factor ------------------------------------------------------------------------


def _pending_sign_in(client, email: str = "alice@example.com") -> str:
    """Password accepted, second factor pending; returns the code form's CSRF token."""
    client.cookies.clear()
    first = _login(client, email, PASSWORD)
    assert first.headers["location"].startswith("/login/second-factor"), first.text
    return csrf_from(client.get(first.headers["location"]).text)


def _send_code(client, csrf: str, code: str):
    return client.post(
        "/login/second-factor",
        data={"code": code, "csrf_token": csrf, "next": "/w/ws-a/today"},
        follow_redirects=False,
    )


def _signed_in(client) -> bool:
    return client.get("/w/ws-a/today", follow_redirects=False).status_code == 200


def test_wrong_codes_lock_the_account_and_then_the_right_code_is_refused(
    client, world: World, db, settings
) -> None:
    secret, _codes = enable_totp(db, world.alice, settings)
    csrf = _pending_sign_in(client)
    statuses = [_send_code(client, csrf, "000000").status_code for _ in range(40)]
    assert statuses.count(401) == settings.login_max_attempts - 1, statuses
    assert statuses[settings.login_max_attempts - 1] == 429, statuses
    right = _send_code(client, csrf, next_code(secret))
    assert right.headers.get("location") != "/w/ws-a/today"
    assert not _signed_in(client)
    db.expire_all()
    assert auth.is_locked(world.alice)
    assert _login(client, "alice@example.com", PASSWORD).status_code == 429


def test_wrong_codes_across_fresh_sign_ins_still_add_up_to_the_lock_out(
    client, world: World, db, settings
) -> None:
    secret, _codes = enable_totp(db, world.alice, settings)
    for _ in range(settings.login_max_attempts - 1):
        assert _send_code(client, _pending_sign_in(client), "000000").status_code == 401
    csrf = _pending_sign_in(client)
    assert _send_code(client, csrf, "000000").status_code == 429
    assert _send_code(client, csrf, next_code(secret)).headers["location"] == "/login"
    assert not _signed_in(client)


def test_a_second_factor_code_is_accepted_once(client, app, world: World, db, settings) -> None:
    secret, _codes = enable_totp(db, world.alice, settings)
    code = next_code(secret)
    assert _send_code(client, _pending_sign_in(client), code).status_code == 303
    assert _signed_in(client)
    with TestClient(app, base_url="http://testserver") as other:
        replay = _send_code(other, _pending_sign_in(other), code)
        assert replay.status_code == 401
        assert not _signed_in(other)


def test_the_code_used_to_turn_the_second_factor_on_cannot_sign_in(
    client, world: World, db, settings
) -> None:
    secret, _codes = enable_totp(db, world.alice, settings)
    used_at_setup = pyotp.TOTP(secret).now()
    assert _send_code(client, _pending_sign_in(client), used_at_setup).status_code == 401


def test_a_recovery_code_works_once_across_sessions(
    client, app, world: World, db, settings
) -> None:
    _secret, codes = enable_totp(db, world.alice, settings)
    assert _send_code(client, _pending_sign_in(client), codes[3]).status_code == 303
    with TestClient(app, base_url="http://testserver") as other:
        assert _send_code(other, _pending_sign_in(other), codes[3]).status_code == 401


def test_a_pending_sign_in_lives_five_minutes_and_using_it_does_not_extend_it(
    client, world: World, db, settings
) -> None:
    secret, _codes = enable_totp(db, world.alice, settings)
    csrf = _pending_sign_in(client)
    start = clock.now()
    try:
        clock.set_clock(lambda: start + timedelta(minutes=4))
        assert _send_code(client, csrf, "000000").status_code == 401
        clock.set_clock(lambda: start + timedelta(minutes=5, seconds=5))
        late = _send_code(client, csrf, pyotp.TOTP(secret).at(start + timedelta(minutes=5)))
    finally:
        clock.set_clock(None)
    assert late.status_code == 303 and late.headers["location"] == "/login"
    assert not _signed_in(client)


def _signed_in_with_totp(client, db, world: World, settings) -> tuple[str, str]:
    secret, _codes = enable_totp(db, world.alice, settings)
    assert _send_code(client, _pending_sign_in(client), next_code(secret)).status_code == 303
    return secret, csrf_from(client.get("/account").text)


def test_turning_the_second_factor_off_needs_the_password_or_a_current_code(
    client, world: World, db, settings
) -> None:
    _secret, csrf = _signed_in_with_totp(client, db, world, settings)
    for form in ({}, {"password": "not my password"}, {"code": "123456"}):
        refused = client.post("/account/totp/disable", data={"csrf_token": csrf, **form})
        assert refused.status_code == 422 and "password or code is not right" in refused.text
        db.expire_all()
        assert world.alice.totp_enabled
    done = client.post(
        "/account/totp/disable",
        data={"csrf_token": csrf, "password": PASSWORD},
        follow_redirects=False,
    )
    assert done.status_code == 303
    db.expire_all()
    assert not world.alice.totp_enabled and world.alice.totp_secret is None


def test_turning_the_second_factor_off_with_a_fresh_code_works(
    client, world: World, db, settings
) -> None:
    secret, csrf = _signed_in_with_totp(client, db, world, settings)
    code = pyotp.TOTP(secret).at(clock.now() + timedelta(seconds=60))
    clock_start = clock.now()
    clock.set_clock(lambda: clock_start + timedelta(seconds=60))
    try:
        done = client.post(
            "/account/totp/disable", data={"csrf_token": csrf, "code": code}, follow_redirects=False
        )
    finally:
        clock.set_clock(None)
    assert done.status_code == 303
    db.expire_all()
    assert not world.alice.totp_enabled


def test_a_second_factor_that_is_on_cannot_be_replaced_without_turning_it_off(
    client, world: World, db, settings
) -> None:
    secret, csrf = _signed_in_with_totp(client, db, world, settings)
    mine = pyotp.random_base32()
    response = client.post(
        "/account/totp",
        data={"csrf_token": csrf, "secret": mine, "code": pyotp.TOTP(mine).now()},
    )
    assert response.status_code == 409 and "already on" in response.text
    db.expire_all()
    assert decrypt(settings.secret_key, world.alice.totp_secret) == secret


def test_a_set_up_form_with_a_key_that_is_not_base32_gets_a_field_error(
    client, world: World, db
) -> None:
    csrf = sign_in(client, "alice@example.com")
    for bad in ("not base32 at all!", "ABC", "0189"):
        response = client.post(
            "/account/totp", data={"csrf_token": csrf, "secret": bad, "code": "123456"}
        )
        assert response.status_code == 422, (bad, response.status_code)
        assert 'id="totp-error"' in response.text
    db.expire_all()
    assert not world.alice.totp_enabled


# --- invitations are bound to their address -----------------------------------------------


def _owner_invitation(client, email: str) -> str:
    csrf = sign_in(client, "alice@example.com")
    page = client.post(
        "/w/ws-a/settings/team/invite", data={"email": email, "role": "owner", "csrf_token": csrf}
    )
    match = re.search(r"http://testserver(/invite/[\w-]+)", page.text)
    assert match, page.text
    client.cookies.clear()
    return match.group(1)


def test_a_signed_in_user_cannot_accept_an_invitation_for_another_address(
    client, world: World, db
) -> None:
    link = _owner_invitation(client, "dana@example.com")
    csrf = sign_in(client, "carol@example.com")
    page = client.get(link)
    assert 'id="invite-other-account"' in page.text and "dana@example.com" in page.text
    assert 'action="/logout"' in page.text
    taken = client.post(link, data={"csrf_token": csrf}, follow_redirects=False)
    assert taken.status_code == 403 and "signed in as carol@example.com" in taken.text
    assert client.get("/w/ws-a/today", follow_redirects=False).status_code == 404
    assert service.membership_of(db, user=world.carol, workspace=world.a) is None
    assert [i.email for i in access.list_invitations(db, workspace=world.a)] == ["dana@example.com"]


def test_signing_out_from_the_invitation_leads_back_to_it(client, world: World) -> None:
    link = _owner_invitation(client, "dana@example.com")
    sign_in(client, "carol@example.com")
    csrf = csrf_from(client.get(link).text)
    out = client.post("/logout", data={"csrf_token": csrf, "next": link}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == link
    assert "Choose a password" in client.get(link).text


def test_an_invitation_for_an_existing_account_is_accepted_after_signing_in_as_it(
    client, world: World, db
) -> None:
    dana = service.create_user(db, email="dana@example.com", name="Dana", password=PASSWORD)
    db.commit()
    link = _owner_invitation(client, "Dana@Example.com")
    page = client.get(link)
    assert f'href="/login?next={link}"' in page.text
    refused = client.post(
        link, data={"name": "Mallory", "password": PASSWORD, "csrf_token": csrf_from(page.text)}
    )
    assert refused.status_code == 409 and "already has an account: sign in first" in refused.text
    csrf = sign_in(client, "DANA@example.com")
    accepted = client.post(link, data={"csrf_token": csrf}, follow_redirects=False)
    assert accepted.status_code == 303 and accepted.headers["location"] == "/w/ws-a/today"
    member = service.membership_of(db, user=dana, workspace=world.a)
    assert member is not None and member.role == "owner"


# --- password reset -----------------------------------------------------------------------


def _ask_for_reset(client, email: str):
    csrf = csrf_from(client.get("/password/forgot").text)
    return client.post("/password/forgot", data={"email": email, "csrf_token": csrf})


def _emailed_reset_links(caplog) -> list[str]:
    """Reset links in the emails sent so far (no SMTP host in tests: emails go to the log)."""
    return re.findall(r"/password/reset/([\w-]+)", caplog.text)


def _deliver(session_factory) -> None:
    Worker(session_factory, run_schedules=False).run_until_empty()


def _live_links(db, user) -> int:
    db.expire_all()
    rows = db.scalars(select(PasswordReset).where(PasswordReset.user_id == user.id))
    return sum(1 for r in rows if r.used_at is None and clock.as_utc(r.expires_at) > clock.now())


def test_a_burst_of_reset_requests_makes_one_live_link_and_one_email(
    client, world: World, db, session_factory, caplog
) -> None:
    caplog.set_level(logging.INFO, logger="rapport.email")
    answers = {_ask_for_reset(client, "bob@example.com").text for _ in range(30)}
    assert len(answers) == 1 and "If an account exists" in answers.pop()
    _deliver(session_factory)
    assert len(_emailed_reset_links(caplog)) == 1
    assert _live_links(db, world.bob) == 1


def test_reset_emails_to_one_address_are_limited_over_time(
    client, world: World, db, session_factory, caplog
) -> None:
    caplog.set_level(logging.INFO, logger="rapport.email")
    for _ in range(auth.RESETS_PER_ADDRESS + 3):
        assert _ask_for_reset(client, "bob@example.com").status_code == 200
        _deliver(session_factory)
    assert len(_emailed_reset_links(caplog)) == auth.RESETS_PER_ADDRESS
    assert _live_links(db, world.bob) == 1, "each new link supersedes the older ones"


def test_reset_requests_are_limited_per_client_and_the_page_says_the_same(
    client, world: World, db
) -> None:
    before = db.scalar(select(func.count()).select_from(Job)) or 0
    for n in range(40):
        answer = _ask_for_reset(client, f"someone-{n}@example.com")
        assert answer.status_code == 200 and "If an account exists" in answer.text
    db.expire_all()
    queued = (db.scalar(select(func.count()).select_from(Job)) or 0) - before
    assert 0 < queued < 40


def test_known_and_unknown_addresses_get_the_same_answer_and_the_same_work(
    client, world: World, db, caplog
) -> None:
    caplog.set_level(logging.INFO, logger="rapport.email")
    known = _ask_for_reset(client, "bob@example.com")
    unknown = _ask_for_reset(client, "nobody@example.com")
    assert (known.status_code, known.text) == (unknown.status_code, unknown.text)
    db.expire_all()
    jobs = db.scalars(select(Job).where(Job.kind == "workspaces.send_password_reset")).all()
    assert sorted(j.payload["email"] for j in jobs) == ["bob@example.com", "nobody@example.com"]
    assert _emailed_reset_links(caplog) == [], "the request itself sends nothing"
    assert db.scalar(select(func.count()).select_from(PasswordReset)) == 0


def _reset(client, token: str, password: str):
    form = client.get(f"/password/reset/{token}")
    if form.status_code != 200:
        return form
    return client.post(
        f"/password/reset/{token}",
        data={"password": password, "csrf_token": csrf_from(form.text)},
        follow_redirects=False,
    )


def test_a_newer_reset_link_kills_the_older_one_and_using_it_kills_all(
    client, world: World, db
) -> None:
    _bob, older = auth.request_password_reset(db, email="bob@example.com")  # type: ignore[misc]
    _bob, newer = auth.request_password_reset(db, email="bob@example.com")  # type: ignore[misc]
    db.commit()
    assert _reset(client, older, "the older link's password").status_code == 404
    assert _reset(client, newer, "the newer link's password").status_code == 303
    assert _reset(client, newer, "used twice").status_code == 404
    assert _reset(client, older, "the older link's password").status_code == 404
    assert _login(client, "bob@example.com", "the newer link's password").status_code == 303


def test_changing_the_password_kills_reset_links_and_other_sessions(
    client, app, world: World, db
) -> None:
    with TestClient(app, base_url="http://testserver") as elsewhere:
        sign_in(elsewhere, "bob@example.com")
        _bob, token = auth.request_password_reset(db, email="bob@example.com")  # type: ignore[misc]
        db.commit()
        csrf = sign_in(client, "bob@example.com")
        wrong = client.post(
            "/account/password",
            data={"csrf_token": csrf, "current_password": "guess", "new_password": "x" * 12},
        )
        assert wrong.status_code == 422 and "not your current password" in wrong.text
        changed = client.post(
            "/account/password",
            data={
                "csrf_token": csrf,
                "current_password": PASSWORD,
                "new_password": "a fresh passphrase",
            },
            follow_redirects=False,
        )
        assert changed.status_code == 303
        assert client.get("/w/ws-a/today").status_code == 200, "this session stays"
        assert elsewhere.get("/w/ws-a/today", follow_redirects=False).status_code == 303
    assert _reset(client, token, "hijacked password").status_code == 404
