"""Plain-language messages and safer rewrites, in English and Dutch."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "person_name": {
        "en": "Naming someone next to health information tells the world they are a patient, "
        "which is protected health information.",
        "nl": "Een naam naast gezondheidsinformatie laat zien dat iemand patiënt is, en dat is "
        "beschermde medische informatie.",
    },
    "handle": {
        "en": "Tagging someone's account next to health information reveals they are a patient.",
        "nl": "Iemands account taggen naast gezondheidsinformatie verraadt dat diegene patiënt is.",
    },
    "address": {
        "en": "An address, town or postal code tied to a person helps identify a patient.",
        "nl": "Een adres, woonplaats of postcode bij een persoon helpt een patiënt te herkennen.",
    },
    "date": {
        "en": "A full date tied to a person (birth, visit, admission, discharge or death) can "
        "identify a patient; a year alone is safer.",
        "nl": "Een volledige datum bij een persoon (geboorte, bezoek, opname, ontslag of "
        "overlijden) kan een patiënt herkenbaar maken; alleen het jaar is veiliger.",
    },
    "age": {
        "en": "Ages over 89 are rare enough to identify a person, so privacy rules require "
        "grouping them as 90 or older.",
        "nl": "Leeftijden boven de 89 zijn zo zeldzaam dat ze iemand herkenbaar maken; noem "
        "liever '90-plus'.",
    },
    "phone": {
        "en": "This phone number belongs to a person, not to the practice, and must not be "
        "published.",
        "nl": "Dit telefoonnummer hoort bij een persoon, niet bij de praktijk, en mag niet "
        "gepubliceerd worden.",
    },
    "email": {
        "en": "This email address belongs to a person, not to the practice, and must not be "
        "published.",
        "nl": "Dit e-mailadres hoort bij een persoon, niet bij de praktijk, en mag niet "
        "gepubliceerd worden.",
    },
    "url": {
        "en": "This link points at a person's page or profile and ties them to this post.",
        "nl": "Deze link wijst naar iemands pagina of profiel en koppelt diegene aan dit bericht.",
    },
    "ip_address": {
        "en": "An IP address can be traced back to a person and has no place in a public post.",
        "nl": "Een IP-adres is naar een persoon te herleiden en hoort niet in een openbaar bericht.",
    },
    "national_id": {
        "en": "This looks like a social security number or Dutch BSN, which must never be "
        "published.",
        "nl": "Dit lijkt op een burgerservicenummer (BSN) of social security number, en dat mag "
        "nooit gepubliceerd worden.",
    },
    "record_number": {
        "en": "Record, insurance, account, licence and certificate numbers identify a person "
        "and must never be published.",
        "nl": "Dossier-, polis-, rekening-, rijbewijs- en certificaatnummers identificeren een "
        "persoon en mogen nooit gepubliceerd worden.",
    },
    "device_id": {
        "en": "Serial numbers, device IDs and licence plates can be traced back to a person.",
        "nl": "Serienummers, apparaatnummers en kentekens zijn naar een persoon te herleiden.",
    },
    "patient_relationship": {
        "en": "A public reply must not confirm that the reviewer is or was a patient.",
        "nl": "Een openbare reactie mag niet bevestigen dat iemand patiënt is of was.",
    },
    "care_detail": {
        "en": "A public reply must not mention anyone's visit, treatment, bill, medication, "
        "attendance or records.",
        "nl": "Een openbare reactie mag niets zeggen over iemands bezoek, behandeling, rekening, "
        "medicatie, aanwezigheid of dossier.",
    },
    "consent_missing": {
        "en": "Quoting or featuring a named person needs their signed, current consent for "
        "this kind of use, channel and purpose, and none is on file.",
        "nl": "Iemand met naam citeren of uitlichten mag alleen met een geldige, getekende "
        "toestemming voor dit gebruik, kanaal en doel, en die is er niet.",
    },
    "deny_term": {
        "en": "Your practice has put this term on its blocked list.",
        "nl": "Uw praktijk heeft deze term op de lijst met verboden woorden gezet.",
    },
    "hidden_characters": {
        "en": "This word contains invisible characters, such as zero-width spaces or soft "
        "hyphens. They can hide a name or a number from checks and may show up oddly once "
        "published: use the plain word instead.",
        "nl": "Dit woord bevat onzichtbare tekens, zoals spaties zonder breedte of zachte "
        "afbreekstreepjes. Die kunnen een naam of nummer voor controles verbergen en worden na "
        "publicatie soms vreemd getoond: gebruik het gewone woord.",
    },
    "mixed_script": {
        "en": "This word mixes letters from different alphabets, such as a Cyrillic 'а' that "
        "looks like a Latin 'a'. Look-alike letters can hide a name or a number from checks: "
        "type the word again with ordinary letters.",
        "nl": "Dit woord mengt letters uit verschillende alfabetten, zoals een Cyrillische 'а' "
        "die op een gewone 'a' lijkt. Zulke letters kunnen een naam of nummer voor controles "
        "verbergen: typ het woord opnieuw met gewone letters.",
    },
    "patient_story": {
        "en": "This reads as a story about a specific patient; make sure nobody can be "
        "recognised and consent is on file.",
        "nl": "Dit leest als een verhaal over een specifieke patiënt; zorg dat niemand "
        "herkenbaar is en dat er toestemming is.",
    },
    "unverified_contact": {
        "en": "This contact detail is not one of the practice's own, so check it does not "
        "belong to a patient or staff member's private account.",
        "nl": "Dit contactgegeven staat niet bij de praktijkgegevens; controleer dat het niet "
        "van een patiënt of een privé-account is.",
    },
}

_PERSON = {"en": "a patient", "nl": "een patiënt"}
_PERSON_POSSESSIVE = {"en": "a patient's", "nl": "de"}
_GREETING = {"en": "Hi there", "nl": "Hallo"}
_OFFICE_PHONE = {"en": "our office number", "nl": "ons praktijknummer"}
_OFFICE_EMAIL = {"en": "our office email", "nl": "ons praktijkmailadres"}
_RECENTLY = {"en": "recently", "nl": "onlangs"}
_AGE = {
    0: {"en": "senior", "nl": "senior"},
    1: {"en": "over 89 years old", "nl": "over 89 years old"},
    2: {"en": "aged 90 or over", "nl": "aged 90 or over"},
    3: {"en": "milestone birthday", "nl": "milestone birthday"},
    4: {"en": "celebrates a milestone birthday", "nl": "celebrates a milestone birthday"},
    5: {"en": "ouder dan 89", "nl": "ouder dan 89"},
    6: {"en": "hoogbejaarde", "nl": "hoogbejaarde"},
    7: {"en": "bijzondere verjaardag", "nl": "bijzondere verjaardag"},
    9: {"en": "leeftijd boven de 89", "nl": "leeftijd boven de 89"},
}


def message(category: str, lang: str) -> str:
    return MESSAGES[category][lang]


def person_suggestion(lang: str, *, possessive: bool, sentence_start: bool) -> str:
    text = (_PERSON_POSSESSIVE if possessive else _PERSON)[lang]
    return text[:1].upper() + text[1:] if sentence_start else text


def greeting_suggestion(lang: str) -> str:
    return _GREETING[lang]


def contact_suggestion(kind: str, lang: str, own: tuple[str, ...]) -> str:
    """The practice's own phone/email/website when known, else a placeholder to fill in."""
    if own:
        return own[0]
    if kind == "phone":
        return _OFFICE_PHONE[lang]
    if kind == "email":
        return _OFFICE_EMAIL[lang]
    return ""


def date_suggestion(lang: str, year: str, with_preposition: bool) -> str:
    """Keep only the year (Safe Harbor allows it): "on 3/14/2025" → "in 2025"."""
    if year:
        year = year if len(year) == 4 else "20" + year
        return f"in {year}" if with_preposition else year
    return _RECENTLY[lang] if with_preposition else ""


def age_suggestion(form: int, lang: str, matched: str) -> str:
    if form in (10, 11):
        return "90+"
    if form == 8:
        verb = matched.split()[0]
        return f"{verb} {'ouder dan 89' if lang == 'nl' else 'over 89'}"
    return _AGE[form][lang]
