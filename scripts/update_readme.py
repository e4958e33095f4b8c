"""Regenerates the README's generated sections (settings, roles, CLI). `make docs` runs it."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from rapport.config import settings_markdown
from rapport.workspaces.roles import permissions_markdown

README = Path(__file__).resolve().parent.parent / "README.md"
SECTIONS = {"settings": settings_markdown, "roles": permissions_markdown}


def render(text: str) -> str:
    for name, make in SECTIONS.items():
        pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(\n<!-- {name}:end -->)", re.S)
        text = pattern.sub(lambda m, make=make: m.group(1) + make() + m.group(2), text)
    return text


if __name__ == "__main__":
    current = README.read_text()
    updated = render(current)
    if "--check" in sys.argv:
        sys.exit(0 if updated == current else "README.md is out of date: run `make docs`.")
    README.write_text(updated)
