"""Checkpoints of each workspace's audit-chain head, kept outside the audit table.

A chain can be trimmed (the newest events deleted) and still link up, so its head is recorded
elsewhere: in ``<data_dir>/audit-checkpoints.jsonl`` (by the ``audit.checkpoint`` periodic job
and at every backup), inside every backup and every export. Each line is signed with the audit
key, so somebody who can write the file but does not have the secret key can't forge one.
``rapport audit verify`` reports "events after N are missing" when a chain's head is behind a
checkpoint. A restore legitimately moves the heads back: it appends a signed ``restore`` line,
and only the checkpoints after the newest such line count. Recreating a workspace (the demo's
reset) starts a new chain that may reuse the old id: a signed ``forget`` line drops that
workspace's earlier checkpoints.
"""

from __future__ import annotations

import hmac
import json
import os
import tarfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from rapport.core import clock
from rapport.workspaces.audit import AuditKey, HeadMark, chain_heads, current_key

CHECKPOINT_FILE = "audit-checkpoints.jsonl"
"""In the data directory, in backups (next to the database) and in exports."""


@dataclass(frozen=True)
class Checkpoint:
    workspace_id: int
    seq: int
    hash: str
    taken_at: datetime
    key_id: str
    source: str
    """``periodic``, ``backup`` or ``export``."""

    def as_mark(self) -> HeadMark:
        return HeadMark(self.seq, self.hash, self.taken_at, f"{self.source} checkpoint")


@dataclass
class CheckpointLog:
    """What a checkpoint file holds: checkpoints since the newest restore, and unreadable lines."""

    checkpoints: list[Checkpoint] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    restored_at: datetime | None = None

    def marks_for(self, workspace_id: int) -> list[HeadMark]:
        return [c.as_mark() for c in self.checkpoints if c.workspace_id == workspace_id]

    def latest(self, workspace_id: int) -> Checkpoint | None:
        mine = [c for c in self.checkpoints if c.workspace_id == workspace_id]
        return max(mine, key=lambda c: (c.seq, c.taken_at)) if mine else None


def take(session: Session, *, source: str, workspace_id: int | None = None) -> list[Checkpoint]:
    """The current head of every chain (or of one workspace's), as checkpoints."""
    key, now = current_key(), clock.now()
    return [
        Checkpoint(ws, seq, digest, now, key.key_id, source)
        for ws, (seq, digest) in sorted(chain_heads(session).items())
        if workspace_id is None or ws == workspace_id
    ]


def _signed(fields: dict[str, Any], key: AuditKey) -> dict[str, Any]:
    return {**fields, "mac": key.mac(json.dumps(fields, sort_keys=True))}


def to_line(checkpoint: Checkpoint, key: AuditKey | None = None) -> str:
    fields = {
        "kind": "checkpoint",
        "workspace_id": checkpoint.workspace_id,
        "seq": checkpoint.seq,
        "hash": checkpoint.hash,
        "taken_at": clock.as_utc(checkpoint.taken_at).isoformat(),
        "key_id": checkpoint.key_id,
        "source": checkpoint.source,
    }
    return json.dumps(_signed(fields, key or current_key()), sort_keys=True)


def restore_line(key: AuditKey | None = None) -> str:
    fields = {"kind": "restore", "taken_at": clock.now().isoformat()}
    return json.dumps(_signed(fields, key or current_key()), sort_keys=True)


def forget_line(workspace_id: int, key: AuditKey | None = None) -> str:
    fields = {"kind": "forget", "workspace_id": workspace_id, "taken_at": clock.now().isoformat()}
    return json.dumps(_signed(fields, key or current_key()), sort_keys=True)


def parse(text: str, *, origin: str, key: AuditKey | None = None) -> CheckpointLog:
    """Read checkpoint lines; lines not signed with ``key`` are listed as unreadable."""
    key = key or current_key()
    log = CheckpointLog()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        fields = _verified_fields(line, key)
        if fields is None:
            log.unreadable.append(
                f"line {number} of {origin} is not a checkpoint signed with this server's audit "
                "key (edited, or written with another secret key)"
            )
        elif fields["kind"] == "restore":
            log.checkpoints.clear()
            log.restored_at = datetime.fromisoformat(fields["taken_at"])
        elif fields["kind"] == "forget":
            forgotten = int(fields["workspace_id"])
            log.checkpoints = [c for c in log.checkpoints if c.workspace_id != forgotten]
        else:
            log.checkpoints.append(_checkpoint(fields))
    return log


def _verified_fields(line: str, key: AuditKey) -> dict[str, Any] | None:
    try:
        fields = json.loads(line)
        mac = fields.pop("mac")
        expected = key.mac(json.dumps(fields, sort_keys=True))
        if not isinstance(mac, str) or not hmac.compare_digest(mac, expected):
            return None
        if fields["kind"] == "checkpoint":
            _checkpoint(fields)
        elif fields["kind"] == "forget":
            int(fields["workspace_id"])
        elif fields["kind"] != "restore":
            return None
        return dict(fields)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def _checkpoint(fields: dict[str, Any]) -> Checkpoint:
    return Checkpoint(
        int(fields["workspace_id"]),
        int(fields["seq"]),
        str(fields["hash"]),
        clock.as_utc(datetime.fromisoformat(fields["taken_at"])),
        str(fields["key_id"]),
        str(fields["source"]),
    )


def append_lines(path: Path, lines: Iterable[str]) -> None:
    """Append to the checkpoint file, created owner-only (0600) whatever the umask."""
    text = "".join(line + "\n" for line in lines)
    if not text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, text.encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    path.chmod(0o600)


def load(path: Path) -> CheckpointLog:
    """The checkpoint file of the data directory (an empty log when there is none yet)."""
    if not path.exists():
        return CheckpointLog()
    return parse(path.read_text(encoding="utf-8", errors="replace"), origin=str(path))


def load_any(path: Path) -> CheckpointLog:
    """Checkpoints from a checkpoint file, a backup (.tar.gz) or an export (.zip)."""
    origin = str(path)
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                text = archive.read(CHECKPOINT_FILE).decode()
        elif tarfile.is_tarfile(path):
            with tarfile.open(path, "r:gz") as archive:
                member = archive.extractfile(CHECKPOINT_FILE)
                text = member.read().decode() if member else ""
        else:
            text = path.read_text(encoding="utf-8", errors="replace")
    except (KeyError, OSError, tarfile.TarError, zipfile.BadZipFile, EOFError) as exc:
        raise ValueError(f"{origin} holds no readable {CHECKPOINT_FILE}: {exc}") from exc
    return parse(text, origin=origin)


def marks_for(data_dir: Path, workspace_id: int) -> list[HeadMark]:
    """The data directory's checkpoints of one workspace (unreadable lines are skipped here;
    ``rapport audit verify`` reports them)."""
    return load(data_dir / CHECKPOINT_FILE).marks_for(workspace_id)


def write_periodic(session: Session, *, data_dir: Path) -> int:
    """Append a checkpoint for every chain whose head moved since its last one; returns how many."""
    path = data_dir / CHECKPOINT_FILE
    log = load(path)
    fresh = []
    for checkpoint in take(session, source="periodic"):
        last = log.latest(checkpoint.workspace_id)
        if last is None or (last.seq, last.hash) != (checkpoint.seq, checkpoint.hash):
            fresh.append(checkpoint)
    append_lines(path, (to_line(c) for c in fresh))
    return len(fresh)
