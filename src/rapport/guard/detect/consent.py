"""Testimonials and patient stories: who is quoted or featured, and which consent that needs.

A quote attributed to a person ("…" — Sarah M.; Sarah says: "…"; zegt Kees) needs a
"testimonial" consent. A named person featured in a story needs a "story" consent, or "video" /
"photo" when the text says it shows one. The strongest kind wins: testimonial, video, photo, story.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapport.guard.detect.text import words

_NAME = (
    r"(?P<name>(?:(?:Mr|Mrs|Ms|Miss|Dhr|Mevr|Mevrouw|Meneer|Mw)\.?\s+)?"
    r"(?:[A-Z][\w'’\-]+|[A-Z]\.)(?:\s+(?:(?:van|de|der|den|ter|ten|te)\s+)*"
    r"(?:[A-Z][\w'’\-]*\.?)){0,3})"
)
_OPEN = '"“„«'
_CLOSE = '"”“»'
_QUOTE = r"[" + _OPEN + r"][^" + _OPEN + _CLOSE + r"\n]{6,600}[" + _CLOSE + r"]"
_SAYS = (
    r"(?i:says|said|shares|shared|writes|wrote|tells us|told us|explains|adds|zegt|zei|vertelt|"
    r"vertelde|schrijft|schreef|aldus|deelt)"
)
_PATIENT = r"(?i:(?:our|onze|patient|patiënte?|happy|proud|blije|trotse)\s+)*"

ATTRIBUTIONS = (
    re.compile(_QUOTE + r"\s*[,.!?]?\s*(?:[—–~]|-{1,2})\s*" + _PATIENT + _NAME),
    re.compile(_QUOTE + r"\s*[,.]?\s*" + _SAYS + r"\s+" + _PATIENT + _NAME),
    re.compile(_PATIENT + _NAME + r"\s+" + _SAYS + r"\s*:?\s*[" + _OPEN + r"]"),
    re.compile(_NAME + r"\s*:\s*[" + _OPEN + r"]"),
    re.compile(
        r"\b(?i:review|testimonial|recensie|beoordeling|getuigenis) (?i:from|by|van|door)\s+"
        + _NAME
    ),
    re.compile(r"\bin " + _NAME + r"(?:'s|’s) (?:own )?words\b"),
    re.compile(r"\bin de woorden van\s+" + _NAME),
)
_NOT_PEOPLE = words(
    "we our us i you they he she it this that the a an wij ons onze ik u je jij zij hij ze het "
    "de een dit dat patient patiënt patiënte review testimonial story spotlight update tip quote "
    "note reminder team everyone staff dr doctor dokter prof tandarts huisarts"
)
STORY_CUES = re.compile(
    r"\b(?:story|stories|journey|spotlight|testimonial|review|transformation|makeover|"
    r"before and after|before-and-after|before/after|in (?:her|his|their) own words|"
    r"patient of the (?:month|week)|verhaal|ervaring|getuigenis|recensie|transformatie|"
    r"voor en na|voor-en-na|voor/na|patiënte? van de (?:maand|week)|here'?s|here is|meet|"
    r"maak kennis met|dit is)\b",
    re.IGNORECASE,
)
_VIDEO = re.compile(r"\b(?:video|watch|film|filmpje|vlog|reel|kijk)\b", re.IGNORECASE)
_PHOTO = re.compile(
    r"\b(?:photo|photos|picture|pictured|pic|pics|selfie|before and after|before/after|"
    r"foto|foto's|afbeelding|voor en na|voor/na)\b",
    re.IGNORECASE,
)
_TESTIMONIAL = re.compile(r"\b(?:testimonial|review|recensie|getuigenis)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Attribution:
    """A person a quote is attributed to: span of the name and its words."""

    start: int
    end: int
    words: tuple[str, ...]


def _words(name: str) -> tuple[str, ...]:
    words = re.findall(r"[^\W\d_]+", name)
    titles = {"mr", "mrs", "ms", "miss", "dhr", "mevr", "mevrouw", "meneer", "mw"}
    return tuple(w.lower() for w in words if w.lower() not in titles)


_QUOTED_PATTERNS = 4
_KEYWORDS = re.compile(r"review|testimonial|recensie|beoordeling|getuigenis|words|woorden", re.I)


def find_attributions(text: str) -> list[Attribution]:
    found: dict[int, Attribution] = {}
    has_quote = any(char in text for char in _OPEN)
    has_keyword = _KEYWORDS.search(text) is not None
    for index, pattern in enumerate(ATTRIBUTIONS):
        if not (has_quote if index < _QUOTED_PATTERNS else has_keyword):
            continue
        for match in pattern.finditer(text):
            name = match.group("name").rstrip()
            start = match.start("name")
            end = start + len(name)
            name, end = _trim_name(name, end)
            words = _words(name)
            if words and words[0] not in _NOT_PEOPLE and start not in found:
                found[start] = Attribution(start, end, words)
    return sorted(found.values(), key=lambda a: a.start)


def _trim_name(name: str, end: int) -> tuple[str, int]:
    """Drop a trailing possessive from the span: "Sarah's" → "Sarah"."""
    for suffix in ("'s", "’s"):
        if name.endswith(suffix):
            return name[: -len(suffix)], end - len(suffix)
    return name, end


def required_kind(text: str, quoted: bool) -> str:
    """The consent kind a feature of a person needs in this text."""
    if quoted or _TESTIMONIAL.search(text):
        return "testimonial"
    if _VIDEO.search(text):
        return "video"
    if _PHOTO.search(text):
        return "photo"
    return "story"
