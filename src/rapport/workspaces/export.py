"""Export everything a workspace holds (JSON per table plus CSV), so nobody is locked in."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from rapport.db import Base
from rapport.workspaces.models import Workspace

# Secrets never leave, even in an export: hashes, encrypted credentials, session ids.
SECRET_COLUMNS = {
    "password_hash",
    "token_hash",
    "totp_secret",
    "recovery_code_hashes",
    "id_hash",
    "csrf_token",
}


def _rows(session: Session, table: Table, workspace: Workspace) -> list[dict[str, Any]]:
    if "workspace_id" in table.c:
        query = select(table).where(table.c.workspace_id == workspace.id)
    elif table.name == "workspace":
        query = select(table).where(table.c.id == workspace.id)
    else:
        return []
    return [
        {k: v for k, v in row._mapping.items() if k not in SECRET_COLUMNS}
        for row in session.execute(query)
    ]


def _csv(rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {
                    k: json.dumps(v, default=str) if isinstance(v, dict | list) else v
                    for k, v in row.items()
                }
            )
    return buffer.getvalue()


def export_workspace(session: Session, *, workspace: Workspace, target: Path) -> dict[str, int]:
    """Write the archive; returns the number of rows per table."""
    counts: dict[str, int] = {}
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in Base.metadata.sorted_tables:
            rows = _rows(session, table, workspace)
            if not rows and "workspace_id" not in table.c and table.name != "workspace":
                continue
            counts[table.name] = len(rows)
            archive.writestr(
                f"json/{table.name}.json",
                json.dumps(rows, default=str, indent=1, ensure_ascii=False),
            )
            archive.writestr(f"csv/{table.name}.csv", _csv(rows))
        archive.writestr(
            "README.txt", f"Rapport export of workspace {workspace.slug} ({workspace.name}).\n"
        )
    return counts
