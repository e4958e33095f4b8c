"""The `rapport` command. Each domain mounts its own sub-commands here."""

from __future__ import annotations

import typer

from rapport import __version__

app = typer.Typer(
    help="Rapport: social media for healthcare practices, without leaking PHI.",
    no_args_is_help=True,
)


@app.command()
def version() -> None:
    """Print Rapport's version."""
    typer.echo(__version__)
