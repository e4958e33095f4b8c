"""Owner-only files: the data directory is 0700 and what Rapport writes in it is 0600.

The database holds password hashes and the data directory the secret key, so neither may be
readable by other users of the machine. Modes are set explicitly at creation (whatever the
umask), and ``secure_data_dir`` tightens files left by older versions at start-up.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

DIR_MODE = 0o700
FILE_MODE = 0o600
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


@contextmanager
def create_private(path: Path) -> Iterator[BinaryIO]:
    """Open ``path`` for writing (truncating it), readable and writable by the owner only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    os.fchmod(fd, FILE_MODE)  # an existing file keeps its old mode through O_CREAT
    with os.fdopen(fd, "wb") as handle:
        yield handle


def make_private_dir(path: Path) -> None:
    """Create ``path`` (and any missing parents) 0700; an existing ``path`` is tightened."""
    if not path.exists():
        if not path.parent.exists():
            make_private_dir(path.parent)
        path.mkdir(mode=DIR_MODE, exist_ok=True)
    _tighten(path, DIR_MODE)


def secure_data_dir(data_dir: Path, *, database: Path | None = None) -> int:
    """Make the data directory 0700 and everything under it owner-only; create the SQLite
    database file 0600 before SQLite does (its WAL and SHM files then take that mode).
    Returns how many modes were changed."""
    make_private_dir(data_dir)
    changed = 0
    for root, dirs, files in os.walk(data_dir):
        for name in dirs:
            changed += _tighten(Path(root) / name, DIR_MODE)
        for name in files:
            changed += _tighten(Path(root) / name, FILE_MODE)
    if database is not None:
        changed += secure_database_file(database)
    return changed


def secure_database_file(database: Path) -> int:
    """The SQLite file and its side files (WAL, SHM, journal), 0600; created if missing."""
    database.parent.mkdir(parents=True, exist_ok=True)
    if not database.exists():
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT, FILE_MODE))
    changed = _tighten(database, FILE_MODE)
    for suffix in SQLITE_SIDE_FILES:
        side = database.with_name(database.name + suffix)
        if side.exists():
            changed += _tighten(side, FILE_MODE)
    return changed


def _tighten(path: Path, mode: int) -> int:
    """Remove group and other permissions; symlinks are left alone. Returns 1 when changed."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return 0
    if stat.S_ISLNK(info.st_mode) or stat.S_IMODE(info.st_mode) & 0o077 == 0:
        return 0
    path.chmod(mode)
    return 1
