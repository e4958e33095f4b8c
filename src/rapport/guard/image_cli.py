"""`rapport guard check-image`: check an image and write a copy without metadata."""

from __future__ import annotations

import json
import os
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from rapport.errors import NotFound
from rapport.guard.cli_context import context_for_slug
from rapport.guard.detect import CATEGORIES, GuardContext
from rapport.guard.images import (
    ImageReport,
    MetadataNotRemoved,
    OcrUnavailable,
    UnreadableImage,
    check_image,
)

# sysexits.h: the input was unusable / a required service is missing / our own bug.
EXIT_BAD_INPUT = 64
EXIT_UNAVAILABLE = 69
EXIT_SOFTWARE = 70
EXIT_BY_VERDICT = {"ok": 0, "warn": 1, "block": 2}
VERDICT_STYLE = {"ok": "bold green", "warn": "bold yellow", "block": "bold red"}


class Kind(StrEnum):
    post = "post"
    reply = "reply"
    comment = "comment"


def register(app: typer.Typer) -> None:
    """Add `check-image` to `app` (mounted as `rapport guard check-image`)."""
    app.command("check-image")(check_image_command)


def check_image_command(
    file: Annotated[Path, typer.Argument(help="The image to check (JPEG, PNG, WebP or GIF).")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the image without metadata here.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    kind: Annotated[Kind, typer.Option("--kind", help="Where the image will appear.")] = Kind.post,
    workspace: Annotated[
        str | None,
        typer.Option(help="Check the text in the image with this workspace's context."),
    ] = None,
    consented_faces: Annotated[
        int, typer.Option(min=0, help="How many people shown have a signed photo consent.")
    ] = 0,
) -> None:
    """Check an image for faces without consent and patient details in visible text.

    Exit status: 0 ok, 1 warn, 2 block, 64 unreadable file, 69 Tesseract missing.
    """
    report = _run(file, kind.value, _context(workspace), consented_faces)
    if out is not None:
        _write_atomically(out, report.image.data)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print_summary(Console(), report, out)
    raise typer.Exit(EXIT_BY_VERDICT.get(report.verdict, EXIT_BY_VERDICT["block"]))


def _context(workspace: str | None) -> GuardContext:
    try:
        return context_for_slug(workspace)
    except NotFound as exc:
        _fail(f"{exc.message} See `rapport workspace list`.", EXIT_BAD_INPUT)


def _run(file: Path, kind: str, context: GuardContext, consented_faces: int) -> ImageReport:
    try:
        return check_image(
            file.read_bytes(), kind=kind, context=context, consented_faces=consented_faces
        )
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        _fail(f"Cannot read {file}: {exc.strerror or exc}.", EXIT_BAD_INPUT)
    except UnreadableImage as exc:
        _fail(f"{file}: {exc}", EXIT_BAD_INPUT)
    except OcrUnavailable as exc:
        _fail(str(exc), EXIT_UNAVAILABLE)
    except MetadataNotRemoved as exc:
        _fail(f"Rapport could not clean {file} ({exc}); nothing was written.", EXIT_SOFTWARE)


def _fail(message: str, code: int) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def _write_atomically(path: Path, data: bytes) -> None:
    # A half-written file could be mistaken for a clean one; rename is all or nothing.
    handle, temporary = tempfile.mkstemp(dir=path.parent or Path.cwd(), prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _print_summary(console: Console, report: ImageReport, out: Path | None) -> None:
    image = report.image
    style = VERDICT_STYLE.get(report.verdict, "bold red")
    console.print(
        f"[{style}]{report.verdict.upper()}[/]  {image.format} {image.width}×{image.height}"
    )
    console.print(f"Metadata removed: {escape(', '.join(image.removed) or 'none found')}")
    console.print(f"Faces: {len(report.faces)}")
    if report.ocr.text:
        console.print("Text in the image:", escape(report.ocr.text), sep="\n")
    for finding in report.findings:
        console.print(_finding_line(finding))
    if out is not None:
        console.print(f"Clean copy written to {escape(str(out))}")


def _finding_line(finding: dict[str, Any]) -> str:
    category = str(finding.get("category", ""))
    label = CATEGORIES.get(category, {}).get("en", category.replace("_", " ").capitalize())
    quoted = f" “{finding['text']}”" if finding.get("text") else ""
    line = f"• [bold]{escape(label)}[/]{escape(quoted)}: {escape(str(finding.get('message', '')))}"
    if finding.get("source") == "face" and finding.get("suggestion"):
        # Text findings suggest replacement words, which mean nothing for pixels.
        line += f"\n  {escape(str(finding['suggestion']))}"
    return line
