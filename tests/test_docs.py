"""Docs as tests: the README documents every setting, role, CLI command and job kind."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer

from rapport.cli import app
from rapport.jobs.registry import load_all
from scripts.update_readme import README, SECTIONS, MissingSection, render, section

TEXT = README.read_text()


def test_the_generated_sections_of_the_readme_are_up_to_date() -> None:
    assert render(TEXT) == TEXT, "run `make docs`"


@pytest.mark.parametrize("name", sorted(SECTIONS))
def test_each_generated_section_holds_its_whole_table(name: str) -> None:
    body = section(TEXT, name)
    rows = [line for line in body.splitlines() if line.startswith("|")]
    assert rows, f"the README's {name} section is empty: run `make docs`"
    assert body.strip() == SECTIONS[name]().strip(), "run `make docs`"


def test_an_empty_section_is_filled_and_a_stale_one_replaced() -> None:
    empty = "x\n<!-- roles:start -->\n<!-- roles:end -->\n<!-- settings:start -->\n<!-- settings:end -->\n"
    filled = render(empty)
    assert "RAPPORT_DATA_DIR" in section(filled, "settings")
    assert "| may … |" in section(filled, "roles")
    assert render(empty) != empty, "an empty section must count as out of date"
    stale = filled.replace("RAPPORT_DATA_DIR", "RAPPORT_OLD_NAME")
    assert render(stale) == filled


def test_a_missing_section_is_an_error_not_a_pass() -> None:
    with pytest.raises(MissingSection):
        render("no markers at all")


def test_the_readme_check_fails_on_an_empty_section(tmp_path: Path, monkeypatch) -> None:
    import scripts.update_readme as generator

    readme = tmp_path / "README.md"
    readme.write_text(
        re.sub(r"(<!-- roles:start -->\n).*?(<!-- roles:end -->)", r"\1\2", TEXT, flags=re.S)
    )
    monkeypatch.setattr(generator, "README", readme)
    assert generator.main(["--check"]) != 0
    assert generator.main([]) == 0
    assert generator.main(["--check"]) == 0
    assert readme.read_text() == TEXT


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
