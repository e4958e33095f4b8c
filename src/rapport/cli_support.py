"""Helpers every CLI command shares: settings errors as messages, the session factory."""

from __future__ import annotations

import typer
from rich.console import Console
from sqlalchemy.orm import Session, sessionmaker

from rapport.config import ConfigError, Settings, get_settings
from rapport.db import get_engine, session_factory

err = Console(stderr=True)


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[red]Error:[/red] {message}")
    return typer.Exit(code)


def sessions() -> sessionmaker[Session]:
    try:
        settings = get_settings()
    except ConfigError as exc:
        raise fail(str(exc), 2) from None
    secure_files(settings)
    return session_factory(get_engine(settings.resolved_database_url))


def secure_files(settings: Settings) -> None:
    """Owner-only data directory and database at every start (older versions left 0644)."""
    try:
        settings.secure_files()
    except OSError as exc:
        raise fail(
            f"Cannot use the data directory {settings.data_dir}: {exc.strerror or exc}. "
            "Set RAPPORT_DATA_DIR to a directory this user can write.",
            2,
        ) from None
