"""Structural signals that do not depend on a name list (English and Dutch).

- Descriptions that point at one person without naming them: "the mom who came in with the
  twins Tuesday afternoon", "het kleine meisje dat dinsdag met haar opa binnenkwam", "onze
  buurvrouw van de overkant". A description counts when it is definite (the/that/onze/de…) and
  anchored to a moment, a place or a relation that the readers can resolve.
- Care facts written without a health word: a birth weight, "born at 27 weeks", "spent 41 days
  with us", a bill with an amount, an insurer that paid or refused.
- Texts that say their person is made up ("an illustrative example, not a real patient").
- Quotations of sayings and historical authors ("As Hippocrates put it, …").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapport.guard.detect.text import words

_I = re.IGNORECASE

_ADJ = (
    r"(?:(?:sweet|lovely|nice|kind|little|young|old|elderly|older|brave|friendly|tiny|"
    r"cheerful|chatty|lieve|kleine|jonge|oude|oudere|vriendelijke|dappere|aardige|vrolijke|"
    r"stoere|hoogbejaarde)\s+){0,2}"
)
_NOUN_EN = (
    r"(?:mom|mum|mother|dad|father|lady|gentleman|gent|man|woman|girl|boy|guy|kid|child|"
    r"toddler|teen|teenager|baby|grandma|grandpa|granny|grandmother|grandfather|neighbou?r|"
    r"couple|twins|little one|chap|fellow|student|young man|young woman|family|patient|"
    r"barista|teacher|coach|waitress|waiter|cashier|driver|mailman|postman|librarian|"
    r"baker|butcher|hairdresser|nurse from|pastor|vicar|caretaker|janitor)"
)
_NOUN_NL = (
    r"(?:meneer|mevrouw|dame|heer|man|vrouw|meisje|jongen|kindje|kind|baby|moeder|vader|opa|"
    r"oma|buurvrouw|buurman|tweeling|mama|papa|jongeman|knul|student|kleine|familie|patiënte?|"
    r"peuter|tiener|jongetje|meisje|juf|meester|trainer|kapper|bakker|slager|caissière|"
    r"kassamedewerker|buschauffeur|postbode|pastoor|dominee|conciërge|zoon|dochter)"
)
# the/that/this/our + (adjectives) + a person noun + what pins them down
DESCRIPTION = re.compile(
    r"\b(?:the|that|this|our|de|het|die|dat|deze|onze)\s+"
    + _ADJ
    + r"(?:[\w'-]+\s+)??(?P<noun>"
    + _NOUN_EN
    + "|"
    + _NOUN_NL
    + r")\b(?P<rest>[^.!?:;\n]{0,90})",
    _I,
)
_TIME_ANCHOR = (
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tonight|"
    r"this (?:morning|afternoon|evening)|last (?:week|night)|earlier|maandag|dinsdag|woensdag|"
    r"donderdag|vrijdag|zaterdag|zondag|gisteren|vandaag|vanochtend|vanmorgen|vanmiddag|"
    r"vanavond|vorige week|zojuist|net|last month|vorige maand|afgelopen maand)\b|"
    r"\b(?:maan|dins|woens|donder|vrij|zater|zon)dag(?:avond|ochtend|middag|nacht)\b|\b\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm|uur)\b|"
    r"\bom \d{1,2}(?:[:.]\d{2})?\b|\bat \d{1,2}(?:[:.]\d{2})\b"
)
_PLACE_ANCHOR = (
    r"\b(?:room|bed|bay|kamer|bed|box|exam room|ward|afdeling|groep|klas|class|grade)\s+\d+|"
    r"\b(?:of|van|from|at|bij)\s+(?-i:[A-Z])[\w'-]+|"
    r"\b(?:from|at|van|bij|uit|in|op)\s+(?:the|de|het)\s+(?:\w+\s+){0,2}?(?:shop|store|bakery|"
    r"school|class|church|mosque|gym|pharmacy|supermarket|office|street|corner|block|"
    r"winkel|bloemenwinkel|bakkerij|school|klas|kerk|moskee|sportschool|apotheek|supermarkt|"
    r"overkant|hoek|straat|buurt|markt)\b|"
    r"\b(?:on|in|aan|op|bij|in de)\s+(?:the\s+)?[A-Z][\w'-]+\s+(?:Rd|St|Street|Road|Avenue|Ave|"
    r"Lane|Drive|straat|laan|weg|plein)\b|\bbij de (?-i:[A-Z])\w+|"
    r"\bwith (?:the|her|his) (?:twins|triplets|dog|stroller|pram|walker)\b|"
    r"\bmet (?:haar|zijn|de) (?:opa|oma|tweeling|hond|kinderwagen|rollator)\b|"
    r"\bwho (?:came|comes|was|were) (?:in|by|here)\b|\b(?:die|dat) (?:\w+ ){0,4}?"
    r"(?:binnenkwam|langskwam|kwam|was)\b"
)
_ANCHOR = re.compile(_TIME_ANCHOR + "|" + _PLACE_ANCHOR, _I)
# relations that identify a person among the readers by themselves: "our neighbour"
_CLOSE_RELATION = re.compile(
    r"^(?:our|onze)\s+" + _ADJ + r"(?:neighbou?r|buurvrouw|buurman|mailman|postman|postbode|"
    r"bus driver|buschauffeur|teacher|juf|meester|baker|bakker|barber|kapper)\b",
    _I,
)


# "the Kowalski family", "de familie Peeters", "the Hassan triplets": a household by its name
NAMED_FAMILY = re.compile(
    r"\b(?:the|de|het)\s+(?-i:[A-Z][\w'-]+)\s+(?:family|twins|triplets|household|kids|"
    r"children|gezin|tweeling|drieling|kinderen)\b|\b(?:de |het )?(?:familie|gezin)\s+"
    r"(?:(?:van|de|der|den)\s+)*(?-i:[A-Z][\w'-]+)",
    _I,
)


@dataclass(frozen=True, slots=True)
class Description:
    """A definite description of one person: span covers the noun and what pins it down."""

    start: int
    end: int


def find_descriptions(text: str) -> list[Description]:
    found: list[Description] = []
    for match in DESCRIPTION.finditer(text):
        phrase = match.group()
        rest = match.group("rest")
        anchored = _ANCHOR.search(rest) is not None or _ANCHOR.search(phrase) is not None
        if match.group("noun").lower() in ("patient", "patiënt", "patiënte") and not (
            _ANCHOR.search(rest)
        ):
            continue
        if not anchored and not _CLOSE_RELATION.match(phrase):
            continue
        end = match.start("rest") + _clause_length(rest)
        found.append(Description(match.start(), end))
    found += [Description(m.start(), m.end()) for m in NAMED_FAMILY.finditer(text)]
    return found


def _clause_length(rest: str) -> int:
    """The description ends before a comma, a bracket, a dash, or a verb of what happened."""
    cut = re.search(
        r"[,(—–\-]|\b(?:is|was|has|had|got|are|were|heeft|had|is|was|werd|ligt|kreeg|zit)\b",
        rest,
    )
    length = cut.start() if cut else len(rest)
    return len(rest[:length].rstrip())


# Care facts that carry no health word.
CARE_FACTS = re.compile(
    r"\b\d{1,2}\s*(?:lb|lbs|pounds?)\s*\d{1,2}\s*(?:oz|ounces?)\b|"
    r"\b\d{3,4}\s*(?:gram|grams|g)\b(?=[^\n]{0,40}\b(?:born|geboren|baby|weighed|woog))|"
    r"\b(?:geboren|born)\b[^.!?\n]{0,30}\b\d{4}\s*(?:gram|g)\b|"
    r"\b(?:weighed|woog|weighing|wegend)\s+(?:\d{3,4}\s*(?:gram|grams|g)|\d{1,2}\s*(?:lb|lbs|"
    r"pounds?|kg|kilo))\b|\b(?:at birth|bij de geboorte|bij geboorte)\b|"
    r"\bborn (?:at|after|with) \d{2} weeks\b|"
    r"\b(?:born|geboren)\b[^.!?\n]{0,30}\b\d{2}\s*(?:weeks|wks|wk|weken|wkn)\b|"
    r"\b(?:down|lost|afgevallen|kwijt|min)\s+\d+\s*(?:kg|kilo|kilos|lbs|pounds)\b|"
    r"\b\d+\s*(?:kg|kilo|lbs|pounds)\s+(?:down|lost|afgevallen|kwijt|lichter)\b|"
    r"\b(?:lost|verloor|verloren)\s+(?:her|his|their|haar|zijn|hun)\s+(?:husband|wife|"
    r"partner|son|daughter|child|baby|man|vrouw|zoon|dochter|kind)\b|\b(?:met|bij|at|with|op) [2-4]\d (?:weken|weeks)\b|"
    r"\b(?:settl\w*|paid|pay|paying|betaald|betalen|voldaan|voldoen)\s+(?:off\s+)?(?:their|his|"
    r"her|hun|zijn|haar|the|de)\s+(?:\w+\s+)?(?:account|bill|balance|invoice|rekening|factuur|"
    r"nota|schuld)\b|\bopenstaande (?:factuur|rekening|nota|bedrag)\b|"
    r"\b(?:insurance|billing|claim) mix-up\b|\bincassobureau\b|\bdebt collect\w*\b|"
    r"\b\d+\s?(?:mg|mcg|µg|ml|units|eenheden|ie)\b(?=[^.!?\n]{0,40}\b(?:tablet|tabletten|pill|"
    r"pills|dose|dosis|capsule|capsules|injection|spuit|instead|in plaats))|"
    r"\b(?:geb\.|geboren op)\s*\d|\bis (?:\w+ )?vastgesteld\b|\b(?:was|were) diagnosed\b|\bgeboren (?:met|bij|na) \d{2} weken\b|"
    r"\b\d{2} weken (?:zwanger|oud geboren)\b|"
    r"\b(?:spent|stayed|after) \d+ (?:days|weeks|nights) (?:with us|in (?:the )?(?:nicu|hospital|"
    r"icu|ward|rehab))\b|\b(?:na )?\d+ (?:dagen|weken|nachten) (?:op de|in het|bij ons)\b|"
    r"(?:[$€£]\s?\d[\d.,]*|\d[\d.,]*\s?(?:euro|dollars?))\s+(?:\w+\s+){0,2}?(?:bill|invoice|"
    r"balance|claim|copay|co-pay|rekening|factuur|nota)\b|"
    r"\b(?:bill|invoice|balance|rekening|factuur|nota|declaratie)\s+(?:of|van)\s+"
    r"(?:[$€£]\s?\d|\d)[\d.,]*|"
    r"\b(?:insurer|insurance (?:company|provider)|health plan|zorgverzekeraar|verzekeraar)\s+"
    r"(?:\w+\s+){0,3}?(?:denied|refused|paid|covered|rejected|approved|vergoed|afgewezen|"
    r"betaald|vergoedt|weigerde)\b|"
    r"\b(?:vergoed|afgewezen|terugbetaald) door (?:haar|zijn|hun|de) (?:zorg)?verzekeraar\b|"
    r"\b(?:expecting|verwacht) (?:her|his|their|hun|haar|zijn)? ?(?:first|second|third|fourth|"
    r"eerste|tweede|derde|vierde|baby|twins|tweeling)\b|"
    r"\b(?:welcomed|welcome|verwelkomden|kreeg|kregen) (?:baby|a baby|their (?:son|daughter|"
    r"baby)|een (?:zoon|dochter|zoontje|dochtertje))\b|\bgeboorte van\b|"
    r"\b(?:in|came in|was in|were in|binnen|op het spreekuur|bij ons) (?:with us )?"
    r"(?:twice|three times|again|for (?:his|her|their) \w+)\b",
    _I,
)


# Case-insensitive matching is several times slower in ``re``: run on the lower-cased text.
_CARE_FACTS_LOWER = re.compile(CARE_FACTS.pattern)


# Every care fact needs one of these words (or a currency sign): most texts skip the regex.
_CARE_FACT_WORDS = frozenset(
    re.findall(
        r"[a-z][a-z\-]+",
        "lb lbs pound pounds oz ounce ounces gram grams born geboren weighed woog weighing "
        "wegend birth geboorte weeks wks wk weken wkn zwanger spent stayed bill invoice balance "
        "claim copay co-pay rekening factuur nota declaratie insurer insurance zorgverzekeraar "
        "verzekeraar vergoed vergoedt afgewezen terugbetaald expecting verwacht welcomed welcome "
        "verwelkomden kreeg kregen twice again times spreekuur settled settle settling paid pay "
        "paying betaald betalen voldaan voldoen openstaande mix-up incassobureau debt mg mcg ml "
        "units eenheden ie geb vastgesteld diagnosed down lost afgevallen kwijt kg kilo kilos "
        "lichter verloor verloren euro dollar dollars min health plan denied refused covered "
        "rejected approved weigerde dagen nachten days nights",
    )
)


def _may_have_care_fact(lower: str) -> bool:
    if any(sign in lower for sign in "$€£"):
        return True
    return not _CARE_FACT_WORDS.isdisjoint(re.findall(r"[a-z][a-z\-]*", lower))


def care_fact_spans(text: str) -> list[tuple[int, int]]:
    lower = text.lower()
    if not _may_have_care_fact(lower):
        return []
    pattern = _CARE_FACTS_LOWER if len(lower) == len(text) else CARE_FACTS
    subject = lower if pattern is _CARE_FACTS_LOWER else text
    return [(m.start(), m.end()) for m in pattern.finditer(subject)]


PERSONA = re.compile(
    r"\b(?:illustrative|fictional|fictitious|made-up|made up|hypothetical|imaginary|"
    r"placeholder|placeholders|dummy data|sample (?:values|data|form)|voorbeeldgegevens|"
    r"voorbeeldformulier|nepgegevens|"
    r"composite|invented|not a real (?:patient|person)|not real patients?|example patient|"
    r"sample patient|persona|verzonnen|fictief|fictieve|denkbeeldige|geen echte (?:patiënte?|"
    r"persoon)|voorbeeldpatiënt|bedacht(?:e)? (?:persoon|patiënt))\b",
    _I,
)


def is_persona_text(text: str) -> bool:
    """The text marks its person as made up: their "story" is an example, not a patient's."""
    return PERSONA.search(text) is not None


# Sayings and historical authors: a quote from them is neither a testimonial nor a reply.
FAMOUS = words(
    "hippocrates voltaire galen galenus socrates plato aristotle aristoteles seneca confucius "
    "einstein gandhi churchill franklin twain shakespeare nightingale osler paracelsus "
    "maimonides avicenna mandela lincoln emerson thoreau nietzsche darwin pasteur curie "
    "erasmus spinoza cicero buddha rumi tolstoy angelou schweitzer schopenhauer kant goethe "
    "descartes epicurus aurelius hemingway wilde kierkegaard montaigne pascal rousseau "
    "tzu lama teresa tagore gibran"
)
_SAYING = re.compile(
    r"\b(?:as (?:\w+ ){0,2}(?:said|put it|wrote|once said|famously said)|zoals (?:\w+ ){0,2}"
    r"(?:al )?(?:zei|zegt|schreef)|(?:old |an )?(?:saying|proverb|adage)|(?:oud )?gezegde|"
    r"spreekwoord|wijsheid)\b",
    _I,
)
_QUOTE = re.compile(r"[\"“„«][^\"“”„«»\n]{3,400}[\"”“»]")


def saying_spans(text: str) -> list[tuple[int, int]]:
    """Quotations introduced as a saying or attributed to a historical author."""
    spans = []
    for match in _QUOTE.finditer(text):
        before = text[max(0, match.start() - 60) : match.start()]
        after = text[match.end() : match.end() + 60]
        names = {w.lower() for w in re.findall(r"[A-Z][a-z]+", before + " " + after)}
        if (
            _SAYING.search(before)
            or _SAYING.search(after)
            or names & FAMOUS
            or _aphorism(match.group())
        ):
            spans.append((match.start(), match.end()))
    return spans


_FIRST_SECOND_PERSON = words(
    "i i'm i've me my mine we we're us our ik me mij mijn wij we ons onze you your je jij u uw"
)


def _aphorism(quote: str) -> bool:
    """A long quote that speaks of nobody ("Health is not everything, but…"): a saying."""
    tokens = re.findall(r"[\w']+", quote.lower())
    return len(tokens) >= 8 and not set(tokens) & _FIRST_SECOND_PERSON
