"""Word lists (English and Dutch) and the health-term matcher.

Lists are loaded once at import into frozensets, so a lookup is a set membership test.
Both languages' lists are always used: practices mix languages and the sets barely overlap.
"""

from __future__ import annotations

from pathlib import Path

from rapport.guard.detect.text import Doc, Token, words

_DATA = Path(__file__).parent / "data"
MAX_TERM_WORDS = 4


def load_words(name: str) -> frozenset[str]:
    """One lower-case entry per line; blank lines and ``#`` comments are skipped."""
    lines = (_DATA / name).read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.strip().lower().replace("’", "'")
        for line in lines
        if line.strip() and not line.startswith("#")
    )


_NL_TERMS = load_words("medical_nl.txt")
# Maintained vocabularies (scripts/build_guard_vocab.py): drug names, ICD-10-CM disease words,
# Dutch clinical words. Only words rare in everyday English and Dutch are in them.
MEDICATIONS = load_words("medications.txt")
WIDE_TERMS = MEDICATIONS | load_words("diagnoses_en.txt") | load_words("medical_wide_nl.txt")
HEALTH_TERMS = load_words("medical_en.txt") | _NL_TERMS | WIDE_TERMS
# Dutch glues words together ("diabetescontrole"): a long word starting with a Dutch term counts.
_NL_HEADS = frozenset(term for term in _NL_TERMS if " " not in term and len(term) >= 6)
HEALTH_SUFFIXES = (
    "itis", "ectomy", "ostomy", "otomy", "plasty", "opathy", "carcinoma", "kanker", "ziekte",
    "operatie", "ontsteking", "therapie", "behandeling", "stoornis", "verslaving", "infectie",
    "breuk", "klachten", "pijn", "tumor",
)  # fmt: skip


def _phrase_starts(terms: frozenset[str]) -> dict[str, int]:
    """First word of every multi-word term → the most words a term starting with it has."""
    starts: dict[str, int] = {}
    for term in terms:
        parts = term.split()
        if len(parts) > 1:
            starts[parts[0]] = max(starts.get(parts[0], 1), len(parts))
    return starts


_PHRASE_STARTS = _phrase_starts(HEALTH_TERMS)
_NOT_HEALTH = words(
    "sympathy empathy telepathy petitis appetite gedragsstoornis tandartsbehandeling"
)
_ACRONYMS = words("MS ER AA ADD IVF OCD PTSD")
GENERIC_AFTER = words(
    "awareness research month day week walk run ride fundraiser foundation association society "
    "prevention education fund charity campaign tips facts myths risk risks screening screenings "
    "clinic clinics season vaccine vaccines rates rate statistics cases "
    "maand dag onderzoek fonds stichting vereniging preventie voorlichting bewustwording "
    "campagne seizoen risico"
)
GENERIC_BEFORE = words("world national international wereld nationale internationale")

FIRST_NAMES = load_words("first_names_us.txt") | load_words("first_names_nl.txt")
SURNAMES = load_words("surnames_us.txt") | load_words("surnames_nl.txt")
# Wider lists (deduce, Faker): a name there that is also a common word needs a cue.
COMMON_WORDS = load_words("common_words.txt")
WIDE_FIRST_NAMES = load_words("first_names_wide.txt") - FIRST_NAMES
WIDE_SURNAMES = load_words("surnames_wide.txt") - SURNAMES
AMBIGUOUS_FIRST_NAMES = words(
    "will may june april august grace hope joy faith mark bill rose dawn summer art sue pat jean "
    "iris lily daisy jan roos lot bo max guy ray chase hunter sky storm river brook cash page "
    "frank rich sunny holly ivy angel honey jack joe bob kay ward wil floor fleur noor puck sterre "
    "loes bas stan mats ruby penny crystal amber jasmine hazel violet olive willow autumn "
    "christian jordan taylor morgan madison austin carter cooper hudson parker brooklyn "
    "savannah miles luna nova stella aurora harper evi dean lane long bell king hill green "
    "young rice stone fox black gray grant wood ford day little banks pearl eve"
)
PARTICLES = words("van de der den ten ter te 't het la le da di del della von zu el al bin ibn mc")
PATIENT_TITLES = words(
    "mr mrs ms miss mx mister dhr mevr meneer mevrouw juffrouw mw mej heer coach juf pastor dominee"
)
PROVIDER_TITLES = words("dr doctor dokter prof professor drs dra")
STAFF_ROLES = words(
    "nurse hygienist receptionist assistant doctor dentist optometrist ophthalmologist "
    "physician therapist physiotherapist manager colleague coordinator technician orthodontist "
    "surgeon pharmacist midwife dietitian dietician nutritionist intern volunteer founder owner "
    "partner provider specialist speaker author expert guest host trainer instructor "
    "educator counselor counsellor secretary administrator director ceo np pa rn lpn md dds dmd "
    "od phd optician audiologist podiatrist chiropractor psychologist psychiatrist pediatrician "
    "paediatrician radiologist anesthesiologist receptionists staff employee teammate "
    "verpleegkundige assistente assistent tandarts mondhygiënist mondhygiëniste huisarts arts "
    "doktersassistente praktijkondersteuner poh praktijkmanager collega fysiotherapeut opticien "
    "receptioniste baliemedewerker baliemedewerkster stagiair stagiaire vrijwilliger spreker "
    "diëtist verloskundige apotheker medewerker medewerkster teamlid directeur eigenaar oprichter "
    "tandartsassistente preventieassistente kaakchirurg oogarts audicien psycholoog psychiater "
    "orthodontiste tandprotheticus podotherapeut"
)
PATIENT_WORDS = words("patient patiënt patiënte client cliënt cliënte")
THIRD_PERSON = words("she he her his him hers herself himself zij hij haar hem ze")
SECOND_PERSON = words("you your yours you're you've u uw je jouw jij")
PERSON_EVENTS = words(
    "born birth birthday dob died death passed admitted admission discharged discharge visit "
    "visited appointment surgery operation procedure seen treated diagnosed delivered "
    "hospitalized hospitalised came walked checkup check-up exam scan treatment "
    "geboren geboortedatum verjaardag overleden gestorven opgenomen opname ontslagen bezoek "
    "bezocht afspraak operatie geopereerd behandeld behandeling gediagnosticeerd bevallen ingreep "
    "controle consult kwam gezien"
)
INTRINSIC_EVENTS = words(
    "born birth dob died geboren geboortedatum overleden gestorven birthdate deceased"
)
CONTACT_NOUNS = words(
    "number phone cell mobile email e-mail address home house nummer telefoonnummer "
    "mobiele mail adres huis woning"
)


_HASHTAG_HEADS = frozenset(
    term for term in HEALTH_TERMS - WIDE_TERMS if " " not in term and len(term) >= 4
)


def _hashtag_health(word: str) -> bool:
    """ "#NICUstrong", "#chemodone": a hashtag that starts with a health word."""
    return any(word[:k] in _HASHTAG_HEADS for k in range(4, min(len(word), 14) + 1))


def _health_at(tokens: tuple[Token, ...], index: int) -> int:
    """Number of tokens of the health term starting at ``index`` (0 if none)."""
    word = tokens[index].lower.removesuffix("'s")
    longest = _PHRASE_STARTS.get(word, 1)
    for size in range(min(longest, len(tokens) - index), 1, -1):
        words = tokens[index : index + size]
        if words[-1].sentence != words[0].sentence:
            continue
        if " ".join(token.lower for token in words) in HEALTH_TERMS:
            return size
    if word in HEALTH_TERMS:
        return 1
    if word in _NOT_HEALTH:
        return 0
    if tokens[index].text in _ACRONYMS:
        return 1
    if "-" in word and any(part in HEALTH_TERMS for part in word.split("-") if len(part) > 2):
        return 1
    if len(word) >= 10 and any(word[:k] in _NL_HEADS for k in range(6, len(word) - 3)):
        return 1
    if len(word) >= 10 and any(word[k:] in _NL_HEADS for k in range(3, len(word) - 5)):
        return 1
    if len(word) > 6 and word.endswith(HEALTH_SUFFIXES):
        suffix = next(s for s in HEALTH_SUFFIXES if word.endswith(s))
        return 1 if len(word) > len(suffix) + 2 else 0
    return 0


def _is_generic(tokens: tuple[Token, ...], index: int, size: int) -> bool:
    """ "Diabetes awareness month", "World Cancer Day": the term names a topic, not a person's."""
    after = index + size
    if after < len(tokens) and tokens[after].lower in GENERIC_AFTER:
        return True
    return index > 0 and tokens[index - 1].lower in GENERIC_BEFORE


def health_spans(doc: Doc) -> list[tuple[int, int, int]]:
    """Health terms as ``(start, end, sentence)``; topic uses ("diabetes awareness") skipped."""
    spans: list[tuple[int, int, int]] = []
    tokens = doc.tokens
    index = 0
    while index < len(tokens):
        size = _health_at(tokens, index)
        token = tokens[index]
        if not size and doc.text[token.start - 1 : token.start] == "#":
            size = int(_hashtag_health(token.lower))
        if size and not _is_generic(tokens, index, size):
            last = tokens[index + size - 1]
            spans.append((tokens[index].start, last.end, tokens[index].sentence))
        index += size or 1
    return spans
