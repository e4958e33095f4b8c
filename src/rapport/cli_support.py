"""Helpers every CLI command shares: settings errors as messages, the session factory."""

from __future__ import annotations

import typer
from rich.console import Console
from sqlalchemy.orm import Session, sessionmaker

from rapport.config import ConfigError, get_settings
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
    return session_factory(get_engine(settings.resolved_database_url))
