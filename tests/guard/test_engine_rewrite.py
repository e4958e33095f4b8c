"""Safer wording that reads well (issue 8, item 4): suggestions are grammatical, safe sentences."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from rapport.guard import GuardContext, check

CORPUS = Path(__file__).parent / "corpus"
LAKESIDE = GuardContext(
    practice_names=("Lakeside Family Practice", "Lakeside Huisartsen en Tandartsen"),
    phones=("(555) 201-3344", "+31 20 123 4567"),
)


def _apply(
    text: str, category: str, kind: str = "post", context: GuardContext | None = None
) -> str:
    finding = next(
        f for f in check(text, kind=kind, context=context).findings if f.category == category
    )
    return text[: finding.start] + finding.suggestion + text[finding.end :]


@pytest.mark.parametrize(
    ("text", "category", "rewritten"),
    [
        # the review's example: an addressed name goes with its comma
        (
            "Thanks for visiting us on Tuesday, Karen! Your crown is in.",
            "person_name",
            "Thanks for visiting us on Tuesday! Your crown is in.",
        ),
        (
            "Get well soon, Mrs. Patterson! We heard about your stroke.",
            "person_name",
            "Get well soon! We heard about your stroke.",
        ),
        (
            "Gefeliciteerd Daan, je beugel is eraf!",
            "person_name",
            "Gefeliciteerd, je beugel is eraf!",
        ),
        (
            "Linda, your prescription refill was approved this morning.",
            "person_name",
            "Your prescription refill was approved this morning.",
        ),
        # a word that already says who: the name goes, or "little" becomes "little one"
        (
            "Our sweet patient Aaliyah got her cast off today!",
            "person_name",
            "Our sweet patient got her cast off today!",
        ),
        (
            "Happy 5th birthday to little Mason, who came in for his first cleaning this week!",
            "person_name",
            "Happy 5th birthday to little one, who came in for his first cleaning this week!",
        ),
        # elsewhere "a patient", capitalised at the start of a sentence
        (
            "Sarah is recovering well after her knee replacement.",
            "person_name",
            "A patient is recovering well after her knee replacement.",
        ),
        (
            "@jenny_r had her wisdom teeth out today, so brave!",
            "handle",
            "A patient had her wisdom teeth out today, so brave!",
        ),
        # an identifier goes with the word that introduced it, or with its sentence
        (
            "Found a wallet in the waiting room with SSN 512-44-9013 inside.",
            "national_id",
            "Found a wallet in the waiting room inside.",
        ),
        ("Her MRN is 12345678. She is doing fine.", "record_number", "She is doing fine."),
        (
            "Pat Sullivan from Elm Grove is recovering from a broken hip.",
            "address",
            "Pat Sullivan is recovering from a broken hip.",
        ),
    ],
)
def test_a_suggestion_reads_well_in_place(text: str, category: str, rewritten: str) -> None:
    assert _apply(text, category) == rewritten


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("We're sorry your crown came loose last week.", "en", "(555) 201-3344"),
        (
            "Thanks for visiting us, Karen! Glad the crown feels good.",
            "en",
            "Lakeside Family Practice",
        ),
        ("Jammer dat u zo lang moest wachten op uw afspraak.", "nl", "+31 20 123 4567"),
        (
            "Bedankt voor uw bezoek, fijn dat de behandeling goed ging!",
            "nl",
            "Lakeside Huisartsen en Tandartsen",
        ),
    ],
)
def test_a_risky_reply_sentence_becomes_a_whole_safe_reply(
    text: str, lang: str, expected: str
) -> None:
    report = check(text, kind="reply", context=LAKESIDE)
    reply = next(
        f for f in report.findings if f.category in ("care_detail", "patient_relationship")
    )
    assert expected in reply.suggestion
    assert report.lang == lang
    # the safe reply is itself safe, and reads as a reply in the reply's language
    safe = check(reply.suggestion, kind="reply", context=LAKESIDE)
    assert safe.verdict == "ok", safe.findings
    assert safe.lang == lang


def test_without_workspace_details_the_safe_reply_still_reads_well() -> None:
    report = check("Sorry we kept you waiting on Monday.", kind="reply")
    suggestion = report.findings[0].suggestion
    assert "contact us directly" in suggestion
    assert "{" not in suggestion and check(suggestion, kind="reply").verdict == "ok"


def test_only_the_first_risky_sentence_offers_the_safe_reply_the_others_go() -> None:
    text = "Thanks for coming in on Monday! We're sorry your filling hurt. Have a great day."
    findings = [f for f in check(text, kind="reply", context=LAKESIDE).findings
                if f.category in ("care_detail", "patient_relationship")]  # fmt: skip
    first, *rest = sorted(findings, key=lambda f: f.start)
    assert first.suggestion.startswith("Thank you")
    assert rest and all(f.suggestion == "" for f in rest)
    later = rest[0]
    assert (
        text[: later.start] + text[later.end :]
        == "Thanks for coming in on Monday! Have a great day."
    )


def _blocked_examples() -> list[dict[str, str]]:
    return [
        example
        for path in sorted(CORPUS.glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
        and (example := json.loads(line))["label"] == "block"
        and "context" not in example
    ]


_BROKEN = re.compile(
    r"  |\s[,.!?;:]|\(\s*\)|^\s*[,.]|\b(?:a patient|een patiënt) (?:a patient|een patiënt)"
)


def test_taking_every_suggestion_one_by_one_ends_in_safe_readable_text() -> None:
    """What the checker's "Use safer wording" buttons do, on every blocked corpus text."""
    broken, still_blocked = [], []
    for example in _blocked_examples():
        text = example["text"]
        for _ in range(12):
            if not text.strip():
                break
            findings = [
                f for f in check(text, kind=example["kind"]).findings if f.severity == "block"
            ]
            if not findings:
                break
            finding = findings[0]
            text = text[: finding.start] + finding.suggestion + text[finding.end :]
        if text.strip() and check(text, kind=example["kind"]).verdict == "block":
            still_blocked.append((example["id"], text))
        if _BROKEN.search(text):
            broken.append((example["id"], text))
    assert not still_blocked, still_blocked[:5]
    assert not broken, broken[:5]
