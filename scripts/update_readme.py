"""Regenerates the README's generated sections (settings, roles). `make docs` runs it.

Each section sits between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->``. The markers may be
adjacent (an empty section is filled on the next run) and a missing marker is an error, so
``--check`` can only pass when every section is present and holds exactly what the code says.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

from rapport.config import settings_markdown
from rapport.workspaces.roles import permissions_markdown

README = Path(__file__).resolve().parent.parent / "README.md"
SECTIONS: dict[str, Callable[[], str]] = {
    "settings": settings_markdown,
    "roles": permissions_markdown,
}


class MissingSection(Exception):
    """The README lacks a section's start or end marker."""


def _section_pattern(name: str) -> re.Pattern[str]:
    # `.*?` may match nothing, so adjacent markers (an empty section) match too.
    return re.compile(rf"(<!-- {name}:start -->\n)(.*?)(<!-- {name}:end -->)", re.S)


def section(text: str, name: str) -> str:
    """What the README holds between the markers of section ``name`` (without the markers)."""
    match = _section_pattern(name).search(text)
    if match is None:
        raise MissingSection(f"README.md has no `<!-- {name}:start -->` … `:end -->` section.")
    return match.group(2)


def render(text: str) -> str:
    """The README with every generated section replaced by what the code says now."""
    for name, make in SECTIONS.items():
        section(text, name)  # raises when the markers are missing
        body = make().strip() + "\n"
        text = _section_pattern(name).sub(lambda m, body=body: m.group(1) + body + m.group(3), text)
    return text


def main(argv: list[str]) -> int | str:
    current = README.read_text()
    try:
        updated = render(current)
    except MissingSection as exc:
        return str(exc)
    if "--check" in argv:
        return 0 if updated == current else "README.md is out of date: run `make docs`."
    README.write_text(updated)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
