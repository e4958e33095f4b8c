"""Docs as tests: the README documents every setting, role, CLI command and job kind."""

from __future__ import annotations

import re
from pathlib import Path

import typer

from rapport.cli import app
from rapport.jobs.registry import load_all
from scripts.update_readme import README, render

TEXT = README.read_text()


def test_the_generated_sections_of_the_readme_are_up_to_date() -> None:
    assert render(TEXT) == TEXT, "run `make docs`"


def _commands(typer_app: typer.Typer, prefix: str = "rapport") -> list[str]:
    names = []
    for command in typer_app.registered_commands:
        name = command.name or (command.callback.__name__ if command.callback else "")
        names.append(f"{prefix} {name.replace('_', '-')}")
    for group in typer_app.registered_groups:
        names += _commands(group.typer_instance, f"{prefix} {group.name}")  # type: ignore[arg-type]
    return names


def test_every_cli_command_is_in_the_readme() -> None:
    missing = [c for c in _commands(app) if c.removesuffix("-command") not in TEXT]
    assert missing == []


def test_every_job_kind_is_in_the_readme() -> None:
    ours = [kind for kind, t in load_all().items() if t.func.__module__.startswith("rapport.")]
    assert ours and [kind for kind in ours if f"`{kind}`" not in TEXT] == []


def test_the_readme_shows_the_quick_start_commands() -> None:
    assert "make demo" in TEXT and "make test" in TEXT
    for image in re.findall(r"\]\((docs/screenshots/[^)]+)\)", TEXT):
        assert Path(image).exists(), image
