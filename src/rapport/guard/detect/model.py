"""The guard's public data types: findings, reports, the workspace context, categories, policy.

Everything here is immutable and free of I/O so that the web UI, the API, the approval workflow
and the CLI can share one vocabulary.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

KINDS = ("post", "reply", "comment")
LANGS = ("auto", "en", "nl")
SEVERITIES = ("block", "warn", "off")
CONSENT_KINDS = ("testimonial", "photo", "video", "story")
MAX_TEXT_LENGTH = 100_000

_CATEGORY_LABELS: dict[str, dict[str, str]] = {
    "person_name": {
        "en": "Name of a person tied to health information",
        "nl": "Naam van een persoon gekoppeld aan gezondheidsinformatie",
    },
    "handle": {
        "en": "Social-media handle tied to health information",
        "nl": "Social-media-account gekoppeld aan gezondheidsinformatie",
    },
    "address": {"en": "Address, town or postal code", "nl": "Adres, woonplaats of postcode"},
    "date": {"en": "Date tied to a person", "nl": "Datum gekoppeld aan een persoon"},
    "age": {"en": "Age over 89", "nl": "Leeftijd boven de 89"},
    "phone": {"en": "Phone or fax number", "nl": "Telefoon- of faxnummer"},
    "email": {"en": "Email address", "nl": "E-mailadres"},
    "url": {"en": "Web address pointing at a person", "nl": "Webadres dat naar een persoon wijst"},
    "ip_address": {"en": "IP address", "nl": "IP-adres"},
    "national_id": {
        "en": "Social security number or BSN",
        "nl": "Burgerservicenummer (BSN) of social security number",
    },
    "record_number": {
        "en": "Record, health-plan, account, licence or certificate number",
        "nl": "Dossier-, polis-, rekening-, rijbewijs- of certificaatnummer",
    },
    "device_id": {
        "en": "Vehicle or device identifier, serial number",
        "nl": "Kenteken, apparaat- of serienummer",
    },
    "patient_relationship": {
        "en": "Confirms someone is a patient",
        "nl": "Bevestigt dat iemand patiënt is",
    },
    "care_detail": {
        "en": "Visit, treatment, billing or record details",
        "nl": "Details over bezoek, behandeling, rekening of dossier",
    },
    "consent_missing": {
        "en": "Testimonial or patient story without valid consent",
        "nl": "Getuigenis of patiëntverhaal zonder geldige toestemming",
    },
    "deny_term": {
        "en": "Term your practice has blocked",
        "nl": "Door uw praktijk geblokkeerde term",
    },
    "hidden_characters": {
        "en": "Invisible characters inside a word",
        "nl": "Onzichtbare tekens in een woord",
    },
    "mixed_script": {
        "en": "Look-alike letters from another alphabet",
        "nl": "Letters uit een ander alfabet die op gewone letters lijken",
    },
    "patient_story": {
        "en": "Story about a specific patient",
        "nl": "Verhaal over een specifieke patiënt",
    },
    "unverified_contact": {
        "en": "Contact detail not known to be the practice's",
        "nl": "Contactgegeven dat niet van de praktijk bekend is",
    },
}

CATEGORIES: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {key: MappingProxyType(labels) for key, labels in _CATEGORY_LABELS.items()}
)
"""Category key → short human label in English ("en") and Dutch ("nl")."""

# Hidden characters and look-alike letters warn: the detectors read the text with them undone,
# so a name or number they hide still blocks under its own category; the warning tells the
# author to type the word plainly (a pasted soft hyphen or a Greek "α" is rarely malicious).
_WARN_CATEGORIES = frozenset(
    {"patient_story", "unverified_contact", "hidden_characters", "mixed_script"}
)

DEFAULT_POLICY: Mapping[str, str] = MappingProxyType(
    {key: ("warn" if key in _WARN_CATEGORIES else "block") for key in _CATEGORY_LABELS}
)
"""Identifiers and anything confirming a patient relationship block; softer signals warn."""


@dataclass(frozen=True)
class Finding:
    """One risky span: ``text == original[start:end]``; ``suggestion`` may replace it in place.

    An empty ``suggestion`` means "remove this span".
    """

    category: str
    start: int
    end: int
    text: str
    message: str
    suggestion: str
    severity: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "message": self.message,
            "suggestion": self.suggestion,
            "severity": self.severity,
        }


@dataclass(frozen=True)
class Report:
    """The guard's verdict on one text: "block", "warn" or "ok", with findings sorted by start."""

    verdict: str
    findings: tuple[Finding, ...]
    lang: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "lang": self.lang,
            "findings": [finding.to_dict() for finding in self.findings],
        }


@dataclass(frozen=True)
class StaffMember:
    """Someone who works at the practice; their name is never a patient's."""

    name: str
    title: str = ""


@dataclass(frozen=True)
class ConsentRef:
    """A signed consent from a person to be featured.

    Empty ``channels`` or ``purposes`` mean "all". ``signed_on`` None means "on file, date unknown".
    A consent counts on day D when signed_on <= D, D <= expires_on and D < revoked_on.
    """

    person_name: str
    kind: str
    channels: tuple[str, ...] = ()
    purposes: tuple[str, ...] = ()
    signed_on: date | None = None
    expires_on: date | None = None
    revoked_on: date | None = None

    def __post_init__(self) -> None:
        if self.kind not in CONSENT_KINDS:
            raise ValueError(
                f"consent kind must be one of {', '.join(CONSENT_KINDS)}; got {self.kind!r}"
            )

    def is_valid_on(self, day: date) -> bool:
        if self.signed_on is not None and self.signed_on > day:
            return False
        if self.expires_on is not None and day > self.expires_on:
            return False
        return self.revoked_on is None or day < self.revoked_on


@dataclass(frozen=True)
class GuardContext:
    """The workspace's own details ("ours", never a patient's) and its guard settings.

    ``channel``/``purpose`` describe where the text will go; a consent limited to some channels or
    purposes only counts when the text's channel/purpose is known and listed. ``today`` defaults to
    the current date at check time. ``policy`` maps a category to "block", "warn" or "off" and is
    merged over ``DEFAULT_POLICY``.
    """

    practice_names: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    websites: tuple[str, ...] = ()
    handles: tuple[str, ...] = ()
    staff: tuple[StaffMember, ...] = ()
    consents: tuple[ConsentRef, ...] = ()
    channel: str | None = None
    purpose: str | None = None
    today: date | None = None
    allow_terms: tuple[str, ...] = ()
    deny_terms: tuple[str, ...] = ()
    policy: Mapping[str, str] = field(default_factory=dict)


def resolve_policy(overrides: Mapping[str, str]) -> dict[str, str]:
    """DEFAULT_POLICY with ``overrides`` applied; raises ValueError naming a bad key or value."""
    policy = dict(DEFAULT_POLICY)
    for category, severity in overrides.items():
        if category not in CATEGORIES:
            raise ValueError(
                f"unknown guard category {category!r} in policy; known: {', '.join(CATEGORIES)}"
            )
        if severity not in SEVERITIES:
            raise ValueError(
                f"policy for {category!r} must be one of {', '.join(SEVERITIES)}; got {severity!r}"
            )
        policy[category] = severity
    return policy
