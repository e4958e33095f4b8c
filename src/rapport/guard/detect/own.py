"""The practice's own details, normalised once per check, and consent look-ups."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from rapport.guard.detect import lexicon as lx
from rapport.guard.detect.model import ConsentRef, GuardContext
from rapport.guard.detect.names import StaffIndex, staff_index

_NON_ALNUM = re.compile(r"[\W_]+")


def digits_of(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def domain_of(url: str) -> str:
    """ "https://www.Example.org/x" → "example.org"."""
    host = re.sub(r"^[a-z]+://", "", url.strip().lower()).split("/", 1)[0]
    return host.removeprefix("www.")


def squash(text: str) -> str:
    return _NON_ALNUM.sub("", text.lower())


@dataclass(frozen=True)
class Own:
    """Normalised forms of a GuardContext's "ours" fields."""

    phones: frozenset[str]
    emails: frozenset[str]
    domains: frozenset[str]
    handles: frozenset[str]
    addresses: tuple[str, ...]
    practice_names: tuple[str, ...]
    staff: StaffIndex

    def owns_phone(self, raw: str) -> bool:
        digits = digits_of(raw)
        return any(digits[-9:] == phone[-9:] for phone in self.phones if len(phone) >= 7)

    def owns_email(self, raw: str) -> bool:
        return raw.lower() in self.emails

    def owns_url(self, raw: str) -> bool:
        domain = domain_of(raw)
        return any(domain == own or domain.endswith("." + own) for own in self.domains)

    def owns_handle(self, raw: str) -> bool:
        return raw.lower().lstrip("@") in self.handles

    def owns_address(self, raw: str) -> bool:
        key = squash(raw)
        return bool(key) and any(key in own or own in key for own in self.addresses)


def own_details(context: GuardContext) -> Own:
    names = tuple(member.name for member in context.staff)
    return Own(
        phones=frozenset(digits_of(phone) for phone in context.phones),
        emails=frozenset(email.strip().lower() for email in context.emails),
        domains=frozenset(domain_of(site) for site in context.websites if site.strip()),
        handles=frozenset(handle.strip().lower().lstrip("@") for handle in context.handles),
        addresses=tuple(squash(address) for address in context.addresses if squash(address)),
        practice_names=tuple(name for name in context.practice_names if name.strip()),
        staff=staff_index(names),
    )


def _name_matches(words: tuple[str, ...], person_name: str) -> bool:
    """Every mentioned word is part of the consenting person's name (initials count)."""
    parts = {w.lower().rstrip(".") for w in re.findall(r"[^\W\d_]+\.?", person_name)}
    parts -= lx.PARTICLES
    mentioned = [w.lower().lstrip("@") for w in words if w.lower() not in lx.PARTICLES]
    if not mentioned or not parts:
        return False
    return all(
        w in parts or (len(w) == 1 and any(p.startswith(w) for p in parts)) for w in mentioned
    )


def _allows(listed: tuple[str, ...], wanted: str | None) -> bool:
    """Empty list = everything; otherwise the wanted value must be known and listed."""
    if not listed:
        return True
    return wanted is not None and wanted.lower() in {item.lower() for item in listed}


def has_consent(context: GuardContext, words: tuple[str, ...], kind: str, today: date) -> bool:
    """A consent of ``kind`` for this person, channel and purpose, valid on ``today``."""
    return any(_consent_fits(consent, context, words, kind, today) for consent in context.consents)


def _consent_fits(
    consent: ConsentRef, context: GuardContext, words: tuple[str, ...], kind: str, today: date
) -> bool:
    return (
        consent.kind == kind
        and consent.is_valid_on(today)
        and _allows(consent.channels, context.channel)
        and _allows(consent.purposes, context.purpose)
        and _name_matches(words, consent.person_name)
    )
