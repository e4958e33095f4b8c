"""The audit trail read by people: sentences in the reader's language, names instead of ids,
links to what changed, filters chosen from lists, and a CSV that keeps the raw fields."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from rapport.core import clock
from rapport.guard import policy as policies
from rapport.workspaces import access, service
from tests.conftest import World, sign_in


def _history(db: Session, world: World) -> None:
    access.invite(
        db, workspace=world.a, email="e.jansen@example.com", role="editor", actor=world.alice
    )
    service.change_role(
        db, workspace=world.a, user_id=world.bob.id, role="approver", actor=world.alice
    )
    policies.update_policy(
        db,
        workspace=world.a,
        actor=world.bob,
        severities={"patient_story": "block"},
        allow_terms=["Open Day"],
        deny_terms=[],
    )
    db.commit()


def test_events_read_as_sentences_with_names_and_links(
    client: TestClient, db: Session, world: World
) -> None:
    _history(db, world)
    sign_in(client, "alice@example.com")
    page = client.get("/w/ws-a/settings/audit").text
    assert "Alice invited e.jansen@example.com as Editor" in page
    assert "Alice changed the role of bob@example.com from Editor to Approver" in page
    assert "Bob changed the guard policy: Story about a specific patient now blocks" in page
    assert "“Open Day” now always allowed" in page
    assert 'href="/w/ws-a/settings/team"' in page and 'href="/w/ws-a/guard/policy"' in page
    for code in ("member.invited", "guard.policy_changed", "user 2"):
        assert code not in page


def test_a_dutch_reader_reads_dutch_sentences(
    client: TestClient, db: Session, world: World
) -> None:
    _history(db, world)
    world.alice.locale = "nl"
    db.commit()
    sign_in(client, "alice@example.com")
    page = client.get("/w/ws-a/settings/audit").text
    assert "Alice nodigde e.jansen@example.com uit als Redacteur" in page
    assert "Verhaal over een specifieke patiënt blokkeert nu" in page
    assert "invited" not in page and "member.invited" not in page


def test_filters_come_from_lists_of_people_kinds_and_dates(
    client: TestClient, db: Session, world: World
) -> None:
    _history(db, world)
    sign_in(client, "alice@example.com")
    page = client.get("/w/ws-a/settings/audit").text
    assert '<option value="bob@example.com">Bob</option>' in page
    assert '<option value="guard.">Compliance guard</option>' in page
    by_bob = client.get("/w/ws-a/settings/audit?person=bob@example.com").text
    assert "Bob changed the guard policy" in by_bob and "Alice invited" not in by_bob
    team = client.get("/w/ws-a/settings/audit?kind=member.").text
    assert "Alice invited" in team and "guard policy" not in team
    yesterday = (clock.now() - timedelta(days=1)).date().isoformat()
    today = clock.to_local(clock.now(), world.a.timezone).date().isoformat()
    assert "No events" in client.get(f"/w/ws-a/settings/audit?until={yesterday}").text
    assert "Alice invited" in client.get(f"/w/ws-a/settings/audit?since={today}&until={today}").text
    bad = client.get("/w/ws-a/settings/audit?since=31-02-2026")
    assert bad.status_code == 200 and "Choose a date from the calendar." in bad.text


def test_the_csv_keeps_raw_fields_and_adds_the_sentence(
    client: TestClient, db: Session, world: World
) -> None:
    _history(db, world)
    sign_in(client, "alice@example.com")
    rows = list(
        csv.DictReader(io.StringIO(client.get("/w/ws-a/settings/audit.csv?kind=member.").text))
    )
    invited = next(r for r in rows if r["action"] == "member.invited")
    assert invited["actor"] == "alice@example.com" and invited["object_type"] == "invitation"
    assert '"role": "editor"' in invited["summary"]
    assert invited["sentence"] == "Alice invited e.jansen@example.com as Editor"
