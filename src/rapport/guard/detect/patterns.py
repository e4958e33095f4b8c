"""Precompiled regular expressions for identifiers, and the checks that validate their matches.

Compiled once at import; every call of the guard only runs ``finditer`` over the text.
"""

from __future__ import annotations

import re

from rapport.guard.detect.text import words

_NUM_SUFFIX = r"(?:\s*(?:number|no\.?|nr\.?|#|id)\b)?"
_VALUE = r"\s*(?:is\s+|was\s+|[:#=.]\s*)?(?P<value>#?[A-Za-z]{0,4}[-\s/]?\d[\dA-Za-z\-/.]{1,24}[\dA-Za-z](?: \d{3,6}(?!\w)){0,3})"

PHONE = re.compile(r"(?<![\w+/.\-])(?:\+|00)?\(?\d[\d \t().\-]{5,20}\d(?![\w/]|[.\-]\d)")
PHONE_KEYWORD = re.compile(
    r"\b(?:phone|tel|telephone|call|text|fax|cell|mobile|mob|bel|gsm|telefoon|mobiel|nummer)\b",
    re.IGNORECASE,
)
EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
URL = re.compile(
    r"(?:\bhttps?://|\bwww\.)[^\s<>\"'“”]+"
    r"|\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+"
    r"(?:com|org|net|nl|be|edu|gov|io|co|info|health|care|us|uk|de|eu|me|app|dev|biz|ly)\b"
    r"(?:/[^\s<>\"'“”]*)?",
    re.IGNORECASE,
)
IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)")
IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{1,4}:){2,7}:?[0-9A-Fa-f]{0,4}(?![\w:])")
SSN = re.compile(r"(?<![\w-])(?!000|666|9\d\d)\d{3}([- .])(?!00)\d{2}\1(?!0000)\d{4}(?![\w-])")
SSN_KEYWORD = re.compile(
    r"\b(?:ssn|social security(?: number| no\.?| #)?)\s*(?:is\s+|[:#]\s*)?"
    r"(?P<value>\d{3}[- .]?\d{2}[- .]?\d{4})\b",
    re.IGNORECASE,
)
BSN = re.compile(
    r"(?<![\w.\-+])(?:\d{9}|\d{4}\.\d{2}\.\d{3}|\d{3}([ .])\d{3}\1\d{3})(?![\w\-]|[.,]\d)"
)
# Toll-free and service numbers belong to organisations, never to a patient.
SERVICE_NUMBER = re.compile(r"^(?:\+?1[ .\-]?)?\(?8(?:00|88|77|66|55|44|33)\b|^0(?:800|900|90\d)")
BSN_KEYWORD = re.compile(
    r"\b(?:bsn|burgerservicenummer|sofinummer|sofi-nummer)" + _NUM_SUFFIX + _VALUE,
    re.IGNORECASE,
)
RECORD_KEYWORD = re.compile(
    r"\b(?:mrn|medical record|record|patient|patiënt|chart|member|policy|health ?plan|insurance|"
    r"subscriber|group|account|acct|claim|invoice|(?:driver'?s\s+)?licen[cs]e|certificate|cert|"
    r"passport|case|medicaid|medicare|prescription|rx|"
    r"patiëntnummer|patientnummer|dossiernummer|dossiernr|patiëntnr|patientnr|polisnr|klantnr|"
    r"relatienr|verzekerdennr|dossier|polisnummer|polis|verzekerdennummer|"
    r"relatienummer|klantnummer|rekeningnummer|factuurnummer|declaratienummer|rijbewijsnummer|"
    r"rijbewijs|certificaatnummer|paspoortnummer|zorgpasnummer|registratienummer|iban)"
    r"(?P<label>\s*(?:(?:number|numbers|nummer|id|ID)\b|(?:no|nr)\b\.?|#)|(?=\s*[:#]))?" + _VALUE,
    re.IGNORECASE,
)
IBAN = re.compile(r"\b[A-Z]{2}\d{2}\s?[A-Z]{4}(?:\s?\d{4}){2}\s?\d{2}\b")
CARD = re.compile(r"(?<![\d-])\d{4}([ -]?)\d{4}\1\d{4}\1\d{1,7}(?![\d-])")
DEVICE_KEYWORD = re.compile(
    r"\b(?:serial(?:\s+(?:number|no\.?|#))?|s/n|sn(?=\s*[:#])|device\s+(?:id|number|serial)|imei|"
    r"udi|vin|(?:license|licence|number)\s+plate|plate(?:\s+number)?|kenteken|serienummer|"
    r"apparaatnummer|chassisnummer|pacemaker\s+(?:id|serial)|implant\s+(?:id|serial))" + _VALUE,
    re.IGNORECASE,
)
VIN = re.compile(r"\b(?=[A-HJ-NPR-Z0-9]*\d)(?=[A-HJ-NPR-Z0-9]*[A-HJ-NPR-Z])[A-HJ-NPR-Z0-9]{17}\b")
MAC = re.compile(r"\b(?:[0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}\b")

_EN_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)"
)
_NL_MONTH = (
    r"(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
    r"jan|feb|mrt|apr|jun|jul|aug|sept|sep|okt|nov|dec)"
)
DATE_PATTERNS = (
    re.compile(
        r"\b" + _EN_MONTH + r"\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\b"
        r"(?:,?\s+(?P<year>\d{4})\b)?"
    ),
    re.compile(
        r"\b(?:the\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?"
        + _EN_MONTH
        + r"\b\.?(?:,?\s+(?P<year>\d{4})\b)?"
    ),
    re.compile(
        r"\b(?P<day>\d{1,2})(?:e|ste|de)?\s+" + _NL_MONTH + r"\b\.?"
        r"(?:\s+(?P<year>\d{4})\b)?",
        re.IGNORECASE,
    ),
    re.compile(r"\b" + _EN_MONTH + r"\.?,?\s+(?P<year>\d{4})\b"),
    re.compile(r"\b" + _NL_MONTH + r"\s+(?P<year>\d{4})\b", re.IGNORECASE),
    re.compile(
        r"(?<![\d/.\-])(?P<a>\d{1,2})([/.\-])(?P<b>\d{1,2})\2(?P<year>\d{4}|\d{2})(?![\d/\-]|\.\d)"
    ),
    re.compile(
        r"(?<![\d/.\-])(?P<year>(?:19|20)\d{2})([/.\-])(?P<a>\d{1,2})\2(?P<b>\d{1,2})(?![\d/\-])"
    ),
    re.compile(
        r"(?:(?<=\bon )|(?<=\bop )|(?<=\bdd )|(?<=since )|(?<=sinds )|(?<=dated ))(?P<a>\d{1,2})/(?P<b>\d{1,2})(?![\d/])"
    ),
)

AGE_PATTERNS = (
    re.compile(r"\b(?P<n>\d{2,3})[- ](?:year|yr)s?[- ]old\b", re.IGNORECASE),
    re.compile(r"\b(?P<n>\d{2,3})\s+(?:years|yrs)\s+(?:old|of age|young)\b", re.IGNORECASE),
    re.compile(r"\bage(?:d|\s+of)?\s+(?P<n>\d{2,3})\b", re.IGNORECASE),
    re.compile(r"\b(?P<n>\d{2,3})(?:st|nd|rd|th)\s+birthday\b", re.IGNORECASE),
    re.compile(r"\bturn(?:s|ed|ing)\s+(?P<n>\d{2,3})\b", re.IGNORECASE),
    re.compile(r"\b(?P<n>\d{2,3})\s+jaar\s+(?:oud|jong)\b", re.IGNORECASE),
    re.compile(r"\b(?P<n>\d{2,3})-jarige\b", re.IGNORECASE),
    re.compile(r"\b(?P<n>\d{2,3})(?:e|ste)\s+verjaardag\b", re.IGNORECASE),
    re.compile(
        r"\b(?:wordt|werd|is)\s+(?:vandaag\s+|morgen\s+|zondag\s+|zaterdag\s+)?(?P<n>\d{2,3})(?:\s+jaar)?(?![.,]?\d|\s*(?:°|%|procent|percent|graden|degrees|kg|kilo|cm|mg))(?!\s*(?:jaar\s+)?(?:in|bij|geleden|lang|getrouwd|samen))\b",
        re.IGNORECASE,
    ),
    re.compile(r"\bleeftijd\s+(?:van\s+)?(?P<n>\d{2,3})\b", re.IGNORECASE),
    re.compile(r"(?<=[A-Za-zë])\s*\((?P<n>\d{2,3})\)"),
    re.compile(r"(?<=[A-Za-zë]),\s+(?P<n>\d{2,3}),"),
)
AGE_GROUP_AFTER = re.compile(
    r"\s*(?:\+|plus\b|and (?:older|over|up)|or (?:older|over)|en (?:ouder|ouderen)|of ouder)",
    re.IGNORECASE,
)
AGE_GROUP_BEFORE = re.compile(
    r"(?:over|above|under|ouder dan|boven|onder|tot|up to|from|vanaf)\s*$", re.IGNORECASE
)

_US_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|"
    "NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC"
)
_STREET_EN = (
    r"(?:Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Drive|Dr|Boulevard|Blvd|Court|Ct|Way|Place|Pl|"
    r"Terrace|Ter|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Square|Sq|Trail|Trl|Loop|Row)"
)
_STREET_NL = (
    r"(?:straat|laan|weg|plein|gracht|kade|singel|dijk|steeg|hof|dreef|pad|markt|baan|wal|ring|"
    r"park|plantsoen|veld|erf|allee|akker|haven|dam|kwartier|straatweg|boulevard)"
)
ADDRESS_PATTERNS = (
    re.compile(
        r"\b\d{1,5}[A-Za-z]?\s+(?:[NSEW]\.?\s+)?(?:[A-Z][a-z]+\.?\s+){1,3}" + _STREET_EN + r"\b\.?"
        r"(?:,?\s+(?:Apt|Apartment|Unit|Suite|Ste|#)\.?\s*[\w-]+)?"
        r"(?:,\s+[A-Z][a-z]+(?:\s[A-Z][a-z]+)?,?\s+(?:"
        + _US_STATES
        + r")\b(?:\s+\d{5}(?:-\d{4})?)?)?"
    ),
    re.compile(
        r"\b[A-Z][a-zà-ÿ]*(?:[-\s][A-Za-zà-ÿ]+){0,2}" + _STREET_NL + r"\s+\d{1,4}"
        r"(?:\s?[a-zA-Z]\b|-\d+)?(?:,?\s+[1-9]\d{3}\s?[A-Z]{2}(?:\s+[A-Z][a-zà-ÿ]+)?)?"
    ),
    re.compile(r"\b(?:" + _US_STATES + r")\s+\d{5}(?:-\d{4})?\b"),
    re.compile(
        r"\b(?:zip|zip code|postcode|postal code)\s*:?\s*\d{4,5}(?:\s?[A-Z]{2}|-\d{4})?\b",
        re.IGNORECASE,
    ),
    re.compile(r"\b\d{5}-\d{4}\b"),
    re.compile(r"\b[1-9]\d{3}\s?(?!SA|SD|SS)[A-Z]{2}\b(?:\s+[A-Z][a-zà-ÿ]+)?"),
)
ANY_MONTH = re.compile(r"\b(?:" + _EN_MONTH + "|" + _NL_MONTH + r")\b", re.IGNORECASE)
TEXTUAL_DATES = 5  # the first five DATE_PATTERNS need a month name
OLD_AGE = re.compile(r"(?<!\d)(?:9\d|1[0-2]\d|130)(?!\d)")
POSTCODE_STOP = words(
    "OK TV EN NL US AM PM CT MD DO OF OR IN ON AT IT IS BE BY TO NO UP WE MY ME HE DE UK EU "
    "BC AD CE HR PR VS OP"
)
TOWN_CUE = re.compile(
    r"\b(?:from|lives in|living in|resident of|uit|woont in|woonachtig in|wonend te)\s+"
    r"(?P<town>[A-Z][a-zà-ÿ'’]+(?:[\s-][A-Z][a-zà-ÿ]+)?)"
)
HANDLE = re.compile(r"(?<![\w@./])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?")


def bsn_is_valid(digits: str) -> bool:
    """The BSN 11-proof: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 must be a multiple of 11 (and not 0)."""
    if len(digits) == 8:
        digits = "0" + digits
    if len(digits) != 9 or not digits.isdigit() or int(digits) == 0:
        return False
    total = sum(int(d) * weight for d, weight in zip(digits[:8], range(9, 1, -1), strict=True))
    return (total - int(digits[8])) % 11 == 0


def luhn_is_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def phone_is_plausible(raw: str, has_keyword: bool) -> bool:
    """US (NANP) and Dutch numbers, or any international number written with + or 00."""
    digits = "".join(c for c in raw if c.isdigit())
    has_separator = any(not c.isdigit() for c in raw.lstrip("+"))
    if raw.startswith(("+", "00")):
        return 9 <= len(digits) <= 15
    if digits.startswith("0"):
        return len(digits) == 10 or (len(digits) in (8, 11) and digits[:2] in ("08", "09"))
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10 or digits[0] in "01" or digits[3] in "01":
        return False
    return has_separator or has_keyword


def ip_is_valid(raw: str) -> bool:
    if ":" in raw:
        groups = raw.split(":")
        has_hex_letter = any(c in "abcdefABCDEF" for c in raw)
        return "::" in raw or len(groups) >= 6 or (has_hex_letter and len(groups) >= 4)
    return all(part.isdigit() and int(part) <= 255 for part in raw.split("."))


def date_is_valid(a: int, b: int) -> bool:
    """Day and month in either order (3/14 and 14/3 both count)."""
    return (1 <= a <= 12 and 1 <= b <= 31) or (1 <= b <= 12 and 1 <= a <= 31)
