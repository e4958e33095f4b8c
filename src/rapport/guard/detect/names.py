"""Person names by heuristics: titles, first-name lists, particles, possessives and cues.

No statistical model: a capitalised token is a name when it is a known first name (US or Dutch),
follows a title ("Mrs.", "dhr.", "mevrouw") or a cue ("our patient", "meet", "congrats to",
"Hi"), or carries a possessive next to a health term ("Xiomara's chemo"). Each name is given a
role: "staff" (the practice's own people, or a name next to a job title), "provider" (Dr. …),
"patient" (a patient cue) or "unknown".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapport.guard.detect import lexicon as lx
from rapport.guard.detect.text import Doc, Token, words

_STOP_CAPS = words(
    """
    i a an the this that these those there here it its we our us you your they their he she his
    her him my me and or but if so of on in at to for with by from as is are was were be been
    happy thanks thank congrats congratulations welcome meet hi hello dear hey please call join
    book visit come today tomorrow tonight free new did do don't remember reminder good great big
    shout huge what when where why how who which all every each no not yes our ours let let's
    just more most some any did does doing also only after before during while because since
    until about again still now then than once very well even ever never always maybe sorry
    get got see check ask tell keep stay take make find learn read watch bring try feel
    beste lieve lief liefste geachte hallo hoi dag bedankt dank welkom gefeliciteerd proficiat fijne vandaag morgen
    onze ons wij we kom bel maak lees kijk vraag zie weet wist de het een en van voor op aan
    met bij naar dat die dit deze er ook maar nog wel als om te door over uit na tot zonder
    heel goed mooi fijn super top samen alle elke iedere geen niet wie wat waar waarom hoe
    monday tuesday wednesday thursday friday saturday sunday maandag dinsdag woensdag donderdag
    vrijdag zaterdag zondag january february march april may june july august september
    october november december januari februari maart mei juni juli augustus oktober
    clinic practice hospital center centre family dental eye eyes care health medical team
    office praktijk tandartsen huisartsen ziekenhuis kliniek apotheek group street avenue
    christmas easter thanksgiving halloween kerst pasen koningsdag sinterklaas new year
    mother father mother's father's children's women's men's valentine's world national
    us usa america american netherlands nederland dutch english instagram facebook google
    tiktok linkedin youtube twitter whatsapp covid flu faq q&a tip tips fact facts myth
    """
)
_CUE_BEFORE = words(
    "meet welcome hi hello dear hey beste lieve hoi hallo dag here's congrats congratulations thanks "
    "felicitaties proficiat gefeliciteerd cheers hats bravo kudos"
)
_CUE_BIGRAMS = frozenset(
    {
        "congrats to",
        "congratulations to",
        "shout-out to",
        "shoutout to",
        "out to",
        "proud of",
        "off to",
        "cheers to",
        "thank you",
        "this is",
        "dit is",
        "kennis met",
        "hello to",
        "hi to",
        "birthday to",
        "trots op",
        "here is",
        "story of",
        "verhaal van",
        "spotlight on",
        "words of",
        "woorden van",
    }
)
_STRONG_VERBS = words(
    "diagnosed underwent undergoes recovering recovered beat battled battling fought fighting "
    "survived rang celebrates welcomed onderging herstelt hersteld overleefde versloeg kreeg "
    "gediagnosticeerd"
)
_AFTER_PATIENT = re.compile(
    r"\s*,\s*(?:our|a|one of our|onze|een van onze|een|mijn|my)\s+(?:\w+\s+){0,2}?"
    r"(?:patient|patients|patiënt|patiënte|patiënten|client|cliënt)\b",
    re.IGNORECASE,
)
_AFTER_ROLE = re.compile(r"\s*,\s*((?:[\w-]+\s*){1,3})")
_AFTER_AGE = re.compile(r"\s*(?:,\s*\d{1,3}\s*,|\((?:\d{1,3}\)|(?:our|onze|age|aged|\d)))", re.I)
_INITIAL = re.compile(r"[A-Z]\.")
_GROUP_WORDS = words(
    "patients patiënten clients cliënten family familie parents ouders kids kinderen everyone "
    "iedereen staff personeel"
)
_ADDRESSED = re.compile(r"\s*,\s*(?:you|your|you're|je|jij|u|uw|jouw)\b", re.IGNORECASE)
_OWNERS = words("our a my onze een mijn")
_VERBS_OF = words("helps helped treats treated sees saw helpt hielp behandelt behandelde with met")
_LINKING = words("is was has had got gets heeft had werd kreeg krijgt")


@dataclass(frozen=True, slots=True)
class NameHit:
    start: int
    end: int
    words: tuple[str, ...]
    role: str
    sentence: int
    possessive: bool = False
    greeting: bool = False
    patient_cue: bool = False


@dataclass(frozen=True)
class StaffIndex:
    """Lower-case name parts of the practice's staff, one set per person."""

    people: tuple[frozenset[str], ...] = ()

    def matches(self, words: tuple[str, ...]) -> bool:
        parts = set(words) - lx.PARTICLES
        if not parts:
            return False
        return any(
            parts <= person or (len(parts) == 1 and parts & person) for person in self.people
        )


def staff_index(names: tuple[str, ...]) -> StaffIndex:
    people = []
    for name in names:
        words = {w.lower().rstrip(".") for w in re.findall(r"[^\W\d_]+\.?", name)}
        people.append(frozenset(words - lx.PARTICLES - lx.PATIENT_TITLES - lx.PROVIDER_TITLES))
    return StaffIndex(tuple(people))


def _base(token: Token) -> tuple[str, bool]:
    """The token without a possessive "'s", and whether it had one."""
    if token.lower.endswith("'s") and len(token.lower) > 3:
        return token.lower[:-2], True
    return token.lower, False


def _is_cap(token: Token) -> bool:
    return token.text[:1].isupper() and token.text[1:2] != "" and not token.text.isupper()


def _name_like(token: Token) -> bool:
    word, _ = _base(token)
    return (
        _is_cap(token)
        and word.replace("-", "").isalpha()
        and word not in _STOP_CAPS
        and word not in lx.HEALTH_TERMS
        and word not in lx.STAFF_ROLES
        and word not in lx.PATIENT_TITLES
        and word not in lx.PROVIDER_TITLES
        and word not in lx.PATIENT_WORDS
        and word not in _GROUP_WORDS
    )


def _extend(doc: Doc, index: int, limit: int = 4) -> int:
    """Index one past the last token of the name starting at ``index``."""
    tokens, end = doc.tokens, index + 1
    while (
        end < len(tokens) and end - index < limit and tokens[end].sentence == tokens[index].sentence
    ):
        if _base(tokens[end - 1])[1]:
            break
        token = tokens[end]
        gap = doc.text[tokens[end - 1].end : token.start]
        if gap.strip() not in ("", "."):
            break
        if (
            (token.lower in lx.PARTICLES and _followed_by_name(doc, end))
            or _name_like(token)
            or (len(token.text) == 1 and token.text.isupper())
        ):
            end += 1
        else:
            break
    return end


def _followed_by_name(doc: Doc, index: int) -> bool:
    for token in doc.tokens[index + 1 : index + 4]:
        if token.lower not in lx.PARTICLES:
            return _name_like(token)
    return False


def _prev_words(doc: Doc, index: int, count: int) -> list[str]:
    sentence = doc.tokens[index].sentence
    start = max(0, index - count)
    return [t.lower for t in doc.tokens[start:index] if t.sentence == sentence]


def _has_cue(doc: Doc, index: int) -> bool:
    before = _prev_words(doc, index, 2)
    if before and before[-1] in _CUE_BEFORE:
        return True
    return len(before) == 2 and " ".join(before) in _CUE_BIGRAMS


# "baby Theo", "little Noor", "kleine Jayden", "onze held Sem": a word that introduces a child.
_CHILD_CUES = words(
    "baby little lil sweet brave tiny kleine lieve dappere kleintje held heldin stoere "
    "boy girl son daughter zoon dochter zoontje dochtertje twins tweeling"
)


def _sentence_initial(doc: Doc, index: int) -> bool:
    return index == 0 or doc.tokens[index - 1].sentence != doc.tokens[index].sentence


def _wide_name(doc: Doc, index: int, word: str) -> bool:
    """A first name from the wide lists: a common word ("Door", "Hope") only mid-sentence."""
    return (
        word in lx.WIDE_FIRST_NAMES
        and word not in lx.AMBIGUOUS_FIRST_NAMES
        and word not in lx.COMMON_WORDS
    )


_VOCATIVE_LEAD = words(
    "op on go thanks thank bedankt dank hey hoi ha hi hallo hello dear beste lieve congrats "
    "congratulations gefeliciteerd proficiat succes done bravo kudos you je jij sterkte "
    "beterschap welcome welkom back terug soon onze our"
)


def _vocative_name(doc: Doc, index: int, end: int, word: str) -> bool:
    """ "Kom op Fleur!", "Well done, Hope!": a name-list word (even "Fleur") addressed."""
    if word not in lx.FIRST_NAMES and word not in lx.WIDE_FIRST_NAMES:
        return False
    after = doc.text[doc.tokens[end - 1].end : doc.tokens[end - 1].end + 1]
    if after not in ("!", ",", "?"):
        return False
    before = _prev_words(doc, index, 1)
    if not before or before[-1] in _VOCATIVE_LEAD:
        return True
    # "…dat je weer aan het werk bent, Mark!": a name closing the sentence after a comma
    gap = doc.text[doc.tokens[index - 1].end : doc.tokens[index].start]
    if "," not in gap:
        return False
    if after in ("!", "?"):
        return True
    # "…dat je weer langs de lijn staat, Henk.": a closing name in a sentence that says "you"
    sentence = doc.tokens[index].sentence
    return after == "." and any(
        t.lower in lx.SECOND_PERSON for t in doc.tokens[:index] if t.sentence == sentence
    )


def _of_trade(doc: Doc, index: int, end: int, word: str) -> bool:
    """ "Jan van de visboer", "Henk from the bakery": a first name pinned to a trade or place."""
    if word not in lx.FIRST_NAMES and word not in lx.WIDE_FIRST_NAMES:
        return False
    following = [t.lower for t in doc.tokens[end : end + 3]]
    return following[:2] in (["van", "de"], ["van", "het"], ["from", "the"], ["uit", "de"]) and (
        len(following) == 3 and doc.tokens[end + 2].text[:1].islower()
    )


def _is_candidate(doc: Doc, index: int, end: int) -> bool:
    token = doc.tokens[index]
    word, possessive = _base(token)
    if word in lx.FIRST_NAMES and word not in lx.AMBIGUOUS_FIRST_NAMES:
        return True
    if _wide_name(doc, index, word) or _vocative_name(doc, index, end, word):
        return True
    before = _prev_words(doc, index, 1)
    if before and before[-1] in _CHILD_CUES:
        return True
    if _of_trade(doc, index, end, word):
        return True
    rest = doc.text[doc.tokens[end - 1].end :]
    last = doc.tokens[end - 1].lower.removesuffix("'s")
    strong = (
        (end - index > 1 and (last in lx.SURNAMES or last in lx.WIDE_SURNAMES))
        or _has_cue(doc, index)
        or _AFTER_AGE.match(rest) is not None
        or _AFTER_PATIENT.match(rest) is not None
        or any(w in lx.PATIENT_WORDS for w in _prev_words(doc, index, 4))
    )
    if strong:
        return True
    following = doc.tokens[end : end + 3]
    if following and following[0].lower in _STRONG_VERBS:
        return True
    if _addressed(doc, index, end):
        return True
    if word in lx.FIRST_NAMES and end - index > 1:
        return True
    if word in lx.FIRST_NAMES and following and following[0].lower in _LINKING:
        sentence = [t.lower for t in doc.tokens if t.sentence == token.sentence]
        return any(w in lx.HEALTH_TERMS for w in sentence)
    return possessive and any(t.lower in lx.HEALTH_TERMS for t in following)


def _addressed(doc: Doc, index: int, end: int) -> bool:
    """ "Abdul, you crushed it!": a sentence-initial word followed by a comma and "you"."""
    if index > 0 and doc.tokens[index - 1].sentence == doc.tokens[index].sentence:
        return False
    rest = doc.text[doc.tokens[end - 1].end :]
    return _ADDRESSED.match(rest) is not None


def _title_before(doc: Doc, index: int) -> str:
    """ "patient" or "provider" when a title precedes the token at ``index``; else ""."""
    if index == 0 or doc.tokens[index - 1].sentence != doc.tokens[index].sentence:
        return ""
    previous = doc.tokens[index - 1].lower
    if previous in lx.PATIENT_TITLES:
        return "patient"
    if previous in lx.PROVIDER_TITLES:
        return "provider"
    return ""


def _role(doc: Doc, index: int, end: int, words: tuple[str, ...], staff: StaffIndex) -> str:
    if staff.matches(words):
        return "staff"
    before = _prev_words(doc, index, 3)
    title = _title_before(doc, index) if index else ""
    if title == "provider" or (before and before[-1] in lx.STAFF_ROLES):
        return "provider"
    if len(before) >= 2 and before[-2] in lx.STAFF_ROLES and before[-1] in lx.PARTICLES:
        return "provider"
    after = _AFTER_ROLE.match(doc.text, doc.tokens[end - 1].end)
    if after and any(w in lx.STAFF_ROLES for w in after.group(1).lower().split()):
        return "provider"
    return "unknown"


def _patient_cue(doc: Doc, index: int, end: int) -> bool:
    if any(w in lx.PATIENT_WORDS for w in _prev_words(doc, index, 4)):
        return True
    if _AFTER_PATIENT.match(doc.text, doc.tokens[end - 1].end) is not None:
        return True
    sentence = doc.tokens[index].sentence
    after = [t.lower for t in doc.tokens[end : end + 5] if t.sentence == sentence]
    for position, word in enumerate(after):
        if word in lx.PATIENT_WORDS:
            return bool(set(after[:position]) & _OWNERS) and not set(after[:position]) & _VERBS_OF
    return False


def find_names(doc: Doc, staff: StaffIndex, masked: list[tuple[int, int]]) -> list[NameHit]:
    """Person names in ``doc``, skipping tokens inside ``masked`` spans (emails, URLs, …)."""
    hits: list[NameHit] = []
    tokens, index = doc.tokens, 0
    while index < len(tokens):
        token = tokens[index]
        if any(start <= token.start < stop for start, stop in masked):
            index += 1
            continue
        if _starts_after_title(doc, index + 1):
            end = _extend(doc, index + 1)
            hits.append(_make_hit(doc, index + 1, end, staff, titled=True))
            index = end
            continue
        if not _name_like(token):
            index += 1
            continue
        end = _extend(doc, index)
        if not _is_candidate(doc, index, end):
            index += 1
            continue
        hits.append(_make_hit(doc, index, end, staff))
        index = end
    hits += _initials(doc, hits, masked)
    hits += _repeated(doc, hits, staff, masked)
    hits.sort(key=lambda hit: hit.start)
    return _propagate_roles(hits)


def _propagate_roles(hits: list[NameHit]) -> list[NameHit]:
    """ "Meet Kevin Okafor, our nurse practitioner! Kevin runs our asthma clinic": once a name
    is introduced as staff or a provider, its other mentions are too."""
    known = {w for h in hits if h.role in ("staff", "provider") for w in h.words}
    result = []
    for hit in hits:
        if hit.role == "unknown" and hit.words and set(hit.words) <= known:
            hit = NameHit(hit.start, hit.end, hit.words, "provider", hit.sentence,
                          hit.possessive, hit.greeting, hit.patient_cue)  # fmt: skip
        result.append(hit)
    return result


_INITIALS = re.compile(r"(?<![\w.])(?:[A-Z]\.\s?){2,3}(?![\w])")
_NOT_INITIALS = words("u.s. u.k. e.u. n.b. p.s. a.m. p.m. q.a. v.s. o.a. t.a.v. d.w.z. z.s.m.")


def _initials(doc: Doc, hits: list[NameHit], masked: list[tuple[int, int]]) -> list[NameHit]:
    """ "L.V., 34, came to us…": initials stand for a person."""
    found = []
    taken = [(h.start, h.end) for h in hits] + masked
    for match in _INITIALS.finditer(doc.text):
        start, end = match.start(), match.end()
        key = match.group().replace(" ", "").lower()
        if key in _NOT_INITIALS or any(start < e and s < end for s, e in taken):
            continue
        before = doc.text[max(0, start - 24) : start].lower().split()
        role = "unknown"
        if before and (before[-1].rstrip(".") in lx.PROVIDER_TITLES | lx.STAFF_ROLES):
            role = "provider"
        found.append(NameHit(start, end, (key,), role, doc.sentence_of(start)))
    return found


def _repeated(
    doc: Doc, hits: list[NameHit], staff: StaffIndex, masked: list[tuple[int, int]]
) -> list[NameHit]:
    """A name recognised once ("Thanks Hal") is a name wherever else it is written."""
    known = {h.words[0] for h in hits if h.words and h.role in ("unknown", "patient")}
    taken = [(h.start, h.end) for h in hits] + masked
    found = []
    index = 0
    tokens = doc.tokens
    while index < len(tokens):
        token = tokens[index]
        if (
            _base(token)[0] in known
            and _name_like(token)
            and not any(s <= token.start < e for s, e in taken)
        ):
            end = _extend(doc, index)
            found.append(_make_hit(doc, index, end, staff))
            index = end
            continue
        index += 1
    return found


def _starts_after_title(doc: Doc, index: int) -> bool:
    """True when a title precedes ``index`` and a name (maybe "de Vries", "J.") starts there."""
    if not 0 < index < len(doc.tokens) or not _title_before(doc, index):
        return False
    token = doc.tokens[index]
    if token.lower in lx.PARTICLES:
        return _followed_by_name(doc, index)
    return _name_like(token) or (len(token.text) == 1 and token.text.isupper())


def _make_hit(
    doc: Doc, index: int, end: int, staff: StaffIndex, *, titled: bool = False
) -> NameHit:
    tokens = doc.tokens
    words = tuple(_base(t)[0] for t in tokens[index:end] if len(t.text) > 1) or tuple(
        t.lower + "." for t in tokens[index:end]
    )  # "mevrouw T.": the initial stands for the name
    start = tokens[index - 1].start if titled else tokens[index].start
    role = _role(doc, index, end, words, staff)
    cue = _patient_cue(doc, index, end)
    if cue and role == "unknown":
        role = "patient"
    before = _prev_words(doc, index, 1)
    greeting = bool(before) and before[-1] in {
        "lieve",
        "hi",
        "hello",
        "dear",
        "hey",
        "beste",
        "hoi",
        "hallo",
    }
    stop = tokens[end - 1].end
    if doc.text[stop : stop + 1] == "." and _INITIAL.fullmatch(doc.text[stop - 1 : stop + 1]):
        stop += 1
    return NameHit(
        start=start,
        end=stop,
        words=words,
        role=role,
        sentence=tokens[index].sentence,
        possessive=_base(tokens[end - 1])[1],
        greeting=greeting,
        patient_cue=cue,
    )
