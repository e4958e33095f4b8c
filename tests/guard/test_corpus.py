"""The labelled corpus: recall on texts that must be blocked, false blocks on safe look-alikes."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from rapport.guard import CATEGORIES, ConsentRef, GuardContext, StaffMember, check

CORPUS = Path(__file__).parent / "corpus"
MIN_RECALL = 0.97
MAX_FALSE_BLOCK_RATE = 0.05


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _context(data: dict[str, Any]) -> GuardContext:
    consents = tuple(
        ConsentRef(
            person_name=c["person_name"],
            kind=c["kind"],
            channels=tuple(c.get("channels", ())),
            purposes=tuple(c.get("purposes", ())),
            signed_on=_date(c.get("signed_on")),
            expires_on=_date(c.get("expires_on")),
            revoked_on=_date(c.get("revoked_on")),
        )
        for c in data.get("consents", ())
    )
    return GuardContext(
        practice_names=tuple(data.get("practice_names", ())),
        phones=tuple(data.get("phones", ())),
        emails=tuple(data.get("emails", ())),
        addresses=tuple(data.get("addresses", ())),
        websites=tuple(data.get("websites", ())),
        handles=tuple(data.get("handles", ())),
        staff=tuple(StaffMember(s["name"], s.get("title", "")) for s in data.get("staff", ())),
        consents=consents,
        today=_date(data.get("today")),
    )


def load_corpus() -> tuple[list[dict[str, Any]], dict[str, GuardContext]]:
    contexts = json.loads((CORPUS / "context.json").read_text(encoding="utf-8"))
    examples = [
        json.loads(line)
        for path in sorted(CORPUS.glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    return examples, {name: _context(data) for name, data in contexts.items()}


EXAMPLES, CONTEXTS = load_corpus()


def _verdict(example: dict[str, Any]) -> str:
    context = CONTEXTS[example["context"]] if "context" in example else None
    return check(example["text"], kind=example["kind"], context=context).verdict


def _misses(label: str, wrong: set[str]) -> list[str]:
    return [
        f"  {e['id']} [{_verdict(e)}] {e['text']}"
        for e in EXAMPLES
        if e["label"] == label and _verdict(e) in wrong
    ]


def test_the_corpus_is_large_varied_and_well_formed() -> None:
    ids = [e["id"] for e in EXAMPLES]
    assert len(ids) == len(set(ids)) >= 400
    labels = Counter(e["label"] for e in EXAMPLES)
    assert labels["ok"] >= labels["block"] + labels["warn"]
    assert {e["lang"] for e in EXAMPLES} == {"en", "nl"}
    assert {e["kind"] for e in EXAMPLES} == {"post", "reply", "comment"}
    covered = {c for e in EXAMPLES for c in e["categories"]}
    assert covered <= set(CATEGORIES)
    assert covered >= set(CATEGORIES) - {"deny_term"}  # deny terms need a workspace list
    for example in EXAMPLES:
        assert example["label"] in ("block", "warn", "ok")
        assert bool(example["categories"]) == (example["label"] != "ok"), example["id"]


def test_it_blocks_at_least_97_percent_of_the_texts_that_must_be_blocked() -> None:
    blocks = [e for e in EXAMPLES if e["label"] == "block"]
    missed = _misses("block", {"ok", "warn"})
    recall = 1 - len(missed) / len(blocks)
    print(f"recall on block examples: {recall:.3f} ({len(blocks) - len(missed)}/{len(blocks)})")
    assert recall >= MIN_RECALL, "missed:\n" + "\n".join(missed)


def test_it_blocks_at_most_5_percent_of_the_safe_texts() -> None:
    safe = [e for e in EXAMPLES if e["label"] == "ok"]
    false_blocks = _misses("ok", {"block"})
    rate = len(false_blocks) / len(safe)
    print(f"false-block rate on ok examples: {rate:.3f} ({len(false_blocks)}/{len(safe)})")
    assert rate <= MAX_FALSE_BLOCK_RATE, "blocked:\n" + "\n".join(false_blocks)


def test_it_never_passes_a_warning_example_as_ok() -> None:
    passed = _misses("warn", {"ok"})
    assert len(passed) <= 1, "passed as ok:\n" + "\n".join(passed)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_it_detects_the_language_of_the_corpus(lang: str) -> None:
    examples = [e for e in EXAMPLES if e["lang"] == lang]
    wrong = [e["id"] for e in examples if check(e["text"], kind=e["kind"]).lang != lang]
    assert len(wrong) / len(examples) <= 0.03, wrong
