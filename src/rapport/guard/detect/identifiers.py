"""Find identifier candidates (numbers, contacts, dates, ages, addresses, handles) in a text.

Each finder returns raw hits; ``find_identifiers`` resolves overlaps so that a labelled record
number is not also reported as a phone number, an email not also as a URL, and so on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from rapport.guard.detect import patterns as p
from rapport.guard.detect.text import words


@dataclass(frozen=True, slots=True)
class IdHit:
    """An identifier candidate. ``kind`` is a detector name, ``year`` set for dates with a year."""

    kind: str
    start: int
    end: int
    priority: int
    year: str = ""
    form: int = 0


_AGE_UNITS = words(
    "minutes min mins seconds sec percent procent dollars euro euros days dagen weeks weken "
    "months maanden hours uur minuten seconden patients patiënten people mensen"
)
_NEEDS_LABEL = words(
    "record patient patiënt chart member policy health plan healthplan insurance subscriber group "
    "account claim invoice license licence driver's drivers certificate cert passport case "
    "medicaid medicare prescription rx dossier polis rijbewijs"
)


def _phones(text: str) -> Iterator[IdHit]:
    for match in p.PHONE.finditer(text):
        raw = match.group().rstrip(" .-(")
        before = text[max(0, match.start() - 24) : match.start()]
        has_keyword = p.PHONE_KEYWORD.search(before) is not None
        if p.phone_is_plausible(raw, has_keyword):
            yield IdHit("phone", match.start(), match.start() + len(raw), 40)


def _emails(text: str) -> Iterator[IdHit]:
    for match in p.EMAIL.finditer(text):
        yield IdHit("email", match.start(), match.end(), 90)


def _urls(text: str) -> Iterator[IdHit]:
    for match in p.URL.finditer(text):
        raw = match.group().rstrip(".,;:!?)]}'\"”’")
        yield IdHit("url", match.start(), match.start() + len(raw), 80)


def _ips(text: str) -> Iterator[IdHit]:
    for regex in (p.IPV4, p.IPV6):
        for match in regex.finditer(text):
            if p.ip_is_valid(match.group()):
                yield IdHit("ip", match.start(), match.end(), 85)


def _national_ids(text: str) -> Iterator[IdHit]:
    for match in p.SSN.finditer(text):
        yield IdHit("ssn", match.start(), match.end(), 95)
    for match in p.SSN_KEYWORD.finditer(text):
        yield IdHit("ssn", match.start("value"), match.end("value"), 96)
    for match in p.BSN_KEYWORD.finditer(text):
        yield IdHit("bsn", match.start("value"), match.end("value"), 96)
    for match in p.BSN.finditer(text):
        digits = "".join(c for c in match.group() if c.isdigit())
        if len(digits) == 9 and p.bsn_is_valid(digits):
            yield IdHit("bsn", match.start(), match.end(), 94)


def _records(text: str) -> Iterator[IdHit]:
    for match in p.RECORD_KEYWORD.finditer(text):
        keyword = match.group(0)[: match.start("value") - match.start()].lower()
        first = re.split(r"[\s:#]", keyword.strip(), maxsplit=1)[0]
        if first in _NEEDS_LABEL and match.group("label") is None:
            continue
        if sum(c.isdigit() for c in match.group("value")) >= 3:
            yield IdHit("record", match.start("value"), match.end("value"), 97)
    for regex in (p.IBAN, p.CARD):
        for match in regex.finditer(text):
            digits = "".join(c for c in match.group() if c.isdigit())
            if regex is p.IBAN or (13 <= len(digits) <= 19 and p.luhn_is_valid(digits)):
                yield IdHit("record", match.start(), match.end(), 97)


def _devices(text: str) -> Iterator[IdHit]:
    for match in p.DEVICE_KEYWORD.finditer(text):
        if any(c.isdigit() for c in match.group("value")):
            yield IdHit("device", match.start("value"), match.end("value"), 98)
    for regex in (p.VIN, p.MAC):
        for match in regex.finditer(text):
            yield IdHit("device", match.start(), match.end(), 93)


def _dates(text: str) -> Iterator[IdHit]:
    has_month = p.ANY_MONTH.search(text) is not None
    has_digits = sum(1 for char in text if char.isdigit()) >= 3
    for index, regex in enumerate(p.DATE_PATTERNS):
        if not (has_month if index < p.TEXTUAL_DATES else has_digits):
            continue
        for match in regex.finditer(text):
            groups = match.groupdict()
            if groups.get("a") is not None and not p.date_is_valid(
                int(groups["a"]), int(groups["b"])
            ):
                continue
            day = groups.get("day")
            if day is not None and not 1 <= int(day) <= 31:
                continue
            yield IdHit("date", match.start(), match.end(), 60, year=groups.get("year") or "")


def _ages(text: str) -> Iterator[IdHit]:
    if p.OLD_AGE.search(text) is None:
        return
    for form, regex in enumerate(p.AGE_PATTERNS):
        for match in regex.finditer(text):
            if not 90 <= int(match.group("n")) <= 130:
                continue
            if p.AGE_GROUP_AFTER.match(text, match.end()) or p.AGE_GROUP_BEFORE.search(
                text, max(0, match.start() - 12), match.start()
            ):
                continue
            following = text[match.end() : match.end() + 12].split()
            if following and following[0].strip(".,!?").lower() in _AGE_UNITS:
                continue
            start = match.start("n") if form >= 10 else match.start()
            end = match.end("n") if form >= 10 else match.end()
            yield IdHit("age", start, end, 70, form=form)


def _addresses(text: str) -> Iterator[IdHit]:
    last = len(p.ADDRESS_PATTERNS) - 1
    for index, regex in enumerate(p.ADDRESS_PATTERNS):
        for match in regex.finditer(text):
            if index == last and match.group()[4:].strip()[:2] in p.POSTCODE_STOP:
                continue
            yield IdHit("address", match.start(), match.end(), 50)


def _handles(text: str) -> Iterator[IdHit]:
    for match in p.HANDLE.finditer(text):
        yield IdHit("handle", match.start(), match.end(), 75)


_FINDERS: tuple[Callable[[str], Iterator[IdHit]], ...] = (
    _phones,
    _emails,
    _urls,
    _ips,
    _national_ids,
    _records,
    _devices,
    _dates,
    _ages,
    _addresses,
    _handles,
)


_LONG_NUMBERS = frozenset({_phones, _national_ids, _records, _ips})
_SHORT_NUMBERS = frozenset({_ages, _addresses})


def find_identifiers(text: str) -> list[IdHit]:
    """All identifier hits, overlaps resolved by priority (then by length), sorted by start.

    Detectors that need digits are skipped for texts without enough of them (most captions).
    """
    digits = sum(1 for char in text if char.isdigit())
    hits = [
        hit
        for finder in _FINDERS
        if (digits >= 3 or finder not in _LONG_NUMBERS) and (digits or finder not in _SHORT_NUMBERS)
        for hit in finder(text)
    ]
    hits.sort(key=lambda hit: (-hit.priority, -(hit.end - hit.start), hit.start))
    kept: list[IdHit] = []
    for hit in hits:
        if all(hit.end <= other.start or hit.start >= other.end for other in kept):
            kept.append(hit)
    kept.sort(key=lambda hit: hit.start)
    return kept
