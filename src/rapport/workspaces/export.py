"""Export everything a workspace holds (JSON per table plus CSV), so nobody is locked in."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from rapport.core.csvsafe import csv_text
from rapport.core.files import create_private
from rapport.db import Base
from rapport.models import import_all_models
from rapport.workspaces import checkpoints
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
    if not rows:
        return ""
    columns = list(rows[0])
    lines: list[Sequence[object]] = [columns]
    for row in rows:
        lines.append(
            [
                json.dumps(row[k], default=str) if isinstance(row[k], dict | list) else row[k]
                for k in columns
            ]
        )
    return csv_text(lines)


def export_workspace(
    session: Session, *, workspace: Workspace, target: Path, data_dir: Path
) -> dict[str, int]:
    """Write the archive (mode 0600); returns the number of rows per table (and of forms).

    Besides every table's rows: the scanned consent forms (``consent-forms/``) and a signed
    checkpoint of the workspace's audit chain (``audit-checkpoints.jsonl``, also appended to the
    data directory's), so an export kept elsewhere later proves how far the trail reached.
    """
    import_all_models()  # every table, also those of domains this command didn't load
    counts: dict[str, int] = {}
    consents: list[dict[str, Any]] = []
    with create_private(target) as out, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in Base.metadata.sorted_tables:
            rows = _rows(session, table, workspace)
            if not rows and "workspace_id" not in table.c and table.name != "workspace":
                continue
            counts[table.name] = len(rows)
            if table.name == "consent":
                consents = rows
            archive.writestr(
                f"json/{table.name}.json",
                json.dumps(rows, default=str, indent=1, ensure_ascii=False),
            )
            archive.writestr(f"csv/{table.name}.csv", _csv(rows))
        counts["consent form"], missing = _add_consent_forms(archive, consents, data_dir)
        lines = [
            checkpoints.to_line(c)
            for c in checkpoints.take(session, source="export", workspace_id=workspace.id)
        ]
        archive.writestr(checkpoints.CHECKPOINT_FILE, "".join(f"{line}\n" for line in lines))
        archive.writestr("README.txt", _readme(workspace, missing))
    checkpoints.append_lines(data_dir / checkpoints.CHECKPOINT_FILE, lines)
    return counts


def _add_consent_forms(
    archive: zipfile.ZipFile, consents: list[dict[str, Any]], data_dir: Path
) -> tuple[int, list[str]]:
    """Copy each consent's scanned form as ``consent-forms/<consent id><ext>``; returns how
    many were added and the consents whose file is missing from the data directory."""
    uploads = (data_dir / "uploads").resolve()
    added, missing = 0, []
    for consent in consents:
        if not consent.get("form_path"):
            continue
        path = (data_dir / str(consent["form_path"])).resolve()
        if uploads not in path.parents or not path.is_file():
            missing.append(f"consent {consent['id']} ({consent.get('person_name', '')})")
            continue
        archive.write(path, f"consent-forms/{consent['id']}{path.suffix}")
        added += 1
    return added, missing


def _readme(workspace: Workspace, missing_forms: list[str]) -> str:
    text = (
        f"Rapport export of workspace {workspace.slug} ({workspace.name}).\n\n"
        "json/ and csv/: every table's rows (password hashes, tokens and secrets left out).\n"
        "consent-forms/: the scanned consent forms, named by consent id (see json/consent.json).\n"
        f"{checkpoints.CHECKPOINT_FILE}: the audit chain's head when this was exported; check it "
        "later with `rapport audit verify --checkpoints THIS.zip`.\n"
        "CSV cells that a spreadsheet would run as a formula start with a single quote.\n"
    )
    if missing_forms:
        text += "\nScanned forms missing from the data directory: " + ", ".join(missing_forms)
    return text
