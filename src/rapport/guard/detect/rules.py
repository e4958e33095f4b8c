"""Rules that turn a Scan's signals into raw findings (category, span, suggestion).

Defaults, in short:
- SSN/BSN, record/account/licence/certificate numbers, device/vehicle IDs and ages over 89 are
  always findings.
- Phone numbers, emails, IPs and profile links block when their sentence is about a person
  (a name that is not staff, "patient", "her number", or "your…" in a reply); otherwise, unless
  they are the practice's own, they warn as ``unverified_contact``.
- Addresses and towns block when tied to a person; a venue address in an event post is fine.
- Dates block when tied to a person's birth/death, or to a visit/admission/treatment of a person.
- A name (or @handle) that is not staff or a provider blocks when its sentence (or a later one
  that refers back with she/he/the name) holds health information, or a patient cue precedes it.
  Featured people ("meet…", "…'s story", quotes) need consent: ``consent_missing``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from rapport.guard.detect import lexicon as lx
from rapport.guard.detect import messages as msg
from rapport.guard.detect import patterns as p
from rapport.guard.detect import replies as rp
from rapport.guard.detect.consent import STORY_CUES, required_kind
from rapport.guard.detect.identifiers import IdHit
from rapport.guard.detect.names import NameHit
from rapport.guard.detect.own import has_consent
from rapport.guard.detect.replies import find_reply_rules
from rapport.guard.detect.rewrite import (
    name_rewrite,
    removal_span,
    safe_reply,
    whole_sentence,
)
from rapport.guard.detect.scan import Scan
from rapport.guard.detect.structure import FAMOUS
from rapport.guard.detect.text import Token, words


@dataclass(frozen=True, slots=True)
class Raw:
    category: str
    start: int
    end: int
    suggestion: str


Rule = Callable[["Scan"], Iterator[Raw]]


_SOCIAL = words(
    "facebook.com fb.com instagram.com x.com twitter.com tiktok.com linkedin.com threads.net "
    "bsky.app youtube.com"
)
_ORG_HANDLE = re.compile(
    r"health|clinic|gov|org|hospital|dental|news|official|cdc|who|rivm|nhs|ggd|zorg|care|"
    r"medical|pharma|foundation|fonds|stichting|vereniging|assoc|society|journal|team|practice|"
    r"praktijk|ziekenhuis|huisarts|tandarts|insurance|verzeker|fda|nih|ama|ada|aao|unicef|"
    r"institute|instituut|college|university|universiteit",
    re.IGNORECASE,
)
_PATIENT_STORY = re.compile(
    r"\b(?:before and after|before-and-after|before/after|voor en na|voor-en-na|voor/na|"
    r"patient spotlight|patient of the (?:month|week)|patient story|patiëntverhaal|"
    r"patiënte? van de (?:maand|week)|one of our patients|a patient of ours|"
    r"een van onze patiënten|een patiënte? van ons|"
    r"(?:our|onze|this|deze) (?:patiënte?|patient)\b(?=\s*(?:,|(?-i:[A-Z])|who\b|was\b|is\b|"
    r"had\b|came\b|die\b|kwam\b|heeft\b|werd\b))|a patient (?:came|walked|visited|told|asked|called)|"
    r"een patiënte? (?:kwam|vertelde|vroeg|belde))",
    re.IGNORECASE,
)
# "the new meds are working for you": how the reader's own care is going.
_HOW_IT_WENT = re.compile(
    r"\b(?:working|worked|healing|healed|helping|helped|feels?|fits?|went|going|recovering|"
    r"bothering|hurting|bevalt|beviel|zit|zat|ging|geneest|werkt|hielp|genezen)\b",
    re.IGNORECASE,
)
_PREPOSITION = re.compile(r"(?:\b(?:on|op|dated|per|since|sinds)\s+)$", re.IGNORECASE)


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def _sentence_start(scan: Scan, offset: int) -> bool:
    start, _ = scan.doc.sentences[scan.sentence(offset)]
    return scan.doc.text[start:offset].strip(" \t\"“'(*-–—#>") == ""


# --- names and handles -----------------------------------------------------------------------


def _bridged(scan: Scan, sentence: int, words: tuple[str, ...], *, vocative: bool = False) -> bool:
    """Health information in this sentence, or in a later one that refers back to the person.

    "Referring back" is she/he/her/his, the name again, or "you" when the name was addressed
    ("Get well soon, Mrs. Patterson! … after your stroke").
    """
    if sentence in scan.health_sents:
        return True
    for other in scan.health_sents | scan.patient_sents:
        if other <= sentence:
            continue
        text = scan.doc.sentence_text(other).lower()
        others = any(h.sentence == other and h.words != words and h.role in ("unknown", "patient")
                     for h in scan.names)  # fmt: skip
        refers = other in scan.pronoun_sents or (words and words[0] in text)
        if not others and (refers or (vocative and other in scan.you_sents)):
            return True
        # "Ha Esther! Hoe gaat het met de bekkenbodem?": the sentence right after addressing them;
        # "When Coach Briggs walked in here… Frozen shoulder + 14 weeks of PT later…"
        follows = other == sentence + 1 and not others
        if follows and ((vocative and scan.addresses_reader) or sentence in scan.event_sents):
            return True
    return False


def _vocative(scan: Scan, hit: NameHit) -> bool:
    """The name is addressed: "Welkom terug Ahmed!", "Get well soon, Mrs. Patterson!"."""
    after = scan.doc.text[hit.end : hit.end + 2].lstrip()
    return hit.greeting or after[:1] in ("!", ",", "?")


_OUR_PATIENT = re.compile(r"\b(?:our|onze|this|deze)\s+(?:\w+\s+)?(?:patient|patiënte?)\b", re.I)


def _tied_names(scan: Scan) -> set[str]:
    return {
        hit.words[0]
        for hit in scan.names
        if hit.role in ("unknown", "patient")
        and hit.words
        and (
            hit.patient_cue
            or _bridged(scan, hit.sentence, hit.words, vocative=_vocative(scan, hit))
            or _OUR_PATIENT.search(scan.doc.sentence_text(hit.sentence)) is not None
            or _third_person_in_answer(scan, hit)
        )
    }


def _third_person_in_answer(scan: Scan, hit: NameHit) -> bool:
    """In a reply or comment, someone other than the reader named next to any health fact:
    "Our NICU team will be thrilled! Give Harper a squeeze from all of us"."""
    return scan.addresses_reader and not _vocative(scan, hit) and bool(scan.health_sents)


def _featured(scan: Scan, hit: NameHit) -> bool:
    if STORY_CUES.search(scan.doc.sentence_text(hit.sentence)):
        return True
    return hit.possessive and STORY_CUES.match(scan.doc.text, hit.end + 1) is not None


def name_findings(scan: Scan) -> Iterator[Raw]:
    """Names tied to health; in a text that says its person is made up they only warn."""
    for raw in _name_findings(scan):
        if scan.persona and raw.category in ("person_name", "consent_missing"):
            raw = Raw("patient_story", raw.start, raw.end, raw.suggestion)
        yield raw


_SAMPLE_CATEGORIES = ("date", "record_number", "person_name", "consent_missing")


def description_findings(scan: Scan) -> Iterator[Raw]:
    """ "The mom who came in with the twins Tuesday" next to a health or care fact."""
    named = [(h.start, h.end) for h in scan.names]
    for description in scan.descriptions:
        if _overlaps(description.start, description.end, named):
            continue  # "our sweet patient Aaliyah": the name finding covers it
        sentence = scan.sentence(description.start)
        if not _bridged(scan, sentence, ()):
            continue
        category = "patient_story" if scan.persona else "person_name"
        suggestion = msg.person_suggestion(
            scan.lang, possessive=False, sentence_start=_sentence_start(scan, description.start)
        )
        yield Raw(category, description.start, description.end, suggestion)


def _name_findings(scan: Scan) -> Iterator[Raw]:
    tied = _tied_names(scan)
    # "from Oak Park" is a town (an address finding), not a person
    quoted = [(a.start, a.end) for a in scan.attributions] + [
        (m.start("town"), m.end("town")) for m in p.TOWN_CUE.finditer(scan.doc.text)
    ]
    kind = required_kind(scan.doc.text, quoted=False)
    for hit in scan.names:
        if hit.role not in ("unknown", "patient") or not hit.words or hit.words[0] not in tied:
            continue
        if _overlaps(hit.start, hit.end, quoted):
            continue
        if has_consent(scan.context, hit.words, kind, scan.today):
            continue
        category = "consent_missing" if _featured(scan, hit) else "person_name"
        yield _name_raw(scan, hit, category)


def _name_raw(scan: Scan, hit: NameHit, category: str) -> Raw:
    if hit.greeting:
        token = next(t for t in scan.doc.tokens if t.end <= hit.start and t.sentence == hit.sentence
                     and t.lower in {"hi", "hello", "dear", "hey", "beste", "hoi", "hallo", "lieve"})  # fmt: skip
        return Raw(category, token.start, hit.end, msg.greeting_suggestion(scan.lang))
    start, end, suggestion = name_rewrite(
        scan.doc, hit.start, hit.end, scan.lang, possessive=hit.possessive
    )
    return Raw(category, start, end, suggestion)


def attribution_findings(scan: Scan) -> Iterator[Raw]:
    for attribution in scan.attributions:
        if any(attribution.start - 90 < end <= attribution.start for _, end in scan.sayings):
            continue
        if set(attribution.words) & FAMOUS or not _person_like(
            scan, attribution.start, attribution.words
        ):
            continue
        before = scan.doc.text[max(0, attribution.start - 16) : attribution.start].lower()
        before_words = set(re.findall(r"[\wë]+", before)[-2:])
        if scan.own.staff.matches(attribution.words) or before_words & (
            lx.PROVIDER_TITLES | lx.STAFF_ROLES
        ):
            continue
        if has_consent(scan.context, attribution.words, "testimonial", scan.today):
            continue
        suggestion = msg.person_suggestion(
            scan.lang, possessive=False, sentence_start=_sentence_start(scan, attribution.start)
        )
        category = "patient_story" if scan.persona else "consent_missing"
        yield Raw(category, attribution.start, attribution.end, suggestion)


def _person_like(scan: Scan, start: int, words: tuple[str, ...]) -> bool:
    """ "Sarah M.", "Mrs. Lee", "Henk": not "Myth:" or "Voltaire"."""
    if len(words) > 1:
        return True
    before = scan.doc.text[max(0, start - 8) : start].lower()
    if any(title in before for title in ("mr", "mrs", "ms", "dhr", "mevr", "meneer", "mevrouw")):
        return True
    word = words[0] if words else ""
    return word in lx.FIRST_NAMES or word in lx.WIDE_FIRST_NAMES


def handle_findings(scan: Scan) -> Iterator[Raw]:
    for hit in scan.ids:
        if hit.kind != "handle":
            continue
        handle = scan.doc.text[hit.start : hit.end]
        if scan.own.owns_handle(handle) or _ORG_HANDLE.search(handle):
            continue
        sentence = scan.sentence(hit.start)
        words = (handle.lstrip("@").lower(),)
        if not _bridged(scan, sentence, words, vocative=scan.addresses_reader):
            continue
        if has_consent(scan.context, words, required_kind(scan.doc.text, False), scan.today):
            continue
        start, end, suggestion = name_rewrite(
            scan.doc, hit.start, hit.end, scan.lang, possessive=False
        )
        yield Raw("handle", start, end, suggestion)


# --- identifiers -----------------------------------------------------------------------------


def identifier_findings(scan: Scan) -> Iterator[Raw]:
    """Identifiers; on a sample form marked as made up ("placeholder values") dates and record
    numbers only warn. Removing one takes its label along, or the sentence if it would dangle."""
    for hit in scan.ids:
        raw = _identifier(scan, hit)
        if raw is not None and scan.persona and raw.category in _SAMPLE_CATEGORIES:
            raw = Raw("patient_story", raw.start, raw.end, raw.suggestion)
        if raw is not None:
            yield raw


def _placeholder(value: str) -> bool:
    """ "000-000-000", "BSN 000000000": one digit repeated is a sample, never a person's."""
    digits = [c for c in value if c.isdigit()]
    return len(digits) >= 6 and len(set(digits)) == 1


def _identifier(scan: Scan, hit: IdHit) -> Raw | None:
    if _placeholder(scan.doc.text[hit.start : hit.end]):
        return None
    fixed = {"ssn": "national_id", "bsn": "national_id", "record": "record_number",
             "device": "device_id"}  # fmt: skip
    if hit.kind in fixed:
        return Raw(fixed[hit.kind], hit.start, hit.end, "")
    if hit.kind == "age":
        matched = scan.doc.text[hit.start : hit.end]
        return Raw("age", hit.start, hit.end, msg.age_suggestion(hit.form, scan.lang, matched))
    if hit.kind == "date":
        return _date(scan, hit)
    if hit.kind == "address":
        return _address(scan, hit)
    if hit.kind in ("phone", "email", "url", "ip"):
        return _contact(scan, hit)
    return None


def _date(scan: Scan, hit: IdHit) -> Raw | None:
    sentence = scan.sentence(hit.start)
    personal = sentence in scan.person_sents or sentence in scan.pronoun_sents
    tied = (
        sentence in scan.intrinsic_sents
        or (sentence in scan.event_sents and personal)
        or (sentence in scan.person_sents and sentence in scan.health_sents)
    )
    if not tied:
        return None
    prefix = _PREPOSITION.search(scan.doc.text, max(0, hit.start - 8), hit.start)
    start = prefix.start() if prefix else hit.start
    return Raw("date", start, hit.end, msg.date_suggestion(scan.lang, hit.year, prefix is not None))


def _address(scan: Scan, hit: IdHit) -> Raw | None:
    if scan.own.owns_address(scan.doc.text[hit.start : hit.end]):
        return None
    sentence = scan.sentence(hit.start)
    if sentence in scan.contact_sents or sentence in scan.home_sents:
        return Raw("address", hit.start, hit.end, "")
    return None


def _contact(scan: Scan, hit: IdHit) -> Raw | None:
    raw = scan.doc.text[hit.start : hit.end]
    ctx = scan.context
    owners = {
        "phone": (scan.own.owns_phone, ctx.phones),
        "email": (scan.own.owns_email, ctx.emails),
        "url": (scan.own.owns_url, ctx.websites),
        "ip": (lambda _raw: False, ()),
    }
    owns, own_values = owners[hit.kind]
    if owns(raw) or (hit.kind == "url" and not _personal_url(raw)):
        return None
    category = {"phone": "phone", "email": "email", "url": "url", "ip": "ip_address"}[hit.kind]
    sentence = scan.sentence(hit.start)
    about_health = sentence in scan.health_sents and sentence in scan.pronoun_sents
    contact_person = _CONTACT_PERSON.search(scan.doc.text, max(0, hit.start - 60), hit.start)
    if (sentence in scan.contact_sents or about_health) and not (
        contact_person and sentence not in scan.health_sents
    ):
        return Raw(category, hit.start, hit.end, "")
    if hit.kind == "phone" and p.SERVICE_NUMBER.match(raw):
        return None
    suggestion = msg.contact_suggestion(hit.kind, scan.lang, own_values)
    return Raw("unverified_contact", hit.start, hit.end, suggestion)


# "please ask for Tom Becker at …", "Bel Tom Becker op …": whom to contact, not a patient's
# number; without health information it only warns.
_CONTACT_PERSON = re.compile(
    r"\b(?i:ask for|call|ring|text|contact|reach|reach out to|email|e-mail|mail|bel|bellen met|"
    r"vraag naar|app|neem contact op met)\s+(?:[A-Z][\w'’-]+\s+){1,3}(?i:at|on|via|op|:)\s*(?:\S+\s+){0,4}?(?i:(?:or|of|and|en)\s+)?$|"
    r"(?:[A-Z][\w'’-]+\s+){1,3}(?i:bereiken|bellen|mailen|spreken)\s+(?i:via|op|at|on)\s*"
    r"(?:\S+\s+){0,4}?(?i:(?:or|of|and|en)\s+)?$"
)


def _personal_url(raw: str) -> bool:
    """A social profile (facebook.com/jane.doe) or a path naming a person (…/sarahs-story)."""
    lowered = re.sub(r"^[a-z]+://", "", raw.lower()).removeprefix("www.")
    domain, _, path = lowered.partition("/")
    if domain in _SOCIAL and path.strip("/"):
        return True
    words = re.findall(r"[a-z]+", path)
    return any(w in lx.FIRST_NAMES or w.removesuffix("s") in lx.FIRST_NAMES for w in words)


def town_findings(scan: Scan) -> Iterator[Raw]:
    tied_sents = {h.sentence for h in scan.names if h.role in ("unknown", "patient")}
    for match in p.TOWN_CUE.finditer(scan.doc.text):
        sentence = scan.sentence(match.start())
        if sentence not in tied_sents or not (
            sentence in scan.health_sents or sentence in scan.home_sents
        ):
            continue
        town = match.group("town")
        if _overlaps(match.start("town"), match.end("town"), scan.practice_spans):
            continue
        if town.lower() in lx.PROVIDER_TITLES or town.lower() in lx.PATIENT_TITLES:
            continue
        yield Raw("address", match.start(), match.end(), "")


# --- replies, stories ------------------------------------------------------------------------


def reply_findings(scan: Scan) -> Iterator[Raw]:
    if scan.kind not in ("reply", "comment"):
        return
    hits = find_reply_rules(scan.doc.text)
    for start, end, sentence in scan.health:
        if (
            (
                _about_readers_care(scan, start, sentence)
                and not rp.booking(scan.doc.text, start, end)
            )
            or _medication_for_reader(scan, start, end, sentence)
            or _demonstrative(scan, start, sentence)
        ):
            hits.append(("care_detail", start, end))
    hits.extend(("care_detail", start, end) for start, end in scan.care_facts)
    hits.extend(("care_detail", start, end) for start, end in _framed_care(scan))
    hits.extend(("patient_relationship", start, end) for start, end in _liked_staff(scan))
    flagged: dict[tuple[str, int], None] = {}
    for category, start, end in hits:
        if any(s <= start and end <= e for s, e in scan.sayings):
            continue  # a saying the practice quotes: "Laat voedsel uw medicijn zijn"
        sentence = scan.sentence(start)
        if category == "care_detail" and _POLICY.search(scan.doc.sentence_text(sentence)):
            continue
        flagged.setdefault((category, sentence), None)
    if not flagged:
        return
    # The first risky sentence becomes a whole safe reply; the others are removed.
    first = min(sentence for _, sentence in flagged)
    reply = safe_reply(scan.doc.text, scan.lang, scan.context)
    for category, sentence in sorted(flagged, key=lambda key: key[1]):
        s_start, s_end = _trimmed_sentence(scan, sentence)
        if sentence == first:
            yield Raw(category, s_start, s_end, reply)
        else:
            start, end = whole_sentence(scan.doc.text, s_start, s_end)
            yield Raw(category, start, end, "")


_DEMONSTRATIVES = words("that those die dat deze this")
_SPAN_OF_TIME = words("months weeks days years maanden weken dagen jaar of van")


def _demonstrative(scan: Scan, start: int, sentence: int) -> bool:
    """ "that plantar fasciitis", "die ontstoken tandvleesrand", "those 6 months of braces":
    a condition the reader and the practice both know."""
    before = [t.lower for t in scan.doc.tokens if t.end <= start and t.sentence == sentence]
    for back in range(1, min(5, len(before)) + 1):
        word = before[-back]
        if word in _DEMONSTRATIVES:
            between = before[len(before) - back + 1 :]
            return all(w in _SPAN_OF_TIME or w.isdigit() or w in rp.DESCRIBING for w in between)
    return False


_IMPERATIVE = words("please keep take stop continue blijf neem stop ga graag")


def _medication_for_reader(scan: Scan, start: int, end: int, sentence: int) -> bool:
    """ "Please keep taking the amlodipine": a named drug in an answer to the reader."""
    if scan.doc.text[start:end].lower() not in lx.MEDICATIONS:
        return False
    words_in = [t.lower for t in scan.doc.tokens if t.sentence == sentence]
    if _CONDITIONAL.search(scan.doc.sentence_text(sentence)):
        return False  # "Most colds don't need antibiotics, even if you feel awful."
    return sentence in scan.you_sents or bool(words_in[:2] and set(words_in[:2]) & _IMPERATIVE)


def _about_readers_care(scan: Scan, start: int, sentence: int) -> bool:
    """ "your crown", "je beugel", or "the new meds are working for you"; not "your questions
    about vaccines"."""
    before = [t.lower for t in scan.doc.tokens if t.end <= start and t.sentence == sentence]
    owner = next((i for i in range(len(before) - 1, len(before) - 4, -1)
                  if i >= 0 and before[i] in ("your", "uw", "je", "jouw")), None)  # fmt: skip
    if owner is not None and not set(before[owner + 1 :]) & rp.LINKS:
        return True
    text = scan.doc.sentence_text(sentence)
    if (
        sentence in scan.you_sents
        and _HOW_IT_WENT.search(text) is not None
        and not _CONDITIONAL.search(text)
    ):
        return True
    return _told_to_the_reader(scan, sentence, text)


_CONDITIONAL = re.compile(
    r"\b(?:if|when|whenever|als|wanneer|indien|most|meeste|anyone|iedereen)\b", re.IGNORECASE
)
# "We can't discuss your treatment here": a policy statement names a topic, not the reader's care.
_POLICY = re.compile(
    r"\b(?:can't|cannot|can not|unable to|won't|not able to|never|not allowed to)\s+(?:\w+\s+){0,2}?"
    r"(?:discuss|comment on|share|confirm|talk about|go into|disclose)\b|"
    r"\b(?:kunnen|mogen|gaan|kan|mag)\s+(?:\w+\s+){0,4}?(?:niet|geen)\s+(?:\w+\s+){0,4}?"
    r"(?:bespreken|ingaan|delen|bevestigen|zeggen)\b|\bniet\s+(?:\w+\s+){0,2}?(?:ingaan op|"
    r"bespreken)\b",
    re.IGNORECASE,
)
# General advice and policy: "if you have chest pain…", "most sinus infections…", "we can't
# discuss anyone's treatment", "your insurance may cover…".
_GENERAL = re.compile(
    r"\b(?:if|when|whenever|unless|als|wanneer|indien|zodra|mocht|anyone|everyone|iedereen|"
    r"anybody|in general|generally|usually|most|many|meeste|veel|vaak|algemeen|meestal|"
    r"can't|cannot|won't|unable|never|kunnen|mogen|geen|niet|nooit|may|might|kan|kunt|"
    r"questions?|vragen|vraag|information|informatie|tips?|remember|reminder|onthoud|"
    r"herinnering|book|boek|schedule|plan|make sure|zorg dat|check|controleer)\b",
    re.IGNORECASE,
)


def _told_to_the_reader(scan: Scan, sentence: int, text: str) -> bool:
    """In an answer, a health word in a sentence that speaks to the reader about something
    that happened or is happening: "you were right to come in with that rash"."""
    if sentence not in scan.you_sents or _GENERAL.search(text) or text.rstrip().endswith("?"):
        return False  # advice, policy, or a question to anyone reading
    return rp.PAST_OR_NOW.search(text) is not None


def _framed_care(scan: Scan) -> Iterator[tuple[int, int]]:
    """A treatment, device, visit or bill the reader had, without "your":

    - a reaction (sorry, glad, hope, jammer, fijn…) to a definite one in the same clause: "Sorry
      the crown came loose", "Fijn dat de behandeling goed verliep", "Mooi dat uw zoon nu naar
      de tandarts durft";
    - a new one: "the new aligners are doing their job";
    - one next to a moment in the past: "the mix-up at check-in last Thursday".
    """
    tokens = scan.doc.tokens
    spans = list(scan.health)
    spans += [(t.start, t.end, t.sentence) for t in tokens if t.lower in rp.VISIT_WORDS]
    if not spans:
        return
    by_sentence: dict[int, list[Token]] = {}
    for token in tokens:
        by_sentence.setdefault(token.sentence, []).append(token)
    text = scan.doc.text
    past: dict[int, bool] = {}
    for start, end, sentence in spans:
        own = by_sentence.get(sentence, [])
        before = [t for t in own if t.end <= start]
        after = next((t.lower for t in own if t.start >= end), "")
        if after in rp.TOPIC_AFTER:
            continue
        s_start, s_end = scan.doc.sentences[sentence]
        if sentence not in past:
            past[sentence] = rp.PAST_TIME.search(text, s_start, s_end) is not None
        if past[sentence]:
            yield start, end
            continue
        dets = rp.FRAME_DETERMINERS
        words_in = [t.lower for t in own]
        family = any(
            w in rp.FAMILY and i and words_in[i - 1] in (lx.SECOND_PERSON | {"jullie"})
            for i, w in enumerate(words_in)
        )
        if family:
            dets = dets | rp.THIRD_POSSESSIVES
        det = next((i for i in range(len(before) - 1, len(before) - 4, -1)
                    if i >= 0 and before[i].lower in dets), None)  # fmt: skip
        if det is None or any(t.lower in rp.LINKS for t in before[det + 1 :]):
            continue
        if before[det].lower in ("the", "de", "het") and any(
            t.lower in rp.NEW for t in before[det + 1 :]
        ):
            yield start, end
            continue
        frames = list(rp.FRAME.finditer(text, s_start, start))
        if not frames:
            continue
        frame_end = frames[-1].end()
        gap_words = [t.lower for t in before if t.start >= frame_end]
        if rp.CLAUSE_BREAK.search(text, frame_end, start) or len(gap_words) > 10:
            continue
        if set(gap_words) & rp.POLICY_WORDS:
            continue
        yield start, end
    yield from _family_care(scan, by_sentence)


def _family_care(scan: Scan, by_sentence: dict[int, list[Token]]) -> Iterator[tuple[int, int]]:
    """ "Mooi dat uw zoon nu zonder angst naar de tandarts durft": the reader's child's care."""
    text = scan.doc.text
    for sentence, own in by_sentence.items():
        words_in = [t.lower for t in own]
        for i, word in enumerate(words_in):
            if not (word in rp.FAMILY and i and words_in[i - 1] in (lx.SECOND_PERSON | {"jullie"})):
                continue
            s_start, _ = scan.doc.sentences[sentence]
            if not rp.FRAME.search(text, s_start, own[i].start):
                continue
            rest = own[i + 1 :]
            if any(t.lower in rp.VISIT_WORDS or t.lower in rp.ROLE_WORDS for t in rest) or any(
                n == sentence and s >= own[i].end for s, _e, n in scan.health
            ):
                yield own[i].start, own[i].end


_LIKED_BEFORE = re.compile(
    r"\b(?:you|u|je|jij)\b(?:\s+[\w'’]+){0,3}?\s+(?:liked|loved|enjoyed|appreciated|met|saw|"
    r"chose|(?:were|are) (?:happy|pleased|satisfied|comfortable) with|felt (?:comfortable|safe|"
    r"at ease) with|(?:tevreden|blij|te spreken|enthousiast)(?:\s+\w+)?\s+(?:over|met)|"
    r"gesproken|gezien|ontmoet)\s+(?:(?:seeing|meeting|working with|your (?:time|visit|"
    r"appointment|session) with|(?:mrs|mr|ms|dr|dokter|doctor|tandarts|de|onze)\.?)\s+){0,2}$",
    re.IGNORECASE,
)
_LIKED_AFTER = re.compile(
    r"^\s*(?:\w+\s+){0,2}?(?:vond(?:en)? het\s+(?:\w+\s+){0,4}?(?:met|om)\s+(?:u|je|jou|jullie)|"
    r"(?:says hi|said hi|sends (?:her|his|their) (?:best|regards|love)|hopes to see you|"
    r"misses you|remembers you|asked about you|(?:mentioned|noticed|said|told us) (?:that )?you|"
    r"doet (?:u|je|jullie) de groeten|groet (?:u|je|jullie)|hoopt (?:u|je|jullie))|"
    r"(?:enjoyed|loved|liked|was glad|was happy)\s+(?:seeing|meeting|treating|talking (?:to|with)|"
    r"helping|working with)\s+you)\b",
    re.IGNORECASE,
)


def _liked_staff(scan: Scan) -> Iterator[tuple[int, int]]:
    """ "Glad you liked Dr. Alvarez", "Priya vond het leuk om je te zien": the reader met staff."""
    text = scan.doc.text
    for hit in scan.names:
        if hit.role not in ("staff", "provider"):
            continue
        s_start, s_end = scan.doc.sentences[hit.sentence]
        if _LIKED_BEFORE.search(text[s_start : hit.start]) or _LIKED_AFTER.match(
            text[hit.end : s_end]
        ):
            yield hit.start, hit.end


def _trimmed_sentence(scan: Scan, sentence: int) -> tuple[int, int]:
    start, end = scan.doc.sentences[sentence]
    chunk = scan.doc.text[start:end]
    lead = len(chunk) - len(chunk.lstrip())
    return start + lead, start + len(chunk.rstrip())


def story_findings(scan: Scan) -> Iterator[Raw]:
    for match in _PATIENT_STORY.finditer(scan.doc.text):
        yield Raw("patient_story", match.start(), match.end(), "")


def term_findings(scan: Scan) -> Iterator[Raw]:
    for term in scan.context.deny_terms:
        for start, end in term_spans(scan.doc.text, term):
            yield Raw("deny_term", start, end, "")


def term_spans(text: str, term: str) -> list[tuple[int, int]]:
    term = term.strip()
    if not term:
        return []
    pattern = re.compile(r"(?<!\w)" + re.escape(term) + r"(?!\w)", re.IGNORECASE)
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def _readable(rule: Rule) -> Rule:
    """A finding whose suggestion is "remove this" removes what keeps the sentence whole."""

    def wrapped(scan: Scan) -> Iterator[Raw]:
        for raw in rule(scan):
            if raw.suggestion or raw.category == "deny_term":
                yield raw
                continue
            start, end = removal_span(scan.doc, raw.start, raw.end)
            yield Raw(raw.category, start, end, "")

    return wrapped


RULES: tuple[Rule, ...] = tuple(
    _readable(rule)
    for rule in (
        name_findings,
        description_findings,
        attribution_findings,
        handle_findings,
        identifier_findings,
        town_findings,
        reply_findings,
        story_findings,
        term_findings,
    )
)
