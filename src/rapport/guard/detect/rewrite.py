"""Safer wordings that read well in place (issue 8, item 4).

A finding's suggestion replaces ``text[start:end]``, so the span and the suggestion are chosen
together: the result must be a grammatical sentence that no longer discloses anything.

- A name someone is addressed by is dropped with its comma ("Get well soon, Mrs. Patterson!" →
  "Get well soon!"); a name after a word that already says who ("our patient Aaliyah", "little
  Mason") is dropped or becomes "one"; elsewhere "a patient" / "een patiënt".
- A removed identifier takes the word that introduced it along ("at 555-…", "BSN:"); if what is
  left of the sentence would dangle ("Her MRN is."), the whole sentence goes.
- A risky sentence in a reply becomes a whole safe reply in the reply's language — thank, take it
  offline, the practice's phone number — built from the workspace's details.
"""

from __future__ import annotations

import re

from rapport.guard.detect.model import GuardContext
from rapport.guard.detect.text import Doc, words

_PATIENT = {"en": "a patient", "nl": "een patiënt"}
_PATIENT_POSSESSIVE = {"en": "a patient's", "nl": "de"}
_PATIENT_NOUN = {"en": "patient", "nl": "patiënt"}
# words that already say who the person is: the name after them can simply go
_WHO_NOUNS = words(
    "patient patiënt patiënte client cliënt baby boy girl son daughter friend neighbour neighbor "
    "mom mum dad zoon dochter vriend vriendin buurvrouw buurman held heldin hero champ star"
)
_DETERMINERS = words("our my the a this onze mijn de het een deze dit")
_LITTLE = {"little": "one", "tiny": "one", "sweet": "one", "brave": "one"}
_CONNECTORS = words(
    "at on via to with met is was are: op naar is was: number nummer nr no tel phone email e-mail mail "
    "call bel ssn bsn mrn"
)
_DANGLING = words(
    "a an the of to at on in for with from by via is are was were be and or our your his her "
    "their my de het een van aan op in voor met bij naar is zijn was waren en of onze uw haar "
    "hun mijn als call bel mail email"
)


def vocative_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span to delete for an addressed name, or None when the name is not addressed.

    ", Karen!" / ", Mrs. Patterson." (comma before, end of sentence after), "Thanks Jess, …",
    and a name that opens the sentence followed by a comma.
    """
    after = text[end : end + 1]
    before = text[:start].rstrip(" \t")
    if before.endswith(",") and after in ("!", ".", "?", ""):
        return len(before) - 1, end
    if after in ("!", ",", "?") and before and before[-1:].isalpha():
        lead = re.search(r"(\w+)$", before)
        if lead and lead.group(1).lower() in _VOCATIVE_LEADS:
            return len(before), end
    return None


_VOCATIVE_LEADS = words(
    "thanks thank bedankt dank congrats congratulations gefeliciteerd proficiat welcome welkom "
    "back terug soon hi hey hello hoi hallo dag op go bravo kudos luck succes sterkte "
    "beterschap done well"
)


def name_rewrite(
    doc: Doc, start: int, end: int, lang: str, *, possessive: bool
) -> tuple[int, int, str]:
    """``(start, end, suggestion)`` that removes or replaces a name and still reads well."""
    text = doc.text
    addressed = vocative_span(text, start, end)
    if addressed is not None:
        return addressed[0], addressed[1], ""
    sentence_start = (
        text[:start].rstrip().endswith((".", "!", "?", ":", "\n")) or not text[:start].strip()
    )
    if sentence_start and text[end : end + 1] == ",":
        return _drop_opening_name(text, start, end)
    previous = re.search(r"(\w+)\s+$", text[:start])
    word = previous.group(1).lower() if previous else ""
    if word in _LITTLE and lang == "en":
        return start, end, _LITTLE[word]
    if word in _WHO_NOUNS or (word in ("kleine", "lieve") and lang == "nl"):
        gap_start = previous.end(1) if previous else start
        return gap_start, end, ""
    if word in _DETERMINERS and not possessive:
        return start, end, _PATIENT_NOUN[lang]
    suggestion = _PATIENT_POSSESSIVE[lang] if possessive else _PATIENT[lang]
    if sentence_start:
        suggestion = suggestion[:1].upper() + suggestion[1:]
    return start, end, suggestion


def _drop_opening_name(text: str, start: int, end: int) -> tuple[int, int, str]:
    """ "Linda, your refill…" → "Your refill…": the name, the comma and the next word."""
    match = re.match(r",\s*(\S+)", text[end:])
    if not match:
        return start, end, ""
    next_word = match.group(1)
    stop = end + match.end()
    return start, stop, next_word[:1].upper() + next_word[1:]


_LABEL = re.compile(r"(?:nr|nummer|number|no|id|mrn|bsn|ssn|dob|geb|#)\.?:?$", re.IGNORECASE)


def _is_label(word: str) -> bool:
    """The word that introduces an identifier: "at", "BSN:", "dossiernr.", "MRN"."""
    return word.lower().rstrip(":#.") in _CONNECTORS or _LABEL.search(word) is not None


def removal_span(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """What to delete so that removing ``text[start:end]`` leaves a grammatical sentence."""
    text = doc.text
    sentence = doc.sentence_of(start)
    s_start, s_end = doc.sentences[sentence]
    cut_start, cut_end = start, end
    if text[cut_start - 1 : cut_start] == "(" and text[cut_end : cut_end + 1] == ")":
        cut_start, cut_end = cut_start - 1, cut_end + 1
    for _ in range(3):  # "at 555-…", "BSN: 1234…", "dossiernr. LH/…", "record no. …"
        previous = re.search(r"([\w:#.]+)\s*$", text[s_start:cut_start])
        if not previous or not _is_label(previous.group(1)):
            break
        cut_start = s_start + previous.start(1)
    if text[cut_start - 1 : cut_start] == "(" and text[cut_end : cut_end + 1] == ")":
        cut_start, cut_end = cut_start - 1, cut_end + 1
    while cut_start > s_start and text[cut_start - 1] in " \t":
        cut_start -= 1
    left = text[s_start:cut_start].strip()
    right = text[cut_end:s_end].strip()
    remaining = re.findall(r"\w+", left) + re.findall(r"\w+", right)
    last_left = re.findall(r"\w+", left)[-1:] if left else []
    dangling = (
        bool(last_left)
        and last_left[0].lower() in _DANGLING
        and (not right or right[:1] in ".,;:!?)")
    )
    if len(remaining) < 3 or dangling:
        return whole_sentence(text, s_start, s_end)
    return cut_start, cut_end


def whole_sentence(text: str, s_start: int, s_end: int) -> tuple[int, int]:
    """The sentence and the space after it, so that no double space is left."""
    stop = s_end
    while stop < len(text) and text[stop] in " \t":
        stop += 1
    lead = s_start
    while lead < s_end and text[lead] in " \t":
        lead += 1
    return lead, stop


# --- whole safe replies -----------------------------------------------------------------------

_NEGATIVE = re.compile(
    r"\b(?:sorry|apologi[sz]e|apologies|unfortunate|frustrat\w*|disappoint\w*|unhappy|upset|"
    r"spijt|excuses|jammer|vervelend|teleurgesteld|ontevreden|frustratie|helaas)\b",
    re.IGNORECASE,
)
_POSITIVE = re.compile(
    r"\b(?:thanks?|thank you|glad|happy|great|wonderful|lovely|kind words|stars?|bedankt|"
    r"dank|blij|fijn|mooi|leuk|sterren|compliment)\b",
    re.IGNORECASE,
)
_REPLIES = {
    ("negative", "en"): "Thank you for letting us know, and we're sorry to hear this. To protect "
    "everyone's privacy we can't discuss any details here; please call {who}{phone} so we can "
    "talk it through in person.",
    ("negative", "nl"): "Dank u wel dat u dit laat weten; het spijt ons dit te lezen. Om ieders "
    "privacy te beschermen gaan we hier niet in op details. Belt u {who}{phone}? Dan bespreken "
    "we het graag persoonlijk.",
    ("positive", "en"): "Thank you so much for your kind words! We'll share them with the whole "
    "team{at}.",
    ("positive", "nl"): "Hartelijk dank voor uw mooie woorden! We delen ze graag met het hele "
    "team{at}.",
    ("neutral", "en"): "Thank you for your message. We can't discuss anyone's care online, but "
    "we're happy to help: please call {who}{phone}.",
    ("neutral", "nl"): "Bedankt voor uw bericht. Online gaan we niet in op iemands zorg, maar we "
    "helpen u graag verder: bel {who}{phone}.",
}
_WHO = {"en": "us", "nl": "ons"}
_PHONE = {"en": " at {phone}", "nl": " op {phone}"}
_AT = {"en": " at {name}", "nl": " van {name}"}
_DUTCH_NAME = re.compile(r"huisarts|tandarts|praktijk|zorg|apotheek|centrum|en\b", re.I)


def _for_language(values: tuple[str, ...], lang: str, dutch: re.Pattern[str]) -> str:
    """The practice's detail that fits the reply's language ("+31…" or a Dutch name for nl)."""
    if not values:
        return ""
    fitting = [v for v in values if (dutch.search(v) is not None) == (lang == "nl")]
    return (fitting or list(values))[0]


def safe_reply(text: str, lang: str, context: GuardContext) -> str:
    """A whole reply that thanks, takes the matter offline and gives the practice's number."""
    tone = (
        "negative"
        if _NEGATIVE.search(text)
        else "positive"
        if _POSITIVE.search(text)
        else ("neutral")
    )
    phone = _for_language(context.phones, lang, re.compile(r"^\s*(?:\+31|0031|0)"))
    name = _for_language(context.practice_names, lang, _DUTCH_NAME)
    template = _REPLIES[(tone, lang)]
    if tone == "positive":
        return template.format(at=_AT[lang].format(name=name) if name else "")
    if tone == "negative" and not phone:
        template = template.replace("please call {who}{phone}", "please contact {who} directly")
        template = template.replace("Belt u {who}{phone}?", "Neemt u rechtstreeks contact op?")
    if tone == "neutral" and not phone:
        template = template.replace("please call {who}{phone}", "please contact {who} directly")
        template = template.replace("bel {who}{phone}", "neem rechtstreeks contact met {who} op")
    return template.format(
        who=name or _WHO[lang], phone=_PHONE[lang].format(phone=phone) if phone else ""
    )
