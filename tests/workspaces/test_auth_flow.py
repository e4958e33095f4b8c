from __future__ import annotations

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
