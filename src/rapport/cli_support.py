"""Helpers every CLI command shares: one error translator, exit codes, the session factory.

Every command runs inside :class:`FriendlyErrors`, so a wrong setting, an unreachable database
or an unusable data directory ends in one or two lines that name the problem and the fix, with
an exit code from sysexits.h, never a traceback. Commands don't catch these themselves.
"""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from typer.core import TyperGroup

from rapport.config import ConfigError, Settings, get_settings
from rapport.core.dbconn import connection_problem, describe_location
from rapport.db import get_engine, session_factory

err = Console(stderr=True, soft_wrap=True)

EXIT_UNAVAILABLE = 69  # a service we need (the database) can't be reached
EXIT_CANT_CREATE = 73  # a file or directory we need can't be created or written
EXIT_CONFIG = 78  # a setting is wrong

_FILE_ERRNOS = {errno.EACCES, errno.EPERM, errno.ENOTDIR, errno.EEXIST, errno.EROFS, errno.ENOSPC}
_FILE_REASONS = {
    errno.ENOTDIR: "part of the path is a file, not a directory",
    errno.EEXIST: "a file of that name is in the way",
}


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[red]Error:[/red] {message}", highlight=False)
    return typer.Exit(code)


def _database_url() -> str:
    try:
        return get_settings().resolved_database_url
    except ConfigError:
        return ""


def _file_problem(exc: OSError) -> str:
    path = Path(exc.filename).absolute()
    reason = _FILE_REASONS.get(exc.errno or 0) or (exc.strerror or str(exc)).lower()
    try:
        data_dir = get_settings().data_dir.absolute()
    except ConfigError:
        data_dir = None
    if path == data_dir:
        return (
            f"Can't use the data directory {path} ({reason}). Set RAPPORT_DATA_DIR to a "
            "directory this user can write, or fix its permissions."
        )
    if data_dir is not None and path.is_relative_to(data_dir):
        return (
            f"Can't write {path} ({reason}). Make the data directory {data_dir} writable for "
            "this user, or set RAPPORT_DATA_DIR to one that is."
        )
    return f"Can't write {path} ({reason}). Choose another path or fix its permissions."


def _missing_table(exc: BaseException) -> bool:
    if not isinstance(exc, DBAPIError):
        return False
    message = str(exc.orig)
    return message.startswith("no such table") or (
        message.startswith("relation ") and "does not exist" in message
    )


def explain(exc: BaseException) -> tuple[str, int] | None:
    """The message and exit code for a problem of set-up rather than a bug; else None."""
    if isinstance(exc, ConfigError):
        return str(exc), EXIT_CONFIG
    url = _database_url()
    problem = connection_problem(exc, url) if url else None
    if problem is not None:
        if url.startswith("sqlite"):
            return problem.sentence(), EXIT_CANT_CREATE
        return problem.sentence(), EXIT_UNAVAILABLE if problem.transient else EXIT_CONFIG
    if url and _missing_table(exc):
        where = describe_location(url)
        subject = f"The {where}" if where.startswith("SQLite") else f"The database at {where}"
        return f"{subject} has no Rapport tables yet. Run `rapport db upgrade` first.", EXIT_CONFIG
    if isinstance(exc, OSError) and exc.filename and exc.errno in _FILE_ERRNOS:
        return _file_problem(exc), EXIT_CANT_CREATE
    return None


class FriendlyErrors(TyperGroup):
    """The root command group: translates set-up problems raised by any sub-command."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort):
            raise
        except Exception as exc:
            explained = explain(exc)
            if explained is None:
                raise
            message, code = explained
            raise fail(message, code) from None


def sessions() -> sessionmaker[Session]:
    settings = get_settings()
    secure_files(settings)
    return session_factory(get_engine(settings.resolved_database_url))


def secure_files(settings: Settings) -> None:
    """Owner-only data directory and database at every start (older versions left 0644).

    A directory that can't be used raises ``OSError``, which ``FriendlyErrors`` explains.
    """
    settings.secure_files()
