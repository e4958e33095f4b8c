"""Database administration: migrations, backup and restore (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import make_url

from rapport import __version__
from rapport.db import get_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
MANIFEST = "rapport-backup.json"


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


class BackupError(Exception):
    """The backup or restore can't be done; the message says why and what to do."""


def backup(url: str, target: Path) -> Path:
    """Write one archive: the database (SQLite online backup or pg_dump) and a manifest."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if url.startswith("sqlite"):
            _sqlite_backup(url, work / "rapport.db")
            kind = "sqlite"
        else:
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "-f",
                    str(work / "rapport.dump"),
                    _libpq(url),
                ]
            )
            kind = "postgresql"
        manifest = {
            "app": "rapport",
            "version": __version__,
            "kind": kind,
            "revision": current_revision(url),
        }
        (work / MANIFEST).write_text(json.dumps(manifest))
        with tarfile.open(target, "w:gz") as archive:
            for item in work.iterdir():
                archive.add(item, arcname=item.name)
    return target


def restore(url: str, source: Path) -> dict[str, str]:
    """Replace the database with a backup; refuses anything that is not a Rapport backup."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        manifest = _open_backup(source, work)
        if url.startswith("sqlite") != (manifest["kind"] == "sqlite"):
            raise BackupError(
                f"This backup is for {manifest['kind']}; the configured database is not."
            )
        if manifest["kind"] == "sqlite":
            _sqlite_copy(str(work / "rapport.db"), make_url(url).database or "")
        else:
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "-d",
                    _libpq(url),
                    str(work / "rapport.dump"),
                ]
            )
        return manifest


def _open_backup(source: Path, work: Path) -> dict[str, str]:
    not_ours = f"{source} is not a Rapport backup (make one with `rapport backup`)."
    try:
        with tarfile.open(source, "r:gz") as archive:
            names = archive.getnames()
            if MANIFEST not in names or any(n.startswith(("/", "..")) for n in names):
                raise BackupError(not_ours)
            archive.extractall(work, filter="data")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(not_ours) from exc
    try:
        manifest = json.loads((work / MANIFEST).read_text())
    except ValueError as exc:
        raise BackupError(not_ours) from exc
    expected = "rapport.db" if manifest.get("kind") == "sqlite" else "rapport.dump"
    if manifest.get("app") != "rapport" or not (work / expected).exists():
        raise BackupError(not_ours)
    if manifest["kind"] == "sqlite":
        _check_sqlite(work / "rapport.db", not_ours)
    return {str(k): str(v) for k, v in manifest.items()}


def _check_sqlite(path: Path, message: str) -> None:
    try:
        with sqlite3.connect(path) as conn:
            if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(message + " Its database is damaged.")
            conn.execute("SELECT count(*) FROM workspace").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(message) from exc


def _sqlite_backup(url: str, target: Path) -> None:
    _sqlite_copy(make_url(url).database or "", str(target))


def _sqlite_copy(source_path: str, dest_path: str) -> None:
    """SQLite's online backup API: consistent while others read or write, in both directions."""
    source = sqlite3.connect(source_path)
    dest = sqlite3.connect(dest_path)
    try:
        source.backup(dest)
    finally:
        dest.close()
        source.close()


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _run(args: list[str]) -> None:
    if shutil.which(args[0]) is None:
        raise BackupError(f"{args[0]} is not installed: install the PostgreSQL client tools.")
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{args[0]} failed: {result.stderr.strip()[:500]}")
