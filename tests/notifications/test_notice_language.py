"""Notifications are stored as a message code with parameters and shown (and emailed) in each
reader's language; rows stored before codes existed keep their text."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from rapport.notifications import notice_text, notify, notify_message
from tests.conftest import World, sign_in


def _invitation_notice(db: Session, world: World, **extra: object) -> object:
    return notify_message(
        db,
        user_ids=[world.alice.id],
        kind="workspaces.invitation",
        message="invitation_sent",
        params={"email": "e.jansen@example.com", "workspace": "Workspace A"},
        link="/w/ws-a/settings/team",
        workspace_id=world.a.id,
        **extra,  # type: ignore[arg-type]
    )


def test_the_same_notice_reads_in_each_readers_language(db: Session, world: World) -> None:
    result = _invitation_notice(db, world, email_via="none")
    [row] = result.notifications  # type: ignore[attr-defined]
    assert row.message == "invitation_sent" and row.params["email"] == "e.jansen@example.com"
    assert row.title == "Invitation sent to e.jansen@example.com"  # English kept for the API
    assert notice_text(row, "nl").title == "Uitnodiging verstuurd naar e.jansen@example.com"
    assert notice_text(row, "nl").body == "De uitnodiging voor Workspace A werkt 7 dagen."


def test_the_email_is_written_in_the_recipients_language(db: Session, world: World) -> None:
    world.alice.locale = "nl"
    result = _invitation_notice(db, world, email_via="caller")
    [email] = result.emails  # type: ignore[attr-defined]
    assert email.subject == "Uitnodiging verstuurd naar e.jansen@example.com"
    assert "Kies in uw instellingen welke meldingen u ontvangt." in email.body_text


def test_a_dutch_reader_sees_the_centre_in_dutch_and_old_rows_as_stored(
    client: TestClient, db: Session, world: World
) -> None:
    notify(
        db,
        user_ids=[world.alice.id],
        kind="workspaces.invitation",
        title="An old notice stored as text",
        body="Kept as it was.",
        email_via="none",
    )
    _invitation_notice(db, world, email_via="none")
    world.alice.locale = "nl"
    db.commit()
    sign_in(client, "alice@example.com")
    page = client.get("/notifications").text
    assert "Uitnodiging verstuurd naar e.jansen@example.com" in page
    assert "Invitation sent to" not in page
    assert "An old notice stored as text" in page


def test_the_403_page_speaks_the_readers_language(
    client: TestClient, db: Session, world: World
) -> None:
    world.bob.locale = "nl"
    db.commit()
    sign_in(client, "bob@example.com")
    page = client.get("/w/ws-a/settings/audit")
    assert page.status_code == 403
    assert (
        "Uw rol (Redacteur) mag dit niet: De audittrail lezen en exporteren. Vraag het een eigenaar van Workspace A."
        in page.text
    )
    assert "Your role" not in page.text
    api = client.get("/w/ws-a/settings/audit", headers={"accept": "application/json"})
    assert "Your role (Editor) may not do this" in api.json()["detail"]


def test_the_api_gives_the_notice_in_the_readers_language(
    client: TestClient, db: Session, world: World
) -> None:
    _invitation_notice(db, world, email_via="none")
    world.alice.locale = "nl"
    db.commit()
    sign_in(client, "alice@example.com")
    [item] = client.get("/api/v1/notifications").json()["items"]
    assert item["title"] == "Uitnodiging verstuurd naar e.jansen@example.com"
