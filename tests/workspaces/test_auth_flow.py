from __future__ import annotations

import re
import time

from tests.conftest import World, csrf_from, sign_in


def test_it_signs_in_and_shows_the_shell(client, world: World) -> None:
    sign_in(client, "alice@example.com")
    page = client.get("/w/ws-a/today")
    assert page.status_code == 200
    assert "Workspace A" in page.text and "Today" in page.text


def test_it_redirects_to_sign_in_when_not_signed_in(client, world: World) -> None:
    response = client.get("/w/ws-a/today", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=/w/ws-a/today")


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client, world) -> None:
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"email": "alice@example.com", "password": "nope", "csrf_token": csrf_from(page.text)},
    )
    assert response.status_code == 401
    assert "don&#39;t match an account" in response.text


def _attempt(client, email: str, password: str):
    page = client.get("/login")
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )


def _error(html: str) -> str:
    match = re.search(r'<div class="alert alert-danger" role="alert">([^<]*)</div>', html)
    return match.group(1) if match else ""


def test_an_unknown_address_is_locked_out_just_like_an_account(client, world, settings) -> None:
    def answers(email: str) -> list[tuple[int, str]]:
        return [
            (r.status_code, _error(r.text))
            for r in (
                _attempt(client, email, "not the password")
                for _ in range(settings.login_max_attempts + 2)
            )
        ]

    known, unknown = answers("alice@example.com"), answers("nobody-here@example.com")
    assert known == unknown
    assert [status for status, _text in known][-2:] == [429, 429]


def _fastest(client, email: str, tries: int = 4) -> float:
    times = []
    for _ in range(tries):
        started = time.perf_counter()
        assert _attempt(client, email, "not the password").status_code == 401
        times.append(time.perf_counter() - started)
    return min(times)


def test_a_wrong_password_takes_as_long_for_an_unknown_address(client, world, settings) -> None:
    assert settings.login_max_attempts > 4
    known = _fastest(client, "alice@example.com")
    unknown = _fastest(client, "nobody-at-all@example.com")
    assert unknown > known * 0.5, f"known {known * 1000:.0f} ms, unknown {unknown * 1000:.0f} ms"
