"""One pass over a text that gathers every signal the rules need.

The signals are per sentence: does it mention health, a person who may be a patient, an event
in someone's care (born, admitted, visit), a staff cue ("10 years with us")? Rules then combine
them, e.g. "a date is risky when its sentence names a person and an event in their care".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from rapport.guard.detect import lexicon as lx
from rapport.guard.detect.consent import Attribution, find_attributions
from rapport.guard.detect.identifiers import IdHit, find_identifiers
from rapport.guard.detect.model import GuardContext
from rapport.guard.detect.names import NameHit, find_names
from rapport.guard.detect.own import Own
from rapport.guard.detect.structure import (
    Description,
    care_fact_spans,
    find_descriptions,
    is_persona_text,
    saying_spans,
)
from rapport.guard.detect.text import Doc

STAFF_CUE = re.compile(
    r"\b(?:years? (?:with us|of service|on the team|at (?:our|the) (?:practice|clinic|office))|"
    r"joined (?:our|the) team|joins? (?:us|our team)|to the team|new (?:team member|hire|colleague)|"
    r"work anniversary|employee of the|staff member|team member|retire(?:s|d|ment)?|"
    r"welkom in ons team|in dienst|jubileum|"
    r"jaar bij ons|versterkt ons team|nieuwe collega|werkt (?:al|hier)|met pensioen|pensioen|"
    r"afscheid van (?:onze|ons))\b",
    re.IGNORECASE,
)
_POSSESSIVE_CONTACT = re.compile(
    r"\b(?P<who>his|her|their|your|zijn|haar|hun|uw|je|jouw)\s+(?:[\w-]+\s+)?"
    r"(?:phone|number|cell|mobile|email|e-mail|address|home|nummer|telefoonnummer|mobiele|"
    r"mail|adres|e-mailadres)\b",
    re.IGNORECASE,
)
_DEATH = re.compile(
    r"\b(?:rest in peace|passed away|in loving memory|in memoriam|rust zacht|overleden|overlijden|"
    r"overleed|death of|passing of|"
    r"condolences|condoleances|funeral|uitvaart|obituary)\b",
    re.IGNORECASE,
)
_HOME = re.compile(r"\b(?:lives|living|home|resident|woont|wonend|woonachtig|thuis)\b", re.I)
_PERSON_ROLES = ("unknown", "patient")


@dataclass
class Scan:
    doc: Doc
    kind: str
    lang: str
    context: GuardContext
    own: Own
    today: date
    ids: list[IdHit]
    names: list[NameHit]
    attributions: list[Attribution]
    health: list[tuple[int, int, int]]
    practice_spans: list[tuple[int, int]]
    descriptions: list[Description] = field(default_factory=list)
    care_facts: list[tuple[int, int]] = field(default_factory=list)
    sayings: list[tuple[int, int]] = field(default_factory=list)
    persona: bool = False
    health_sents: set[int] = field(default_factory=set)
    person_sents: set[int] = field(default_factory=set)
    contact_sents: set[int] = field(default_factory=set)
    pronoun_sents: set[int] = field(default_factory=set)
    event_sents: set[int] = field(default_factory=set)
    intrinsic_sents: set[int] = field(default_factory=set)
    home_sents: set[int] = field(default_factory=set)
    patient_sents: set[int] = field(default_factory=set)
    you_sents: set[int] = field(default_factory=set)

    @property
    def addresses_reader(self) -> bool:
        return self.kind in ("reply", "comment")

    def sentence(self, offset: int) -> int:
        return self.doc.sentence_of(offset)


_GENERIC_NAME_WORDS = frozenset(
    [
        "the",
        "de",
        "het",
        "family",
        "dental",
        "medical",
        "health",
        "huisartsen",
        "tandartsen",
        "huisarts",
        "tandarts",
        "praktijk",
        "practice",
        "clinic",
        "kliniek",
        "centrum",
        "center",
        "centre",
        "care",
        "zorg",
        "group",
        "groep",
    ]
)


def _practice_words(own: Own) -> list[str]:
    """The practice's names and their distinctive first word ("Lakeside")."""
    names = list(own.practice_names)
    for name in own.practice_names:
        first = name.split()[0] if name.split() else ""
        if len(first) >= 4 and first[:1].isupper() and first.lower() not in _GENERIC_NAME_WORDS:
            names.append(first)
    return names


def _practice_spans(text: str, own: Own) -> list[tuple[int, int]]:
    lower = text.lower()
    spans = []
    for name in _practice_words(own):
        needle, start = name.lower(), 0
        while (found := lower.find(needle, start)) >= 0:
            spans.append((found, found + len(needle)))
            start = found + len(needle)
    return spans


def _with_staff_cues(doc: Doc, names: list[NameHit]) -> list[NameHit]:
    """Names in a sentence like "10 years with us" are staff unless a patient cue says otherwise."""
    cued = {i for i in range(len(doc.sentences)) if STAFF_CUE.search(doc.sentence_text(i))}
    result = []
    for hit in names:
        if hit.sentence in cued and hit.role == "unknown":
            hit = NameHit(hit.start, hit.end, hit.words, "staff", hit.sentence, hit.possessive,
                          hit.greeting, hit.patient_cue)  # fmt: skip
        result.append(hit)
    return result


def build_scan(
    doc: Doc, kind: str, lang: str, context: GuardContext, own: Own, today: date
) -> Scan:
    ids = find_identifiers(doc.text)
    practice = _practice_spans(doc.text, own)
    masked = practice + [
        (h.start, h.end) for h in ids if h.kind in ("email", "url", "handle", "address")
    ]
    names = _with_staff_cues(doc, find_names(doc, own.staff, masked))
    name_spans = [(h.start, h.end) for h in names] + practice
    health = [
        span
        for span in lx.health_spans(doc)
        if all(span[1] <= s or span[0] >= e for s, e in name_spans)
    ]
    scan = Scan(doc, kind, lang, context, own, today, ids, names,
                find_attributions(doc.text), health, practice)  # fmt: skip
    scan.descriptions = find_descriptions(doc.text)
    scan.care_facts = care_fact_spans(doc.text)
    scan.sayings = saying_spans(doc.text)
    scan.persona = is_persona_text(doc.text)
    _mark_sentences(scan)
    return scan


def _mark_sentences(scan: Scan) -> None:
    scan.health_sents = {sentence for _, _, sentence in scan.health}
    # a birth weight, a stay, a bill with its amount: care facts without a health word
    scan.health_sents |= {scan.sentence(start) for start, _ in scan.care_facts}
    scan.person_sents |= {scan.sentence(d.start) for d in scan.descriptions}
    for hit in scan.names:
        if hit.role in _PERSON_ROLES:
            scan.person_sents.add(hit.sentence)
    for token in scan.doc.tokens:
        _mark_token(scan, token.lower, token.sentence)
    for index in range(len(scan.doc.sentences)):
        sentence = scan.doc.sentence_text(index)
        for match in _POSSESSIVE_CONTACT.finditer(sentence):
            if scan.addresses_reader or match.group("who").lower() not in lx.SECOND_PERSON:
                scan.contact_sents.add(index)
        if _HOME.search(sentence):
            scan.home_sents.add(index)
        if _DEATH.search(sentence):
            scan.intrinsic_sents.add(index)
    scan.contact_sents |= scan.person_sents


def _mark_token(scan: Scan, word: str, sentence: int) -> None:
    if word in lx.SECOND_PERSON:
        scan.you_sents.add(sentence)
    if word in lx.PATIENT_WORDS:
        scan.person_sents.add(sentence)
        scan.patient_sents.add(sentence)
    elif word in lx.THIRD_PERSON or (scan.addresses_reader and word in lx.SECOND_PERSON):
        scan.pronoun_sents.add(sentence)
    if word in lx.PERSON_EVENTS:
        scan.event_sents.add(sentence)
    if word in lx.INTRINSIC_EVENTS:
        scan.intrinsic_sents.add(sentence)
