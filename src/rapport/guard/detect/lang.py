"""English-or-Dutch detection with a small stop-word scorer (ties go to English)."""

from __future__ import annotations

from rapport.guard.detect.text import Doc, words

_EN = words(
    "the a an and of to are was were you your our us for with on at this that it be have "
    "has had thanks thank please not from by will can all about they their there what when how "
    "more today my me i if or so just get happy new who been would could should"
)
_NL = words(
    "de het een en van ik je jij u uw wij ons onze zijn niet met voor op aan bij naar dat die "
    "dit deze er ook maar nog wel heeft hebben wordt worden kunnen kan gaat bedankt dank graag "
    "hoe wat waar alle veel geen meer vandaag mijn jullie hun hij zij ze nieuwe fijn tot "
    "weer als om te door over bent hartelijk groet groeten"
)


def detect_lang(doc: Doc) -> str:
    """Return "nl" when Dutch stop words outnumber English ones, else "en"."""
    english = dutch = 0.0
    for token in doc.tokens:
        if token.lower in _NL:
            dutch += 1
        elif token.lower in _EN:
            english += 1
        elif "ij" in token.lower or "ë" in token.lower:
            dutch += 0.5
    return "nl" if dutch > english else "en"
