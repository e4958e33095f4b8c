"""`rapport guard check`: check a text (or a JSON-lines file of texts) for PHI before publishing.

Exit status: 0 ok, 1 warn, 2 block (for one text); 0 for a whole --jsonl file that was read;
64 for unusable input (empty text, bad option value, malformed JSON line), as in sysexits.h.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from typer.core import TyperCommand

from rapport.errors import NotFound
from rapport.guard.cli_context import context_for_slug
from rapport.guard.detect import CATEGORIES, GuardContext, Report, check
from rapport.guard.detect.model import KINDS, LANGS, MAX_TEXT_LENGTH

EXIT_BY_VERDICT = {"ok": 0, "warn": 1, "block": 2}
EXIT_USAGE = 64
_STYLE = {"ok": "bold green", "warn": "bold yellow", "block": "bold red"}
_FINDING_KEYS = ("category", "start", "end", "text", "message", "suggestion")

app = typer.Typer(
    help="Compliance guard: check texts for protected health information before publishing.",
    no_args_is_help=True,
)
_out = Console()
_err = Console(stderr=True)


class _UsageExit64(TyperCommand):
    """Report usage errors with exit status 64, so that 2 always means "block"."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            result: list[str] = super().parse_args(ctx, args)
        except Exception as exc:  # Typer vendors click: match its UsageError by exit code
            if getattr(exc, "exit_code", None) == 2:
                exc.exit_code = EXIT_USAGE  # type: ignore[attr-defined]
            raise
        return result


@app.callback()
def _guard() -> None:
    """Compliance guard: check texts for protected health information before publishing."""


def _context_for(workspace: str | None) -> GuardContext:
    """The guard context for a workspace; without one, nothing is known to be the practice's."""
    try:
        return context_for_slug(workspace)
    except NotFound as exc:
        raise _usage_error(f"{exc.message} See `rapport workspace list`.") from None


def _usage_error(message: str) -> typer.Exit:
    _err.print(f"[red]Error:[/red] {escape(message)}")
    return typer.Exit(EXIT_USAGE)


def _finding_dicts(report: Report) -> list[dict[str, Any]]:
    return [{key: getattr(f, key) for key in _FINDING_KEYS} for f in report.findings]


@app.command("check", cls=_UsageExit64)
def check_command(
    text: Annotated[
        str | None, typer.Argument(help="The text to check; '-' reads it from standard input.")
    ] = None,
    kind: Annotated[str, typer.Option(help="post, reply or comment.")] = "post",
    lang: Annotated[str, typer.Option(help="auto, en or nl.")] = "auto",
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    jsonl: Annotated[
        str | None,
        typer.Option(
            "--jsonl",
            metavar="FILE",
            help='Check every line {"id","text","kind"} of FILE (- = stdin); one JSON line out each.',
        ),
    ] = None,
    workspace: Annotated[
        str | None,
        typer.Option(help="Check with this workspace's details, staff, consents and policy."),
    ] = None,
) -> None:
    """Check a post, reply or comment. Exit 0 ok, 1 warn, 2 block, 64 unusable input."""
    _check_choice("--kind", kind, KINDS)
    _check_choice("--lang", lang, LANGS)
    context = _context_for(workspace)
    if jsonl is not None:
        if text is not None:
            raise _usage_error("give either TEXT or --jsonl FILE, not both")
        _run_jsonl(jsonl, kind, lang, context)
        raise typer.Exit(0)
    if text is None:
        raise _usage_error("give the TEXT to check ('-' reads standard input) or --jsonl FILE")
    body = sys.stdin.read() if text == "-" else text
    try:
        report = check(body, kind=kind, lang=lang, context=context)
    except ValueError as exc:
        raise _usage_error(str(exc)) from None
    if as_json:
        payload = {"verdict": report.verdict, "findings": _finding_dicts(report)}
        typer.echo(json.dumps(payload, ensure_ascii=False))
    else:
        _print_report(report)
    raise typer.Exit(EXIT_BY_VERDICT[report.verdict])


def _check_choice(option: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise _usage_error(f"{option} must be one of {', '.join(allowed)}; got {value!r}")


def _print_report(report: Report) -> None:
    if report.findings:
        table = Table(title="Guard findings", show_lines=True)
        for column in ("Where", "What", "Severity", "Text", "Why", "Safer"):
            table.add_column(column, overflow="fold")
        for f in report.findings:
            table.add_row(
                f"{f.start}-{f.end}",
                CATEGORIES[f.category][report.lang],
                f.severity,
                escape(f.text),
                escape(f.message),
                escape(f.suggestion) if f.suggestion else "(remove)",
            )
        _out.print(table)
    else:
        _out.print("No findings.")
    style = _STYLE[report.verdict]
    _out.print(f"Verdict: [{style}]{report.verdict.upper()}[/{style}] (language: {report.lang})")


def _read_lines(path: str) -> list[str]:
    if path == "-":
        return sys.stdin.read().splitlines()
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read().splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise _usage_error(f"cannot read {path}: {exc}") from None


def _parse_item(line: str, kind: str, lang: str) -> dict[str, Any]:
    """One validated input item; raises ValueError saying what is wrong."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg})") from None
    if not isinstance(item, dict):
        raise ValueError('expected a JSON object like {"id": ..., "text": ..., "kind": ...}')
    if "id" not in item or not isinstance(item["id"], (str, int)):
        raise ValueError('"id" is missing or not a string or number')
    text = item.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError('"text" is missing or empty')
    if len(text) > MAX_TEXT_LENGTH:
        raise ValueError(f'"text" is longer than {MAX_TEXT_LENGTH:,} characters')
    item_kind, item_lang = item.get("kind", kind), item.get("lang", lang)
    if item_kind not in KINDS:
        raise ValueError(f'"kind" must be one of {", ".join(KINDS)}; got {item_kind!r}')
    if item_lang not in LANGS:
        raise ValueError(f'"lang" must be one of {", ".join(LANGS)}; got {item_lang!r}')
    return {"id": item["id"], "text": text, "kind": item_kind, "lang": item_lang}


def _run_jsonl(path: str, kind: str, lang: str, context: GuardContext) -> None:
    """Validate every line first, so a malformed file prints nothing to standard output."""
    items = []
    for number, line in enumerate(_read_lines(path), start=1):
        if not line.strip():
            continue
        try:
            items.append(_parse_item(line, kind, lang))
        except ValueError as exc:
            raise _usage_error(f"{path} line {number}: {exc}") from None
    for item in items:
        report = check(item["text"], kind=item["kind"], lang=item["lang"], context=context)
        row = {"id": item["id"], "verdict": report.verdict, "findings": _finding_dicts(report)}
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
