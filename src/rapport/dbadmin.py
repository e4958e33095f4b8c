"""Database administration: migrations, backup and restore (SQLite and PostgreSQL).

A backup is one ``.tar.gz``: the database (SQLite online backup, or ``pg_dump``), a manifest
(version, migration revision, workspaces, SHA-256 of each file) and the audit checkpoints of
the moment it was taken. Restore refuses anything that is not a Rapport database at a migration
revision this Rapport knows, says "damaged" for a corrupt file, keeps a safety copy of the
current database first, and can only report what it would do (``dry_run``).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import make_url, select
from sqlalchemy.exc import SQLAlchemyError

from rapport import __version__
from rapport.core import clock
from rapport.core.files import create_private
from rapport.db import get_engine, session_factory
from rapport.workspaces import checkpoints
from rapport.workspaces.models import Workspace

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
MANIFEST = "rapport-backup.json"
SQLITE_FILE, PG_FILE = "rapport.db", "rapport.dump"
ARCHIVE_MEMBERS = {MANIFEST, SQLITE_FILE, PG_FILE, checkpoints.CHECKPOINT_FILE}
# Tables the first migration creates: a database without them is not Rapport's.
CORE_TABLES = ("alembic_version", "organisation", "workspace", "user_account", "audit_event")


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.set_main_option("file_template", "%%(year)d-%%(month).2d-%%(day).2d_%%(slug)s_%%(rev)s")
    return config


def upgrade(url: str) -> None:
    command.upgrade(alembic_config(url), "head")


def current_revision(url: str) -> str | None:
    with get_engine(url).connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def known_revisions() -> set[str]:
    """Every migration revision this version of Rapport ships."""
    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return {script.revision for script in scripts.walk_revisions()}


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    return head or ""


class BackupError(Exception):
    """The backup or restore can't be done; the message says why and what to do."""


@dataclass
class BackupInfo:
    """What a backup holds, read and checked without touching the configured database."""

    path: Path
    kind: str
    version: str
    revision: str
    created_at: str
    workspaces: list[str]
    checkpoint_text: str = ""
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def needs_upgrade(self) -> bool:
        return self.revision != head_revision()


@dataclass
class RestoreResult:
    info: BackupInfo
    safety_copy: Path | None


# --- backup ------------------------------------------------------------------------------


def backup(url: str, target: Path, *, data_dir: Path | None = None) -> Path:
    """Write one archive (mode 0600). With ``data_dir``, its audit checkpoints are also appended
    to the data directory's checkpoint file, so the backup is a checkpoint in both places."""
    lines, slugs = _heads_and_workspaces(url)  # before the copy: the copy holds at least these
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        kind = _dump(url, work)
        (work / checkpoints.CHECKPOINT_FILE).write_text("".join(f"{line}\n" for line in lines))
        manifest = {
            "app": "rapport",
            "version": __version__,
            "kind": kind,
            "revision": current_revision(url),
            "created_at": clock.now().isoformat(timespec="seconds"),
            "workspaces": slugs,
            "sha256": {p.name: _sha256(p) for p in sorted(work.iterdir())},
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=1))
        with create_private(target) as out, tarfile.open(fileobj=out, mode="w:gz") as archive:
            for item in sorted(work.iterdir()):
                archive.add(item, arcname=item.name)
    if data_dir is not None:
        checkpoints.append_lines(data_dir / checkpoints.CHECKPOINT_FILE, lines)
    return target


def _dump(url: str, work: Path) -> str:
    if url.startswith("sqlite"):
        _sqlite_copy(make_url(url).database or "", str(work / SQLITE_FILE))
        return "sqlite"
    _run(["pg_dump", "--format=custom", "--no-owner", "-f", str(work / PG_FILE), _libpq(url)])
    return "postgresql"


def _heads_and_workspaces(url: str) -> tuple[list[str], list[str]]:
    """Signed checkpoints of every audit chain and the workspace slugs; empty for a database
    that has no tables yet (a fresh install)."""
    try:
        with session_factory(get_engine(url))() as session:
            taken = checkpoints.take(session, source="backup")
            slugs = list(session.scalars(select(Workspace.slug).order_by(Workspace.slug)))
    except SQLAlchemyError:
        return [], []
    return [checkpoints.to_line(c) for c in taken], slugs


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


# --- restore -----------------------------------------------------------------------------


def inspect(url: str, source: Path) -> BackupInfo:
    """Check a backup completely (what ``restore --dry-run`` reports); raises BackupError."""
    with tempfile.TemporaryDirectory() as tmp:
        return _checked_backup(url, source, Path(tmp))


def restore(url: str, source: Path, *, data_dir: Path) -> RestoreResult:
    """Replace the database with a checked backup, after a safety copy of the current one.

    The safety copy goes to ``<data_dir>/backups/before-restore-<time>.tar.gz``. The data
    directory's audit checkpoints get a signed "restore" line and the backup's own checkpoints,
    since the audit chains now legitimately end where the backup's did.
    """
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        info = _checked_backup(url, source, work)
        safety = _safety_copy(url, data_dir)
        if info.kind == "sqlite":
            _sqlite_copy(str(work / SQLITE_FILE), make_url(url).database or "")
        else:
            _pg_restore(url, work / PG_FILE)
    lines = [checkpoints.restore_line(), *info.checkpoint_text.splitlines()]
    checkpoints.append_lines(data_dir / checkpoints.CHECKPOINT_FILE, lines)
    return RestoreResult(info, safety)


def safety_copy_path(data_dir: Path) -> Path:
    stamp = clock.now().strftime("%Y%m%dT%H%M%SZ")
    return data_dir / "backups" / f"before-restore-{stamp}.tar.gz"


def _safety_copy(url: str, data_dir: Path) -> Path | None:
    if url.startswith("sqlite") and not Path(make_url(url).database or "").exists():
        return None  # nothing to keep
    target = safety_copy_path(data_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        return backup(url, target)
    except (BackupError, SQLAlchemyError, OSError, sqlite3.Error) as exc:
        raise BackupError(
            f"Could not keep a safety copy of the current database ({exc}); nothing was restored."
        ) from exc


def _checked_backup(url: str, source: Path, work: Path) -> BackupInfo:
    manifest = _open_backup(source, work)
    kind = str(manifest.get("kind"))
    if url.startswith("sqlite") != (kind == "sqlite"):
        raise BackupError(
            f"This backup is of a {kind} database; the configured database is not "
            "(RAPPORT_DATABASE_URL)."
        )
    if kind == "sqlite":
        revision, slugs = _check_sqlite(work / SQLITE_FILE)
    else:
        revision, slugs = _check_pg_dump(work / PG_FILE), list(manifest.get("workspaces", []))
    _check_revision(revision)
    checkpoint_file = work / checkpoints.CHECKPOINT_FILE
    return BackupInfo(
        path=source,
        kind=kind,
        version=str(manifest.get("version", "?")),
        revision=revision,
        created_at=str(manifest.get("created_at", "unknown")),
        workspaces=slugs,
        checkpoint_text=checkpoint_file.read_text() if checkpoint_file.exists() else "",
        manifest=manifest,
    )


def _damaged(detail: object) -> BackupError:
    return BackupError(f"The backup file is damaged: {detail}; take another backup.")


def _open_backup(source: Path, work: Path) -> dict[str, Any]:
    not_ours = f"{source} is not a Rapport backup (make one with `rapport backup`)."
    try:
        with source.open("rb") as handle:
            if handle.read(2) != b"\x1f\x8b":
                raise BackupError(not_ours)
        _check_compression(source)
        with tarfile.open(source, "r:gz") as archive:
            members = archive.getmembers()
            names = {m.name for m in members}
            if MANIFEST not in names or not names <= ARCHIVE_MEMBERS:
                raise BackupError(not_ours)
            if not all(m.isfile() for m in members):
                raise BackupError(not_ours)
            archive.extractall(work, filter="data")
    except (tarfile.TarError, zlib.error, EOFError) as exc:
        raise _damaged(exc) from exc
    except OSError as exc:
        raise BackupError(f"Could not read {source}: {exc.strerror or exc}.") from exc
    manifest = _read_manifest(work, not_ours)
    _check_digests(work, manifest)
    return manifest


def _check_compression(source: Path) -> None:
    """Read the whole gzip stream once: a flipped byte fails its CRC here, not half-way."""
    try:
        with gzip.open(source, "rb") as stream:
            while stream.read(1 << 20):
                pass
    except (gzip.BadGzipFile, zlib.error, EOFError) as exc:
        raise _damaged(exc) from exc


def _read_manifest(work: Path, not_ours: str) -> dict[str, Any]:
    try:
        manifest = json.loads((work / MANIFEST).read_text())
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(not_ours) from exc
    if not isinstance(manifest, dict) or manifest.get("app") != "rapport":
        raise BackupError(not_ours)
    expected = SQLITE_FILE if manifest.get("kind") == "sqlite" else PG_FILE
    if manifest.get("kind") not in ("sqlite", "postgresql") or not (work / expected).exists():
        raise BackupError(not_ours)
    return manifest


def _check_digests(work: Path, manifest: dict[str, Any]) -> None:
    """Backups from before digests were recorded have none; newer ones must match."""
    digests = manifest.get("sha256") or {}
    for name, expected in digests.items():
        path = work / str(name)
        if not path.exists() or _sha256(path) != expected:
            raise _damaged(f"{name} does not match the checksum in its manifest")


def _check_sqlite(path: Path) -> tuple[str, list[str]]:
    """The migration revision and workspaces of a SQLite file that must be Rapport's."""
    try:
        with sqlite3.connect(path) as conn:
            if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise _damaged("its database fails SQLite's integrity check")
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            _check_tables(tables)
            revisions = [r[0] for r in conn.execute("SELECT version_num FROM alembic_version")]
            slugs = [r[0] for r in conn.execute("SELECT slug FROM workspace ORDER BY slug")]
    except sqlite3.DatabaseError as exc:
        raise _damaged(f"its database can't be read ({exc})") from exc
    if len(revisions) != 1:
        raise BackupError(_not_rapport("it has no single migration revision"))
    return str(revisions[0]), [str(s) for s in slugs]


def _not_rapport(why: str) -> str:
    return f"The database in this backup is not Rapport's: {why}. Nothing was restored."


def _check_tables(tables: set[str]) -> None:
    missing = [t for t in CORE_TABLES if t not in tables]
    if missing:
        raise BackupError(_not_rapport(f"it lacks the tables {', '.join(missing)}"))


def _check_pg_dump(path: Path) -> str:
    """Read the dump's table of contents and its alembic_version row without restoring it."""
    listing = _run(["pg_restore", "--list", str(path)])
    tables = set(re.findall(r"\bTABLE \S+ (\w+) ", listing))
    _check_tables(tables)
    data = _run(["pg_restore", "--data-only", "--table=alembic_version", "-f", "-", str(path)])
    match = re.search(r"^COPY \S*alembic_version .*?FROM stdin;\n(.*?)\n\\\.", data, re.M | re.S)
    rows = match.group(1).split("\n") if match and match.group(1) else []
    if len(rows) != 1:
        raise BackupError(_not_rapport("it has no single migration revision"))
    return rows[0].strip()


def _check_revision(revision: str) -> None:
    if revision not in known_revisions():
        raise BackupError(
            f"The database in this backup is at migration revision {revision}, which this "
            f"Rapport ({__version__}) does not know: restore it with the Rapport version that "
            "made it (or a newer one). Nothing was restored."
        )


def _pg_restore(url: str, dump: Path) -> None:
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "-d", _libpq(url), str(dump)])


def _sqlite_copy(source_path: str, dest_path: str) -> None:
    """SQLite's online backup API: consistent while others read or write, in both directions."""
    if not Path(dest_path).exists():
        os.close(os.open(dest_path, os.O_WRONLY | os.O_CREAT, 0o600))
    source = sqlite3.connect(source_path)
    dest = sqlite3.connect(dest_path)
    try:
        source.backup(dest)
    finally:
        dest.close()
        source.close()


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _run(args: list[str]) -> str:
    if shutil.which(args[0]) is None:
        raise BackupError(f"{args[0]} is not installed: install the PostgreSQL client tools.")
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{args[0]} failed: {result.stderr.strip()[:500]}")
    return result.stdout
