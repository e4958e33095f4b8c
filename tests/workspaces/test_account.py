"""The account page: the email shown, the password changed only with the current one (other
browsers signed out), the list of sessions and "sign out everywhere else"."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from rapport.core.crypto import verify_password
from tests.conftest import PASSWORD, World, sign_in

NEW_PASSWORD = "a brand new passphrase"


def _second_browser(app: FastAPI, email: str) -> TestClient:
    other = TestClient(app, base_url="http://testserver")
    sign_in(other, email)
    return other


def test_the_account_page_shows_the_email_and_the_sessions(
    client: TestClient, app: FastAPI, world: World
) -> None:
    other = _second_browser(app, "alice@example.com")
    sign_in(client, "alice@example.com")
    page = client.get("/account").text
    assert 'id="account-email">alice@example.com<' in page
    assert "this browser" in page and page.count("Another browser") == 1
    assert "Sign out everywhere else" in page
    other.close()


def test_changing_the_password_needs_the_current_one(
    client: TestClient, app: FastAPI, db: Session, world: World
) -> None:
    token = sign_in(client, "alice@example.com")
    wrong = client.post(
        "/account/password",
        data={"csrf_token": token, "current_password": "guess", "new_password": NEW_PASSWORD},
    )
    assert wrong.status_code == 422 and "That is not your current password." in wrong.text
    short = client.post(
        "/account/password",
        data={"csrf_token": token, "current_password": PASSWORD, "new_password": "short"},
    )
    assert short.status_code == 422 and "The password is too short (5 characters)." in short.text
    db.refresh(world.alice)
    assert verify_password(world.alice.password_hash, PASSWORD)


def test_a_new_password_signs_out_the_other_browsers_but_not_this_one(
    client: TestClient, app: FastAPI, db: Session, world: World
) -> None:
    other = _second_browser(app, "alice@example.com")
    token = sign_in(client, "alice@example.com")
    done = client.post(
        "/account/password",
        data={"csrf_token": token, "current_password": PASSWORD, "new_password": NEW_PASSWORD},
        follow_redirects=False,
    )
    assert done.status_code == 303
    db.refresh(world.alice)
    assert verify_password(world.alice.password_hash, NEW_PASSWORD)
    assert client.get("/account").status_code == 200
    assert "/login" in other.get("/account", follow_redirects=False).headers["location"]
    other.close()


def test_sign_out_everywhere_else_keeps_this_browser(
    client: TestClient, app: FastAPI, world: World
) -> None:
    other = _second_browser(app, "alice@example.com")
    token = sign_in(client, "alice@example.com")
    response = client.post("/account/sessions/others", data={"csrf_token": token})
    assert response.status_code == 200 and "Signed out of 1 other browser." in response.text
    assert "You are signed in only here." in response.text
    assert other.get("/account", follow_redirects=False).status_code == 303
    other.close()


def test_a_name_over_the_limit_is_refused_with_a_clear_message(
    client: TestClient, world: World
) -> None:
    token = sign_in(client, "alice@example.com")
    response = client.post(
        "/account/profile", data={"csrf_token": token, "name": "A" * 101, "locale": "en"}
    )
    assert response.status_code == 422
    assert "The name is too long (101 characters). Use at most 100 characters" in response.text
