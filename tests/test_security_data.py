"""Security of what Rapport keeps: the audit trail shows trimming and rewriting, restore only
takes a sound Rapport backup, files are the owner's alone. Run on SQLite and PostgreSQL, through
the real `rapport` command against a migrated database (committed data, like a user's)."""

from __future__ import annotations

import hashlib
import json
import stat
import tarfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, delete, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from rapport import dbadmin
from rapport.cli import app
from rapport.config import get_settings
from rapport.db import make_engine, session_factory, unit_of_work
from rapport.jobs import Worker, enqueue
from rapport.workspaces import audit, checkpoints
from rapport.workspaces.models import AuditEvent, Workspace
from tests.conftest import BACKENDS, _postgres_url

runner = CliRunner()
WS = "lakeside-madison"


@dataclass
class Installation:
    data_dir: Path
    url: str
    engine: Engine
    backend: str

    def workspace_id(self, slug: str = WS) -> int:
        with Session(self.engine) as session:
            return session.scalars(select(Workspace.id).where(Workspace.slug == slug)).one()

    def events(self, workspace_id: int) -> int:
        with Session(self.engine) as session:
            query = select(AuditEvent).where(AuditEvent.workspace_id == workspace_id)
            return len(session.scalars(query).all())


def rapport(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


@pytest.fixture(params=BACKENDS)
def installation(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Installation]:
    """A data directory and a migrated database holding the demo practice."""
    data_dir = tmp_path / "data"
    monkeypatch.setenv("RAPPORT_DATA_DIR", str(data_dir))
    monkeypatch.setenv("RAPPORT_SECRET_KEY", "test-secret-key-that-is-long-enough-for-fernet")
    admin, name = None, ""
    if request.param == "postgres":
        name = f"rapport_sec_{uuid.uuid4().hex[:8]}"
        admin = create_engine(_postgres_url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = _postgres_url().rsplit("/", 1)[0] + "/" + name
        monkeypatch.setenv("RAPPORT_DATABASE_URL", url)
    else:
        monkeypatch.delenv("RAPPORT_DATABASE_URL", raising=False)
        url = f"sqlite:///{(data_dir / 'rapport.db').resolve()}"
    get_settings.cache_clear()
    audit.configure_key(get_settings().ensure_secret_key())
    code, out = rapport("demo")
    assert code == 0, out
    engine = make_engine(url)
    yield Installation(data_dir, url, engine, request.param)
    engine.dispose()
    get_settings.cache_clear()
    if admin is not None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _checkpoint_now(inst: Installation) -> None:
    """What the worker does every ten minutes: the ``audit.checkpoint`` periodic job."""
    factory = session_factory(inst.engine)
    with unit_of_work(factory) as session:
        enqueue(session, kind="audit.checkpoint")
    assert Worker(factory, run_schedules=False).run_until_empty() >= 1
    assert (inst.data_dir / checkpoints.CHECKPOINT_FILE).exists()


def _trim(inst: Installation, workspace_id: int, count: int) -> int:
    """Delete the newest ``count`` events; returns the new head's seq."""
    with inst.engine.begin() as conn:
        head = conn.execute(
            select(AuditEvent.seq)
            .where(AuditEvent.workspace_id == workspace_id)
            .order_by(AuditEvent.seq.desc())
        ).first()
        assert head is not None and head[0] > count
        conn.execute(
            delete(AuditEvent).where(
                AuditEvent.workspace_id == workspace_id, AuditEvent.seq > head[0] - count
            )
        )
        return int(head[0] - count)


# --- 8: the audit trail shows trimming and rewriting -----------------------------------


def test_deleting_the_newest_audit_events_shows_against_the_periodic_checkpoint(
    installation: Installation,
) -> None:
    _checkpoint_now(installation)
    assert rapport("audit", "verify")[0] == 0
    head = _trim(installation, installation.workspace_id(), 2)
    code, out = rapport("audit", "verify")
    assert code == 1 and "BROKEN" in out and WS in out
    assert f"event {head + 1} is missing" in " ".join(out.split())
    assert f"events after {head} were deleted" in " ".join(out.split())


def _rewrite_with_public_hashes(inst: Installation, workspace_id: int, key_id: str) -> None:
    """What the outside review did: alter an event, then recompute every hash with the public,
    unkeyed SHA-256 rule so that the links hold again."""
    with Session(inst.engine) as session:
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.workspace_id == workspace_id)
            .order_by(AuditEvent.seq)
        ).all()
        events[2].actor_label = "mallory@evil.example"
        prev = audit.GENESIS
        for event in events:
            event.prev_hash, event.key_id = prev, key_id
            event.hash = hashlib.sha256(audit._payload(event).encode()).hexdigest()
            prev = event.hash
        session.commit()


@pytest.mark.parametrize("claimed_key", ["", "real"])
def test_rewriting_an_event_and_recomputing_public_hashes_shows(
    installation: Installation, claimed_key: str
) -> None:
    key_id = audit.current_key().key_id if claimed_key == "real" else ""
    _rewrite_with_public_hashes(installation, installation.workspace_id(), key_id)
    code, out = rapport("audit", "verify", "--workspace", WS)
    assert code == 1 and "BROKEN" in out and "event 1" in out, out
    assert ("not signed" if not key_id else "altered") in out


def test_somebody_with_the_key_who_rewrites_history_is_caught_by_a_checkpoint(
    installation: Installation,
) -> None:
    """The keyed chain can be recomputed by whoever has the secret key and the database; a
    checkpoint kept outside the database (here: a backup kept elsewhere) bounds that."""
    outside = installation.data_dir.parent / "kept-elsewhere.tar.gz"
    assert rapport("backup", str(outside))[0] == 0
    workspace_id = installation.workspace_id()
    with Session(installation.engine) as session:
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.workspace_id == workspace_id)
            .order_by(AuditEvent.seq)
        ).all()
        events[1].summary = {"forged": True}
        prev = audit.GENESIS
        for event in events:
            event.prev_hash = prev
            event.hash = audit._digest(event, audit.current_key())
            prev = event.hash
        session.commit()
    (installation.data_dir / checkpoints.CHECKPOINT_FILE).unlink()  # and wipes the local ones
    code, out = rapport("audit", "verify", "--workspace", WS)
    assert code == 0 and "no checkpoints yet" in " ".join(out.split())
    code, out = rapport("audit", "verify", "--workspace", WS, "--checkpoints", str(outside))
    assert code == 1 and "differs from the backup checkpoint" in " ".join(out.split()), out


def test_a_forged_checkpoint_line_is_reported(installation: Installation) -> None:
    _checkpoint_now(installation)
    path = installation.data_dir / checkpoints.CHECKPOINT_FILE
    lines = path.read_text().splitlines()
    forged = json.loads(lines[0])
    forged["seq"] = 1
    path.write_text("\n".join([json.dumps(forged), *lines[1:]]) + "\n")
    code, out = rapport("audit", "verify")
    assert code == 1 and "line 1" in out and "not a checkpoint signed" in " ".join(out.split())


def test_backups_and_exports_carry_a_checkpoint(installation: Installation) -> None:
    backup, export = installation.data_dir / "b.tar.gz", installation.data_dir / "e.zip"
    assert rapport("backup", str(backup))[0] == 0
    assert rapport("export", "--workspace", WS, "--out", str(export))[0] == 0
    workspace_id = installation.workspace_id()
    for archive in (backup, export):
        log = checkpoints.load_any(archive)
        latest = log.latest(workspace_id)
        assert latest is not None and latest.seq == installation.events(workspace_id)
    _trim(installation, workspace_id, 1)
    (installation.data_dir / checkpoints.CHECKPOINT_FILE).unlink()
    code, out = rapport("audit", "verify", "--checkpoints", str(export))
    assert code == 1 and "export checkpoint" in " ".join(out.split())


def test_resetting_the_demo_starts_new_chains_without_a_false_alarm(
    installation: Installation,
) -> None:
    """The reset deletes the demo workspaces and makes new ones (SQLite may reuse their ids):
    their old checkpoints are void, and the new chains still verify against new ones."""
    assert rapport("backup", str(installation.data_dir / "before.tar.gz"))[0] == 0
    assert rapport("demo")[0] == 0
    code, out = rapport("audit", "verify")
    assert code == 0, out
    _checkpoint_now(installation)
    _trim(installation, installation.workspace_id(), 1)
    assert rapport("audit", "verify")[0] == 1


# --- 10: restore is careful ------------------------------------------------------------


def _lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.strip()]


def test_a_backup_with_flipped_bytes_is_called_damaged_in_two_lines(
    installation: Installation,
) -> None:
    backup = installation.data_dir / "b.tar.gz"
    assert rapport("backup", str(backup))[0] == 0
    data = bytearray(backup.read_bytes())
    for offset in (len(data) // 3, len(data) // 2):
        data[offset] ^= 0x5A
    backup.write_bytes(bytes(data))
    code, out = rapport("restore", str(backup), "--yes")
    assert code == 1 and "Traceback" not in out and len(_lines(out)) <= 2, out
    assert "The backup file is damaged" in out and "take another backup" in " ".join(out.split())
    assert installation.events(installation.workspace_id()) > 0


def _foreign_archive(inst: Installation, target: Path) -> None:
    """What the outside review restored: a manifest and a database that merely has a
    ``workspace`` table."""
    work = target.parent / "foreign"
    work.mkdir()
    if inst.backend == "sqlite":
        import sqlite3

        with sqlite3.connect(work / "rapport.db") as conn:
            conn.execute("CREATE TABLE workspace (id INTEGER PRIMARY KEY, slug TEXT)")
        name, kind = "rapport.db", "sqlite"
    else:
        other = f"rapport_foreign_{uuid.uuid4().hex[:8]}"
        admin = create_engine(_postgres_url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{other}"'))
        url = _postgres_url().rsplit("/", 1)[0] + "/" + other
        foreign = create_engine(url)
        with foreign.begin() as conn:
            conn.execute(text("CREATE TABLE workspace (id INTEGER PRIMARY KEY, slug TEXT)"))
        foreign.dispose()
        dbadmin._run(["pg_dump", "--format=custom", "-f", str(work / "rapport.dump"),
                      dbadmin._libpq(url)])  # fmt: skip
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{other}" WITH (FORCE)'))
        admin.dispose()
        name, kind = "rapport.dump", "postgresql"
    (work / dbadmin.MANIFEST).write_text(json.dumps({"app": "rapport", "kind": kind}))
    with tarfile.open(target, "w:gz") as archive:
        for item in (name, dbadmin.MANIFEST):
            archive.add(work / item, arcname=item)


def test_restore_refuses_a_database_that_is_not_rapports(installation: Installation) -> None:
    bogus = installation.data_dir / "foreign.tar.gz"
    _foreign_archive(installation, bogus)
    code, out = rapport("restore", str(bogus), "--yes")
    flat = " ".join(out.split())
    assert code == 1 and "not Rapport's" in flat and "alembic_version" in flat, out
    assert "Traceback" not in out
    code, out = rapport("workspace", "list", "--json")
    assert code == 0 and len(json.loads(out)) == 2, "the server's database is untouched"


def test_restore_refuses_an_unknown_migration_revision(installation: Installation) -> None:
    backup = installation.data_dir / "b.tar.gz"
    with installation.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'fromthefuture'"))
    assert rapport("backup", str(backup))[0] == 0
    with installation.engine.begin() as conn:
        conn.execute(text(f"UPDATE alembic_version SET version_num = '{dbadmin.head_revision()}'"))
    code, out = rapport("restore", str(backup), "--yes")
    assert code == 1 and "fromthefuture" in out and "does not know" in " ".join(out.split())


def test_dry_run_reports_and_restore_keeps_a_safety_copy(installation: Installation) -> None:
    backup = installation.data_dir / "b.tar.gz"
    assert rapport("backup", str(backup))[0] == 0
    with installation.engine.begin() as conn:
        conn.execute(delete(Workspace).where(Workspace.slug == "lakeside-utrecht"))
    code, out = rapport("restore", str(backup), "--dry-run")
    flat = " ".join(out.split())
    assert (
        code == 0 and "lakeside-madison, lakeside-utrecht" in flat and "nothing was changed" in flat
    )
    assert f"migration revision {dbadmin.head_revision()}" in flat
    assert len(json.loads(rapport("workspace", "list", "--json")[1])) == 1, "dry run changed it"
    assert not (installation.data_dir / "backups").exists()

    code, out = rapport("restore", str(backup), "--yes")
    assert code == 0, out
    [safety] = (installation.data_dir / "backups").glob("before-restore-*.tar.gz")
    assert f"Safety copy of the database as it was: {safety}" in " ".join(out.split())
    assert dbadmin.inspect(installation.url, safety).workspaces == ["lakeside-madison"]
    assert len(json.loads(rapport("workspace", "list", "--json")[1])) == 2
    assert rapport("audit", "verify")[0] == 0, "a restore moves the checkpoints back with it"


# --- 12: files are the owner's ---------------------------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_data_directory_database_backups_and_exports_are_owner_only(
    installation: Installation,
) -> None:
    data_dir = installation.data_dir
    backup, export = data_dir / "b.tar.gz", data_dir.parent / "export.zip"
    assert rapport("backup", str(backup))[0] == 0
    assert rapport("export", "--workspace", WS, "--out", str(export))[0] == 0
    assert _mode(data_dir) == 0o700
    private = [backup, export, data_dir / checkpoints.CHECKPOINT_FILE]
    if installation.backend == "sqlite":
        with installation.engine.connect() as conn:  # WAL and SHM exist while it is open
            conn.execute(text("SELECT count(*) FROM workspace"))
            private += [
                data_dir / "rapport.db",
                data_dir / "rapport.db-wal",
                data_dir / "rapport.db-shm",
            ]
            assert {p.name: oct(_mode(p)) for p in private} == {p.name: "0o600" for p in private}
    else:
        assert {p.name: oct(_mode(p)) for p in private} == {p.name: "0o600" for p in private}


def test_files_left_world_readable_are_tightened_at_start(installation: Installation) -> None:
    data_dir = installation.data_dir
    old = data_dir / "backups" / "old.tar.gz"
    old.parent.mkdir(mode=0o755)
    old.write_bytes(b"x")
    for path, mode in ((data_dir, 0o755), (old.parent, 0o755), (old, 0o644)):
        path.chmod(mode)
    if installation.backend == "sqlite":
        (data_dir / "rapport.db").chmod(0o644)
    assert rapport("workspace", "list")[0] == 0
    assert (_mode(data_dir), _mode(old.parent), _mode(old)) == (0o700, 0o700, 0o600)
    if installation.backend == "sqlite":
        assert _mode(data_dir / "rapport.db") == 0o600


def test_a_newly_created_sqlite_database_is_owner_only_whatever_the_umask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    monkeypatch.setenv("RAPPORT_DATA_DIR", str(tmp_path / "fresh"))
    monkeypatch.delenv("RAPPORT_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    previous = os.umask(0o022)
    try:
        assert rapport("db", "upgrade")[0] == 0
    finally:
        os.umask(previous)
        get_settings.cache_clear()
    assert _mode(tmp_path / "fresh") == 0o700 and _mode(tmp_path / "fresh" / "rapport.db") == 0o600


def test_stored_key_ids_and_checkpoints_never_reveal_the_key(installation: Installation) -> None:
    _checkpoint_now(installation)
    key = audit.current_key()
    with Session(installation.engine) as session:
        stored = set(session.scalars(select(AuditEvent.key_id)))
    assert stored == {key.key_id}
    written = (installation.data_dir / checkpoints.CHECKPOINT_FILE).read_text()
    assert key.secret.hex() not in written and get_settings().secret_key not in written
