"""Check a text / an image: a hint where the result will be, and a refused file explained once."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import World, sign_in

HINT = "Type or paste a text: what the guard finds shows here as you type"


def test_the_empty_result_card_says_what_will_appear(client: TestClient, world: World) -> None:
    token = sign_in(client, "alice@example.com")
    assert HINT in client.get("/w/ws-a/guard/check").text
    cleared = client.post(
        "/w/ws-a/guard/check/partial", data={"text": "  "}, headers={"X-CSRF-Token": token}
    )
    assert HINT in cleared.text


def test_a_file_that_is_not_an_image_is_explained_once(client: TestClient, world: World) -> None:
    token = sign_in(client, "alice@example.com")
    files = {"file": ("notes.png", b"not an image at all", "image/png")}
    page = client.post("/w/ws-a/guard/image", data={"csrf_token": token}, files=files).text
    message = "This file is not an image Rapport can read (JPEG, PNG, WebP or GIF)."
    assert page.count(message) == 1
    assert "can't be checked" not in page and page.count("JPEG, PNG, WebP or GIF") == 2  # + label


def test_the_refusal_is_in_dutch_for_a_dutch_reader(client: TestClient, db, world: World) -> None:  # type: ignore[no-untyped-def]
    world.alice.locale = "nl"
    db.commit()
    token = sign_in(client, "alice@example.com")
    files = {"file": ("notes.png", b"not an image at all", "image/png")}
    page = client.post("/w/ws-a/guard/image", data={"csrf_token": token}, files=files).text
    assert "Dit bestand is geen afbeelding die Rapport kan lezen" in page
