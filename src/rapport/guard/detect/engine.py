"""``check()``: run every rule over a text and turn the hits into a Report."""

from __future__ import annotations

from datetime import date

from rapport.guard.detect import messages as msg
from rapport.guard.detect.lang import detect_lang
from rapport.guard.detect.model import (
    KINDS,
    LANGS,
    MAX_TEXT_LENGTH,
    Finding,
    GuardContext,
    Report,
    resolve_policy,
)
from rapport.guard.detect.normalise import (
    Normalised,
    disguise_findings,
    normalise,
    normalise_context,
)
from rapport.guard.detect.own import own_details
from rapport.guard.detect.rules import RULES, Raw, term_spans
from rapport.guard.detect.scan import build_scan
from rapport.guard.detect.text import make_doc

_EMPTY_CONTEXT = GuardContext()


def _validate(text: str, kind: str, lang: str) -> None:
    if not isinstance(text, str):
        raise ValueError(f"text must be a string; got {type(text).__name__}")
    if not text.strip():
        raise ValueError("text is empty: give the post, reply or comment to check")
    if len(text) > MAX_TEXT_LENGTH:
        raise ValueError(
            f"text is {len(text):,} characters; the guard checks at most {MAX_TEXT_LENGTH:,}"
        )
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}; got {lang!r}")


def check(
    text: str, kind: str = "post", lang: str = "auto", context: GuardContext | None = None
) -> Report:
    """Check one text before it is published.

    ``kind`` is "post", "reply" (the practice answering a review, comment or message) or
    "comment" (the practice commenting in a thread; reply rules apply too). ``lang`` is "en",
    "nl" or "auto". ``context`` carries the practice's own details, consents and policy.
    Raises ValueError for empty text, text over 100,000 characters, or a bad kind, lang or policy.
    The rules read the text with disguises undone (``normalise``); findings point at the
    original characters, and hidden characters or look-alike letters are findings too.
    """
    _validate(text, kind, lang)
    ctx = normalise_context(context) if context is not None else _EMPTY_CONTEXT
    policy = resolve_policy(ctx.policy)
    plain = normalise(text)
    doc = make_doc(plain.text)
    resolved = detect_lang(doc) if lang == "auto" else lang
    today = ctx.today or date.today()
    scan = build_scan(doc, kind, resolved, ctx, own_details(ctx), today)
    raws = [raw for rule in RULES for raw in rule(scan)]
    raws = _drop_allowed(plain.text, raws, ctx.allow_terms)
    raws = [_in_original(plain, raw) for raw in raws] + _disguises(text)
    findings = _findings(text, raws, policy, resolved)
    return Report(verdict=_verdict(findings), findings=findings, lang=resolved)


def _in_original(plain: Normalised, raw: Raw) -> Raw:
    """The rules read the normalised text; a finding marks the characters the author typed."""
    start, end = plain.span(raw.start, raw.end)
    return Raw(raw.category, start, end, raw.suggestion)


def _disguises(text: str) -> list[Raw]:
    """Hidden characters and look-alike letters are findings of their own (on the original)."""
    return [Raw(d.category, d.start, d.end, d.suggestion) for d in disguise_findings(text)]


def _drop_allowed(text: str, raws: list[Raw], allow_terms: tuple[str, ...]) -> list[Raw]:
    """Allow terms suppress every finding (except deny terms) whose span overlaps them."""
    terms = [normalise(term).text for term in allow_terms]
    allowed = [span for term in terms for span in term_spans(text, term)]
    if not allowed:
        return raws
    return [
        raw
        for raw in raws
        if raw.category == "deny_term"
        or not any(raw.start < end and start < raw.end for start, end in allowed)
    ]


def _findings(text: str, raws: list[Raw], policy: dict[str, str], lang: str) -> tuple[Finding, ...]:
    unique: dict[tuple[str, int, int], Raw] = {}
    for raw in raws:
        if policy[raw.category] != "off":
            unique.setdefault((raw.category, raw.start, raw.end), raw)
    findings = [
        Finding(
            category=raw.category,
            start=raw.start,
            end=raw.end,
            text=text[raw.start : raw.end],
            message=msg.message(raw.category, lang),
            suggestion=raw.suggestion,
            severity=policy[raw.category],
        )
        for raw in unique.values()
    ]
    findings.sort(key=lambda f: (f.start, f.end, f.category))
    return tuple(findings)


def _verdict(findings: tuple[Finding, ...]) -> str:
    severities = {finding.severity for finding in findings}
    if "block" in severities:
        return "block"
    return "warn" if "warn" in severities else "ok"
