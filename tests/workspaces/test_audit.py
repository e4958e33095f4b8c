from __future__ import annotations

from sqlalchemy import delete, update

from rapport.workspaces import audit
from rapport.workspaces.models import AuditEvent
from tests.conftest import World, sign_in


def test_an_intact_chain_verifies(db, world: World) -> None:
    assert audit.verify_chain(db, workspace_id=world.a.id) is None


def test_an_altered_event_is_named(db, world: World) -> None:
    db.execute(
        update(AuditEvent)
        .where(AuditEvent.workspace_id == world.a.id, AuditEvent.seq == 2)
        .values(actor_label="mallory")
    )
    problem = audit.verify_chain(db, workspace_id=world.a.id)
    assert problem is not None and problem.seq == 2 and "altered" in problem.reason


def test_a_deleted_event_is_named(db, world: World) -> None:
    db.execute(delete(AuditEvent).where(AuditEvent.workspace_id == world.a.id, AuditEvent.seq == 2))
    problem = audit.verify_chain(db, workspace_id=world.a.id)
    assert problem is not None and problem.seq == 2 and "deleted" in problem.reason


def test_chains_are_kept_per_workspace(db, world: World) -> None:
    seqs_b = [
        e.seq
        for e in audit.list_events(db, workspace_id=world.b.id, filters=audit.AuditFilter())[0]
    ]
    assert sorted(seqs_b) == list(range(1, len(seqs_b) + 1))


def test_the_audit_page_filters_and_exports_csv(client, world: World) -> None:
    sign_in(client, "alice@example.com")
    page = client.get("/w/ws-a/settings/audit?kind=member.")
    assert (
        page.status_code == 200
        and "added bob@example.com as Editor" in page.text
        and "created the workspace" not in page.text
    )
    csv = client.get("/w/ws-a/settings/audit.csv?kind=member.")
    assert csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.strip().splitlines()
    assert lines[0].startswith("seq,time_utc,actor,action") and all(
        ",member." in line for line in lines[1:]
    )


def test_an_editor_cannot_read_the_audit_trail(client, world: World) -> None:
    sign_in(client, "bob@example.com")
    assert client.get("/w/ws-a/settings/audit").status_code == 403
