"""The migrations build exactly the tables the models describe, on both backends."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import JSON, Connection, column, create_engine, insert, select, table, text, update
from sqlalchemy.orm import Session

from rapport import dbadmin
from rapport.db import Base, UTCDateTime, make_engine
from rapport.models import import_all_models
from rapport.workspaces import audit
from rapport.workspaces.models import AuditEvent
from tests.conftest import BACKENDS, _postgres_url


@pytest.fixture(params=BACKENDS)
def empty_database_url(request: pytest.FixtureRequest, tmp_path):  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    base = _postgres_url()
    name = f"rapport_mig_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield base.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_models_and_migrations_agree(empty_database_url: str) -> None:
    import_all_models()
    dbadmin.upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
        )
    engine.dispose()
    assert diff == [], "run: rapport db revision (see README) — models changed without a migration"


def _legacy_event(workspace_id: int, seq: int, prev: str, action: str) -> dict[str, object]:
    """An event as Rapport wrote it before audit keys: a public, unkeyed SHA-256 chain."""
    created = datetime(2026, 11, 1, 9, seq, tzinfo=UTC)
    fields = [workspace_id, seq, created.isoformat(timespec="microseconds"), None, "system",
              action, "", "", {}, prev]  # fmt: skip
    digest = hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()).hexdigest()
    return {
        "workspace_id": workspace_id, "seq": seq, "created_at": created, "actor_id": None,
        "actor_label": "system", "action": action, "object_type": "", "object_id": "",
        "summary": {}, "prev_hash": prev, "hash": digest,
    }  # fmt: skip


def _old_workspace(conn: Connection, slug: str) -> int:
    """A workspace as revision 0001 stores it (plain tables: today's models may have more)."""
    now = datetime(2026, 11, 1, tzinfo=UTC)
    stamps = {"created_at": now, "updated_at": now}
    org = table("organisation", *(column(c) for c in ("id", "name", "slug", "require_totp",
                                                        "created_at", "updated_at")))  # fmt: skip
    org_id = conn.execute(
        insert(org).values(name=slug, slug=slug, require_totp=False, **stamps).returning(org.c.id)
    ).scalar_one()
    fields = ("organisation_id", "name", "slug", "timezone", "locale", "practice_type", "phone",
              "email", "address", "website", "opening_hours", "require_approval", "created_at",
              "updated_at")  # fmt: skip
    ws = table("workspace", column("id"), *(column(c) for c in fields))
    values = dict.fromkeys(fields[5:11], "")
    return int(
        conn.execute(
            insert(ws)
            .values(
                organisation_id=org_id,
                name=slug,
                slug=slug,
                timezone="UTC",
                locale="en",
                require_approval=True,
                **values,
                **stamps,
            )
            .returning(ws.c.id)
        ).scalar_one()
    )


def test_the_migration_signs_intact_legacy_chains_and_leaves_tampered_ones_unkeyed(
    empty_database_url: str,
) -> None:
    import_all_models()
    command.upgrade(dbadmin.alembic_config(empty_database_url), "0001")
    engine = make_engine(empty_database_url)
    types = {"summary": JSON(), "created_at": UTCDateTime()}
    names = _legacy_event(0, 1, "", "").keys()
    old_events = table("audit_event", *(column(c, types.get(c)) for c in names))
    with engine.begin() as conn:
        good, bad = _old_workspace(conn, "good"), _old_workspace(conn, "bad")
        for workspace_id in (good, bad):
            prev = "0" * 64
            for seq in (1, 2, 3):
                row = _legacy_event(workspace_id, seq, prev, f"thing.{seq}")
                conn.execute(insert(old_events).values(**row))
                prev = str(row["hash"])
        conn.execute(
            update(old_events)
            .where(old_events.c.workspace_id == bad, old_events.c.seq == 2)
            .values(actor_label="mallory")
        )
    dbadmin.upgrade(empty_database_url)
    with Session(engine) as session:
        assert audit.verify_chain(session, workspace_id=good) is None
        keys = set(
            session.scalars(select(AuditEvent.key_id).where(AuditEvent.workspace_id == good))
        )
        assert keys == {audit.current_key().key_id}
        problem = audit.verify_chain(session, workspace_id=bad)
        assert problem is not None and problem.seq == 1 and "not signed" in problem.reason
    engine.dispose()
