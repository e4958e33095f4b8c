"""Long and odd names: limits with a clear message, and names cut with an ellipsis in the
header (the full name on hover) rather than making pages wider."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from rapport.errors import ValidationFailed
from rapport.workspaces import service
from tests.conftest import World, sign_in

LONG = "Praktijk" + "x" * 330


def test_a_practice_name_over_the_limit_is_refused_naming_the_field(db: Session) -> None:
    org = service.create_organisation(db, name="Org")
    with pytest.raises(ValidationFailed) as caught:
        service.create_workspace(db, organisation=org, details=service.WorkspaceDetails(name=LONG))
    assert caught.value.field == "name"
    assert caught.value.message == (
        "The name is too long (338 characters). Use at most 120 characters; a shorter "
        "everyday name works best."
    )
    with pytest.raises(ValidationFailed):
        service.create_organisation(db, name=LONG)
    with pytest.raises(ValidationFailed):
        service.create_user(db, email="x@example.com", name=LONG, password="long enough pw")


def test_the_settings_form_marks_every_bad_field_at_once(client: TestClient, world: World) -> None:
    token = sign_in(client, "alice@example.com")
    response = client.post(
        "/w/ws-a/settings",
        data={"csrf_token": token, "name": LONG, "email": "not an email", "timezone": "Mars/Base"},
    )
    assert response.status_code == 422
    page = response.text
    for field in ("name", "email", "timezone"):
        assert f'id="e-{field}"' in page, field
    assert "The name is too long (338 characters)." in page
    assert "“Mars/Base” is not a time zone." in page


def test_the_switcher_truncates_and_offers_the_full_name(
    client: TestClient, db: Session, world: World
) -> None:
    name = "Huisartsenpraktijk " + "Zuidoost" * 12
    world.a.name = name[: service.MAX_WORKSPACE_NAME]
    db.commit()
    sign_in(client, "alice@example.com")
    page = client.get("/w/ws-a/today").text
    assert f'<span class="rp-truncate" title="{world.a.name}">{world.a.name}</span>' in page
