"""The `rapport` command. Each domain mounts its own sub-commands here."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from rapport import __version__, dbadmin
from rapport.cli_progress import progress
from rapport.cli_support import FriendlyErrors, fail, secure_files
from rapport.config import Settings, get_settings
from rapport.guard.cli import app as guard_app
from rapport.guard.image_cli import register as register_image_check
from rapport.jobs.cli import app as jobs_app
from rapport.jobs.cli import worker as worker_command
from rapport.workspaces.cli import audit_app, export_command, token_app, user_app, workspace_app

app = typer.Typer(
    cls=FriendlyErrors,
    help="Rapport: social media for healthcare practices, without leaking PHI.",
    no_args_is_help=True,
)
db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(workspace_app, name="workspace")
app.add_typer(token_app, name="token")
app.add_typer(audit_app, name="audit")
app.add_typer(jobs_app, name="jobs")
register_image_check(guard_app)
app.add_typer(guard_app, name="guard")
app.command(
    "worker", help="Run background jobs until stopped (SIGTERM finishes the current ones)."
)(worker_command)
app.command("export")(export_command)


@app.callback()
def _private_files() -> None:
    """Whatever Rapport creates (database, WAL, backups, exports) is the owner's alone."""
    os.umask(0o077)


def _settings() -> Settings:
    """The settings; a wrong one stops the command with one message (see FriendlyErrors)."""
    settings = get_settings()
    secure_files(settings)
    return settings


@app.command()
def version() -> None:
    """Print Rapport's version."""
    typer.echo(__version__)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    upgrade: Annotated[bool, typer.Option(help="Apply migrations first.")] = True,
    worker: Annotated[bool | None, typer.Option(help="Run one job worker in this process.")] = None,
) -> None:
    """Start the web server (and, by default, one in-process job worker)."""
    from rapport.web.serve import serve as run_server

    settings = _settings()
    settings.check_for_production()  # a ConfigError here is explained by FriendlyErrors
    run_server(
        settings,
        host=host or settings.host,
        port=port or settings.port,
        upgrade=upgrade and settings.upgrade_on_start,
        worker=settings.run_worker_in_process if worker is None else worker,
    )


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration."""
    settings = _settings()
    dbadmin.upgrade(settings.resolved_database_url)
    typer.echo(f"Database at revision {dbadmin.current_revision(settings.resolved_database_url)}")


@app.command()
def backup(
    out: Annotated[Path | None, typer.Argument(help="Archive to write.")] = None,
) -> None:
    """Back up the database (SQLite online backup, or pg_dump) into one archive (mode 0600),
    with the audit trail's checkpoints."""
    settings = _settings()
    target = out or settings.data_dir / "backups" / "rapport-backup.tar.gz"
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with progress("Backing up the database"):
            dbadmin.backup(settings.resolved_database_url, target, data_dir=settings.data_dir)
    except dbadmin.BackupError as exc:
        raise fail(str(exc)) from None
    typer.echo(f"Backup written to {target}")


@app.command()
def restore(
    archive: Annotated[Path, typer.Argument(help="A file made by `rapport backup`.")],
    yes: Annotated[bool, typer.Option("--yes", help="Don't ask for confirmation.")] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check the backup and say what would happen.")
    ] = False,
) -> None:
    """Replace the database with a backup. Refuses a file that is not a Rapport backup or a
    database at a migration revision this Rapport doesn't know; keeps a safety copy first."""
    settings = _settings()
    url = settings.resolved_database_url
    if not archive.is_file():
        raise fail(f"{archive} does not exist.")
    try:
        info = dbadmin.inspect(url, archive)
        _describe_backup(info)
        if dry_run:
            safety = dbadmin.safety_copy_path(settings.data_dir)
            typer.echo(f"Would keep a safety copy of the current database in {safety.parent}/")
            typer.echo("Dry run: nothing was changed.")
            return
        if not yes:
            typer.confirm("This replaces everything in the database. Continue?", abort=True)
        with progress("Restoring the database"):
            result = dbadmin.restore(url, archive, data_dir=settings.data_dir)
    except dbadmin.BackupError as exc:
        raise fail(str(exc)) from None
    if result.safety_copy:
        typer.echo(f"Safety copy of the database as it was: {result.safety_copy}")
    typer.echo(f"Restored a backup of Rapport {info.version} taken {info.created_at}.")
    if info.needs_upgrade:
        typer.echo("Run `rapport db upgrade` (or `rapport serve`) to bring it to this version.")


def _describe_backup(info: dbadmin.BackupInfo) -> None:
    head = dbadmin.head_revision()
    upgrade_note = " (older: upgraded by `rapport db upgrade`)" if info.needs_upgrade else ""
    typer.echo(
        f"Backup of Rapport {info.version} ({info.kind}) taken {info.created_at}, "
        f"migration revision {info.revision}{upgrade_note}; this Rapport is at {head}."
    )
    typer.echo(f"Workspaces: {', '.join(info.workspaces) or 'none'}")


@app.command()
def demo() -> None:
    """Create (or reset) the demo practice with a few months of history, then print the logins."""
    from rapport.demo import run_demo

    run_demo(_settings())
