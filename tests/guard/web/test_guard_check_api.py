"""The guard's check API: texts with and without a workspace's context, images, bad input."""

from __future__ import annotations

import io
import os

import pytest
from PIL import Image
from skimage import data as samples

from tests.conftest import World
from tests.guard.web.conftest import bearer

RISKY = "So proud of Maria Jansen, who beat her breast cancer after chemotherapy at our clinic!"
OWN_PHONE = "Questions about the flu shot? Call us at +1 555 201 3344."


def test_it_blocks_a_patient_name_with_a_diagnosis(client, world: World, owner_api) -> None:
    response = client.post("/api/v1/guard/check", json={"text": RISKY}, headers=owner_api)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["verdict"] == "block"
    names = [f for f in report["findings"] if f["category"] == "person_name"]
    assert names and names[0]["text"] == "Maria Jansen"
    assert RISKY[names[0]["start"] : names[0]["end"]] == "Maria Jansen"
    assert names[0]["suggestion"]


def test_a_disguised_ssn_blocks_and_the_hidden_characters_are_reported(
    client, world: World, owner_api
) -> None:
    text = "Patient Ｊｏｈｎ Ｍｉｌｌｅｒ, SSN 123-45-67\u200b89, had knee surgery."
    response = client.post("/api/v1/guard/check", json={"text": text}, headers=owner_api)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["verdict"] == "block"
    found = {f["category"]: f for f in report["findings"]}
    assert "123-45-67\u200b89" in found["national_id"]["text"]  # the label may come along
    national = found["national_id"]
    assert text[national["start"] : national["end"]] == national["text"]  # offsets map back
    assert found["hidden_characters"]["severity"] == "warn"
    assert found["hidden_characters"]["suggestion"] == "123-45-6789,"
    assert set(found["national_id"]) == {
        "category", "start", "end", "text", "message", "suggestion", "severity"
    }  # fmt: skip


def test_the_practice_phone_is_flagged_without_context_but_not_with_it(
    client, world: World, owner_api
) -> None:
    bare = client.post("/api/v1/guard/check", json={"text": OWN_PHONE}, headers=owner_api)
    assert bare.json()["findings"], "without context the number is unknown"
    own = client.post(
        "/api/v1/guard/check", json={"text": OWN_PHONE, "workspace": "ws-a"}, headers=owner_api
    )
    assert own.status_code == 200
    assert own.json() == {"verdict": "ok", "lang": "en", "findings": []}
    scoped = client.post(
        "/api/v1/workspaces/ws-a/guard/check", json={"text": OWN_PHONE}, headers=owner_api
    )
    assert scoped.json()["verdict"] == "ok"


def test_a_signed_in_browser_can_use_the_api_with_its_csrf_token(client, world: World) -> None:
    from tests.conftest import sign_in

    token = sign_in(client, "alice@example.com")
    response = client.post(
        "/api/v1/guard/check",
        json={"text": OWN_PHONE, "workspace": "ws-a"},
        headers={"X-CSRF-Token": token},
    )
    assert response.status_code == 200
    assert response.json()["verdict"] == "ok"


def test_checking_needs_a_sign_in(client, world: World) -> None:
    response = client.post("/api/v1/guard/check", json={"text": RISKY})
    assert response.status_code == 401


def test_another_workspace_in_the_body_is_not_found(client, db, world: World) -> None:
    carol = bearer(db, world.b, "owner", world.carol)
    response = client.post(
        "/api/v1/guard/check", json={"text": OWN_PHONE, "workspace": "ws-a"}, headers=carol
    )
    assert response.status_code == 404
    assert "ws-a" in response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"text": ""}, "text", "empty"),
        ({"text": "   \n "}, "text", "empty"),
        ({"text": "a" * 200_000}, "text", "100,000"),
        ({"text": "hello", "kind": "tweet"}, "kind", "post, reply, comment"),
        ({"text": "hello", "lang": "fr"}, "lang", "auto, en, nl"),
        ({"text": "hello", "colour": "red"}, "colour", ""),
        ({}, "text", ""),
    ],
)
def test_bad_input_gets_a_422_naming_the_field_and_the_fix(
    client, world: World, owner_api, body, field, words
) -> None:
    response = client.post("/api/v1/guard/check", json=body, headers=owner_api)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["errors"][0]["loc"] == field
    assert words in problem["errors"][0]["msg"]


def test_invalid_json_is_a_422_not_a_500(client, world: World, owner_api) -> None:
    response = client.post(
        "/api/v1/guard/check",
        content=b"{not json",
        headers={**owner_api, "content-type": "application/json"},
    )
    assert response.status_code == 422


# --- images ---------------------------------------------------------------------------------


def astronaut_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(samples.astronaut()).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def test_a_face_without_consent_blocks_the_image(client, world: World, owner_api) -> None:
    files = {"file": ("astronaut.jpg", astronaut_jpeg(), "image/jpeg")}
    response = client.post("/api/v1/guard/check-image", files=files, headers=owner_api)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["verdict"] == "block"
    assert len(report["faces"]) >= 1
    assert {"x", "y", "w", "h"} <= set(report["faces"][0])
    assert report["format"] == "JPEG"
    assert report["clean_image_type"] == "image/jpeg"
    clean = Image.open(io.BytesIO(__import__("base64").b64decode(report["clean_image"])))
    assert clean.size == (report["width"], report["height"])


def test_a_consented_face_does_not_block_the_image(client, world: World, owner_api) -> None:
    files = {"file": ("astronaut.jpg", astronaut_jpeg(), "image/jpeg")}
    response = client.post(
        "/api/v1/guard/check-image",
        files=files,
        data={"consented_faces": "1", "workspace": "ws-a"},
        headers=owner_api,
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert not [f for f in report["findings"] if f.get("source") == "face"]
    assert report["verdict"] != "block" or report["findings"]


def test_a_file_that_is_not_an_image_gets_a_422_naming_the_file(
    client, world: World, owner_api
) -> None:
    files = {"file": ("notes.jpg", os.urandom(4096), "image/jpeg")}
    response = client.post("/api/v1/guard/check-image", files=files, headers=owner_api)
    assert response.status_code == 422, response.text
    error = response.json()["errors"][0]
    assert error["loc"] == "file"
    assert "JPEG, PNG" in error["msg"]


def test_an_image_check_in_another_workspace_is_not_found(client, db, world: World) -> None:
    carol = bearer(db, world.b, "owner", world.carol)
    files = {"file": ("astronaut.jpg", astronaut_jpeg(), "image/jpeg")}
    response = client.post(
        "/api/v1/guard/check-image", files=files, data={"workspace": "ws-a"}, headers=carol
    )
    assert response.status_code == 404


def test_an_image_check_without_a_file_gets_a_422(client, world: World, owner_api) -> None:
    response = client.post("/api/v1/guard/check-image", data={"kind": "post"}, headers=owner_api)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == "file"
