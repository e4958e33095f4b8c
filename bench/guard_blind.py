"""Score Rapport's guard on one labelled file, per language and kind (the blind protocol).

A blind batch is scored with the engine as it is *before* anything is tuned for it; this script
makes that figure reproducible with one command. It prints, overall and for each language x kind:
recall on "block" texts (blocked / should block), the false-block rate on "ok" texts, and how many
"warn" texts passed as ok. ``--misses`` lists every text that was scored wrongly.

Usage: python bench/guard_blind.py FILE [FILE ...] [--misses] [--context lakeside]
(the corpus context.json supplies the workspace details a text names with "context")
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from guard import rapport_contexts
from rapport.guard import check

LANGS = ("en", "nl")
KINDS = ("post", "reply", "comment")


def load(paths: list[Path]) -> list[dict[str, Any]]:
    return [
        json.loads(line)
        for path in paths
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def score(
    examples: list[dict[str, Any]], default_context: str = ""
) -> list[tuple[dict[str, Any], str]]:
    """Each text's verdict; a text without "context" gets ``default_context`` (if any)."""
    contexts = rapport_contexts()
    return [
        (
            e,
            check(
                e["text"], kind=e["kind"], context=contexts.get(e.get("context", default_context))
            ).verdict,
        )
        for e in examples
    ]


def _cell(rows: list[tuple[dict[str, Any], str]]) -> str:
    blocks = [v for e, v in rows if e["label"] == "block"]
    safe = [v for e, v in rows if e["label"] == "ok"]
    warns = [v for e, v in rows if e["label"] == "warn"]
    caught = sum(v == "block" for v in blocks)
    false = sum(v == "block" for v in safe)
    recall = f"{caught / len(blocks):.3f} ({caught}/{len(blocks)})" if blocks else "-"
    rate = f"{false / len(safe):.3f} ({false}/{len(safe)})" if safe else "-"
    passed = f"{sum(v == 'ok' for v in warns)}/{len(warns)}" if warns else "-"
    return f"{recall:>18} {rate:>18} {passed:>10}"


def table(results: list[tuple[dict[str, Any], str]]) -> str:
    header = f"{'slice':<14} {'recall':>18} {'false blocks':>18} {'warn->ok':>10}"
    lines = [header, "-" * len(header), f"{'overall':<14} {_cell(results)}"]
    groups: dict[tuple[str, str], list[tuple[dict[str, Any], str]]] = defaultdict(list)
    for example, verdict in results:
        groups[(example["lang"], example["kind"])].append((example, verdict))
    for lang in LANGS:
        lines.append(f"{lang + ' (all)':<14} {_cell([r for r in results if r[0]['lang'] == lang])}")
        for kind in KINDS:
            if groups[(lang, kind)]:
                lines.append(f"{lang + ' ' + kind:<14} {_cell(groups[(lang, kind)])}")
    for kind in KINDS:
        lines.append(f"{kind + ' (all)':<14} {_cell([r for r in results if r[0]['kind'] == kind])}")
    return "\n".join(lines)


def misses(results: list[tuple[dict[str, Any], str]]) -> str:
    wrong = [
        (e, v)
        for e, v in results
        if (e["label"] == "block" and v != "block")
        or (e["label"] == "ok" and v == "block")
        or (e["label"] == "warn" and v == "ok")
    ]
    return "\n".join(
        f"{e['id']} [{e['label']}->{v}] {e['lang']} {e['kind']}: {e['text']}"
        + (f"\n    note: {e['note']}" if e.get("note") else "")
        for e, v in wrong
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--misses", action="store_true", help="list the texts scored wrongly")
    parser.add_argument(
        "--context", default="", help="workspace from context.json for texts that name none"
    )
    args = parser.parse_args()
    examples = load(args.files)
    results = score(examples, args.context)
    names = ", ".join(str(p) for p in args.files)
    with_context = f", default context {args.context!r}" if args.context else ""
    print(f"{len(examples)} texts from {names}{with_context}")
    print(table(results))
    if args.misses:
        print("\nScored wrongly:")
        print(misses(results))


if __name__ == "__main__":
    main()
