"""`rapport user|workspace|token|audit|export` commands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from rapport.cli_progress import progress
from rapport.cli_support import fail, sessions
from rapport.config import get_settings
from rapport.db import unit_of_work
from rapport.errors import RapportError
from rapport.workspaces import access, audit, checkpoints, export, service
from rapport.workspaces.models import Workspace
from rapport.workspaces.roles import ROLES

console = Console()
user_app = typer.Typer(help="People who sign in to Rapport.", no_args_is_help=True)
workspace_app = typer.Typer(help="Workspaces (one per practice).", no_args_is_help=True)
token_app = typer.Typer(help="API tokens for scripts and integrations.", no_args_is_help=True)
audit_app = typer.Typer(help="The tamper-evident audit trail.", no_args_is_help=True)


@user_app.command("create")
def create_user(
    email: Annotated[str, typer.Option(help="Sign-in email address.")],
    name: Annotated[str, typer.Option(help="Full name.")],
    password: Annotated[
        str,
        typer.Option(
            prompt=True, hide_input=True, confirmation_prompt=True, help="At least 10 characters."
        ),
    ],
    workspace: Annotated[str | None, typer.Option(help="Add to this workspace (slug).")] = None,
    role: Annotated[
        str, typer.Option(help=f"Role in that workspace: {', '.join(ROLES)}.")
    ] = "editor",
) -> None:
    """Create a user, optionally as a member of a workspace."""
    try:
        with unit_of_work(sessions()) as db:
            user = service.create_user(db, email=email, name=name, password=password)
            if workspace:
                ws = service.get_workspace_by_slug(db, slug=workspace)
                service.add_member(db, workspace=ws, user=user, role=role, actor=None)
    except RapportError as exc:
        raise fail(exc.message) from None
    console.print(f"Created {user.email}" + (f" as {role} in {workspace}" if workspace else ""))


@workspace_app.command("list")
def list_workspaces(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List every workspace with its organisation and member count."""
    with unit_of_work(sessions()) as db:
        rows = [
            {
                "slug": w.slug,
                "name": w.name,
                "organisation": w.organisation.name,
                "timezone": w.timezone,
                "locale": w.locale,
                "members": len(service.list_members(db, workspace=w)),
            }
            for w in db.scalars(select(Workspace).order_by(Workspace.slug))
        ]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    table = Table("slug", "name", "organisation", "time zone", "members")
    for r in rows:
        table.add_row(*(str(r[k]) for k in ("slug", "name", "organisation", "timezone", "members")))
    console.print(table)


@token_app.command("create")
def create_token(
    workspace: Annotated[str, typer.Option(help="Workspace slug.")],
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(ROLES)}.")],
    name: Annotated[str, typer.Option(help="What uses the token.")],
) -> None:
    """Create an API token and print it once (only its hash is stored)."""
    try:
        with unit_of_work(sessions()) as db:
            ws = service.get_workspace_by_slug(db, slug=workspace)
            _token, raw = access.create_api_token(
                db, workspace=ws, name=name, role=role, actor=None
            )
    except RapportError as exc:
        raise fail(exc.message) from None
    typer.echo(raw)


@audit_app.command("verify")
def verify(
    workspace: Annotated[str | None, typer.Option(help="Only this workspace (slug).")] = None,
    checkpoints_from: Annotated[
        list[Path] | None,
        typer.Option(
            "--checkpoints",
            help="Also compare with the checkpoints in this file, backup (.tar.gz) or export "
            "(.zip) — e.g. a copy kept on another machine. Repeatable.",
        ),
    ] = None,
) -> None:
    """Check every workspace's keyed hash chain and compare its head with the checkpoints kept
    outside the database; names the first broken link. Exit 1 when anything is wrong."""
    logs = _checkpoint_logs(checkpoints_from or [])
    broken = False
    for log in logs:
        for line in log.unreadable:
            broken = True
            console.print(f"[red]BROKEN[/red] checkpoints: {line}")
    with unit_of_work(sessions()) as db:
        for ws in _verify_targets(db, workspace):
            marks = [mark for log in logs for mark in log.marks_for(ws.id)]
            report = audit.check_chain(db, workspace_id=ws.id, marks=marks)
            broken |= _print_report(ws.slug, report)
    if not any(log.checkpoints for log in logs):
        console.print(
            "note: no checkpoints yet, so deleting the newest events would not show. They are "
            "written every ten minutes by the worker and at every backup."
        )
    if broken:
        raise typer.Exit(1)


def _checkpoint_logs(extra: list[Path]) -> list[checkpoints.CheckpointLog]:
    data_dir = get_settings().data_dir
    logs = [checkpoints.load(data_dir / checkpoints.CHECKPOINT_FILE)]
    for path in extra:
        try:
            logs.append(checkpoints.load_any(path))
        except ValueError as exc:
            raise fail(str(exc)) from None
    return logs


def _verify_targets(db: Session, workspace: str | None) -> list[Workspace]:
    query = select(Workspace).order_by(Workspace.slug)
    if workspace:
        query = query.where(Workspace.slug == workspace)
    targets = list(db.scalars(query))
    if workspace and not targets:
        raise fail(f"No workspace “{workspace}”. See `rapport workspace list`.")
    return targets


def _print_report(slug: str, report: audit.ChainReport) -> bool:
    """One line per workspace; returns whether the chain is broken."""
    if report.problem:
        console.print(
            f"[red]BROKEN[/red] {slug}: event {report.problem.seq} {report.problem.reason}"
        )
        return True
    details = f"{report.events} events"
    if report.latest_mark:
        mark = report.latest_mark
        when = mark.taken_at.isoformat(timespec="seconds")
        details += f"; matches the {mark.source} of event {mark.seq} taken {when}"
    console.print(f"[green]ok[/green] {slug}: {details}")
    return False


def export_command(
    workspace: Annotated[str, typer.Option(help="Workspace slug.")],
    out: Annotated[
        Path | None, typer.Option(help="Archive to write (default: rapport-export-SLUG.zip).")
    ] = None,
) -> None:
    """Everything a workspace holds, as JSON and CSV in one zip archive."""
    target = out or Path(f"rapport-export-{workspace}.zip")
    try:
        with progress(f"Exporting {workspace}"), unit_of_work(sessions()) as db:
            ws = service.get_workspace_by_slug(db, slug=workspace)
            counts = export.export_workspace(
                db, workspace=ws, target=target, data_dir=get_settings().data_dir
            )
    except RapportError as exc:
        raise fail(exc.message) from None
    console.print(f"Wrote {target}: " + ", ".join(f"{n} {t}" for t, n in counts.items()))
