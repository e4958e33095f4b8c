"""The consent form: every problem shown at once, dates asked for without a format the reader
never sees, and "every channel / every purpose" an explicit choice rather than a silent default."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from rapport.guard.consent import service as consents
from tests.conftest import World, sign_in


def _post(client: TestClient, token: str, **fields: object) -> object:
    return client.post("/w/ws-a/guard/consents", data={"csrf_token": token, **fields})


def test_an_empty_form_names_every_missing_field_at_once(
    client: TestClient, db: Session, world: World
) -> None:
    token = sign_in(client, "alice@example.com")
    response = _post(client, token, kind="photo")
    assert response.status_code == 422
    page = response.text
    for field, message in (
        ("person_name", "Enter the name of the person who signed."),
        ("signed_on", "Enter the date the form was signed."),
    ):
        assert f'id="e-{field}"' in page and message in page
    assert "Choose every channel, or tick the channels it covers." in page
    assert "Choose every purpose, or list the purposes it covers." in page
    assert "Please correct the 4 marked fields." in page
    assert "YYYY" not in page
    assert consents.list_consents(db, workspace=world.a) == []


def test_a_bad_date_is_reported_with_the_other_problems(
    client: TestClient, db: Session, world: World
) -> None:
    token = sign_in(client, "alice@example.com")
    page = _post(
        client,
        token,
        kind="photo",
        signed_on="31-02-2025",
        channel_scope="all",
        purpose_scope="all",
    ).text
    assert "“31-02-2025” is not a date. Choose the date from the calendar." in page
    assert "Enter the name of the person who signed." in page
    assert consents.list_consents(db, workspace=world.a) == []


def test_only_these_channels_needs_at_least_one(
    client: TestClient, db: Session, world: World
) -> None:
    token = sign_in(client, "alice@example.com")
    base = {
        "person_name": "Eva",
        "kind": "photo",
        "signed_on": "2025-05-01",
        "purpose_scope": "all",
    }
    refused = _post(client, token, channel_scope="some", **base)
    assert refused.status_code == 422
    assert "Tick the channels it covers, or choose every channel." in refused.text
    done = _post(client, token, channel_scope="some", channels=["instagram"], **base)
    assert done.status_code == 200  # followed the redirect to the list
    consent = consents.list_consents(db, workspace=world.a)[0]
    assert consent.channels == ["instagram"] and consent.purposes == []


def test_every_channel_is_stored_as_every_channel_even_with_boxes_ticked(
    client: TestClient, db: Session, world: World
) -> None:
    token = sign_in(client, "alice@example.com")
    _post(
        client,
        token,
        person_name="Eva",
        kind="photo",
        signed_on="2025-05-01",
        channel_scope="all",
        channels=["instagram"],
        purpose_scope="some",
        purposes="marketing, education",
    )
    consent = consents.list_consents(db, workspace=world.a)[0]
    assert consent.channels == [] and consent.purposes == ["education", "marketing"]


def test_a_dutch_reader_gets_the_errors_in_dutch(
    client: TestClient, db: Session, world: World
) -> None:
    world.alice.locale = "nl"
    db.commit()
    token = sign_in(client, "alice@example.com")
    page = _post(client, token, kind="photo").text
    assert "Vul de naam in van de persoon die tekende." in page
    assert "Kies alle kanalen, of vink de kanalen aan waarvoor het geldt." in page
    assert "Enter the name" not in page
