"""Undo disguises before detection, and say where the original text hid something.

A careless or malicious author can keep a name or a number away from pattern rules with
characters a reader never sees (zero-width spaces, soft hyphens, bidi controls), with look-alike
letters from another alphabet (a Cyrillic "а" in "Mаria"), or with full-width and mathematical
letters and digits. The detectors read ``Normalised.text``: Unicode NFKC, default-ignorable and
format characters removed, odd spaces mapped to a plain space, look-alike letters mapped to the
Latin letter or digit they imitate (Unicode's confusables data, shipped in the
``confusable-homoglyphs`` package), other decimal digits mapped to 0-9. ``Normalised.span``
turns a span of that text back into the span of the ORIGINAL characters, so every finding still
highlights what the author typed.

``disguise_findings`` reports the hiding itself: a word with invisible characters inside, and a
word that mixes alphabets. Emoji sequences (joiners, variation selectors, flag tags) and
legitimate Latin letters with diacritics (é, ë, ï, ĳ) are not disguises.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources

import regex

from rapport.guard.detect.model import GuardContext

HIDDEN_CHARACTERS = "hidden_characters"
MIXED_SCRIPT = "mixed_script"

# Characters that render as nothing: Unicode's Default_Ignorable_Code_Point (zero-width space
# and joiners, soft hyphen, word joiner, BOM, variation selectors, Hangul fillers, tags…) and
# the format characters (bidi embeddings, overrides and isolates, invisible operators).
_HIDDEN = regex.compile(r"[\p{Default_Ignorable_Code_Point}\p{Cf}]")
_HIDDEN_RUN = regex.compile(r"[\p{Default_Ignorable_Code_Point}\p{Cf}]+")
_NON_ASCII_VISIBLE = regex.compile(r"[^\x00-\x7f\s]")
_SPACE = regex.compile(r"\s")
_NON_ASCII = regex.compile(r"[^\x00-\x7f]")
_LATIN_LETTER = regex.compile(r"\p{Script=Latin}")
# Letters of the scripts whose joiners are never needed in English or Dutch words.
_LOOK_ALIKE_SCRIPTS = regex.compile(r"[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}]")
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_ZERO_WIDTH_JOINERS = frozenset("\u200c\u200d")
_VARIATION_SELECTORS = frozenset("\ufe0e\ufe0f")
_KEYCAP = "\u20e3"
# Hyphens that look like "-" but are other characters (NFKC keeps them).
_HYPHENS = frozenset("\u2010\u2011\u2012\u2212")
_CONFUSABLES = "confusables.json"


@dataclass(frozen=True, slots=True)
class Normalised:
    """The text the detectors read and, per character of it, the original span it came from.

    ``starts``/``ends`` are None when the text needed no change (the offsets are the same).
    """

    text: str
    original: str
    starts: tuple[int, ...] | None = None
    ends: tuple[int, ...] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the normalised span ``start:end`` (whole original characters)."""
        if self.starts is None or self.ends is None:
            return start, end
        if end <= start:
            point = self.starts[start] if start < len(self.starts) else len(self.original)
            return point, point
        return self.starts[start], self.ends[end - 1]


def normalise(text: str) -> Normalised:
    """``text`` with disguises undone, keeping the way back to the original offsets."""
    if text.isascii():
        return Normalised(text, text)
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    position = 0
    for start, end, replacement in _changes(text):
        if start > position:  # an unchanged run of plain ASCII
            pieces.append(text[position:start])
            starts.extend(range(position, start))
            ends.extend(range(position + 1, start + 1))
        pieces.append(replacement)
        starts.extend([start] * len(replacement))
        ends.extend([end] * len(replacement))
        position = end
    if position < len(text):
        pieces.append(text[position:])
        starts.extend(range(position, len(text)))
        ends.extend(range(position + 1, len(text) + 1))
    return Normalised("".join(pieces), text, tuple(starts), tuple(ends))


def _changes(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, replacement) for each cluster around a non-ASCII character.

    A cluster is one character and the combining marks after it, so NFKC can compose
    "e" + U+0301 into "é"; when the mark follows a plain letter, that letter joins the cluster.
    """
    position = 0
    length = len(text)
    while (match := _NON_ASCII.search(text, position)) is not None:
        start = match.start()
        if unicodedata.combining(text[start]) and start > position:
            start -= 1
        end = start + 1
        while end < length and unicodedata.combining(text[end]):
            end += 1
        yield start, end, fold(text[start:end])
        position = end


def fold(cluster: str) -> str:
    """One cluster as the detectors read it: hidden characters gone, look-alikes mapped."""
    visible = _HIDDEN.sub("", cluster)
    if not visible:
        return ""
    composed = unicodedata.normalize("NFKC", visible)
    return "".join(_plain(char) for char in composed)


def _plain(char: str) -> str:
    category = unicodedata.category(char)
    if category == "Zs":
        return " "
    if category in ("Zl", "Zp") or char == "\x85":
        return "\n"
    if char in _HYPHENS:
        return "-"
    if category == "Nd":
        return str(unicodedata.decimal(char))
    if category[0] != "L" or char.isascii():
        return char
    mapped = _look_alikes().get(char)
    if mapped is not None:
        return mapped
    base = unicodedata.normalize("NFD", char)
    if len(base) > 1 and base[0] in _look_alikes():  # "ё" → "ë": map the base, keep the mark
        return unicodedata.normalize("NFC", _look_alikes()[base[0]] + base[1:])
    return char


@cache
def _look_alikes() -> dict[str, str]:
    """Non-ASCII letter → the ASCII letter or digit it imitates, from Unicode's confusables.

    The confusables prototype of "I" is "l"; an upper-case look-alike (Cyrillic "І", Greek "Ι")
    is mapped to "I" so that a disguised capitalised name still reads as one.
    """
    source = resources.files("confusable_homoglyphs").joinpath(_CONFUSABLES)
    data: dict[str, list[dict[str, str]]] = json.loads(source.read_text(encoding="utf-8"))
    table: dict[str, str] = {}
    for char, entries in data.items():
        if len(char) != 1 or char.isascii() or not unicodedata.category(char).startswith("L"):
            continue
        target = next((e["c"] for e in entries if _is_ascii_alnum(e["c"])), None)
        if target is None:
            continue
        if target == "l" and unicodedata.category(char) == "Lu":
            target = "I"
        table[char] = target
    return table


def _is_ascii_alnum(text: str) -> bool:
    return len(text) == 1 and text.isascii() and text.isalnum()


def normalise_context(context: GuardContext) -> GuardContext:
    """The workspace's own names, contacts and terms as the detectors read the text, so that
    "Praktijk Ĳsselmonde" still matches the normalised "IJsselmonde" in a post."""
    texts = (
        *context.practice_names,
        *context.phones,
        *context.emails,
        *context.addresses,
        *context.websites,
        *context.handles,
        *context.deny_terms,
        *(field for member in context.staff for field in (member.name, member.title)),
        *(consent.person_name for consent in context.consents),
    )
    if all(text.isascii() for text in texts):
        return context
    return replace(
        context,
        practice_names=_plain_all(context.practice_names),
        phones=_plain_all(context.phones),
        emails=_plain_all(context.emails),
        addresses=_plain_all(context.addresses),
        websites=_plain_all(context.websites),
        handles=_plain_all(context.handles),
        deny_terms=_plain_all(context.deny_terms),
        staff=tuple(
            replace(member, name=normalise(member.name).text, title=normalise(member.title).text)
            for member in context.staff
        ),
        consents=tuple(
            replace(consent, person_name=normalise(consent.person_name).text)
            for consent in context.consents
        ),
    )


def _plain_all(texts: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(normalise(text).text for text in texts)


# --- the disguise findings ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Disguise:
    """A word of the original text that hides something; ``suggestion`` is the plain word."""

    category: str
    start: int
    end: int
    suggestion: str


def disguise_findings(text: str) -> list[Disguise]:
    """Words with hidden characters inside, and words that mix alphabets, in ``text``."""
    if text.isascii():
        return []
    found: list[Disguise] = []
    mostly_latin: list[bool] = []  # worked out once, only if a word needs it
    for start, end in _non_ascii_words(text):
        value = text[start:end]
        hidden = _HIDDEN.search(value) is not None
        foreign = any(char.isalpha() and not char.isascii() for char in value)
        if not hidden and not foreign:
            continue  # emoji, accents on nothing, punctuation
        plain = normalise(value).text
        if hidden and _hides_characters(text, start, end):
            found.append(Disguise(HIDDEN_CHARACTERS, start, end, plain))
        if foreign and _mixes_scripts(value, lambda: _mostly_latin(text, mostly_latin)):
            found.append(Disguise(MIXED_SCRIPT, start, end, plain))
    return found


def _non_ascii_words(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each whitespace-delimited word holding a non-ASCII character.

    One pass: words of plain ASCII are skipped without being looked at twice.
    """
    position = 0
    while (found := _NON_ASCII_VISIBLE.search(text, position)) is not None:
        start = found.start()
        while start > position and not text[start - 1].isspace():
            start -= 1
        space = _SPACE.search(text, found.end())
        end = space.start() if space else len(text)
        yield start, end
        position = end


def _hides_characters(text: str, start: int, end: int) -> bool:
    for run in _HIDDEN_RUN.finditer(text, start, end):
        before = text[run.start() - 1] if run.start() > 0 else ""
        after = text[run.end()] if run.end() < len(text) else ""
        if any(_hidden_here(char, before, after) for char in run.group()):
            return True
    return False


def _hidden_here(char: str, before: str, after: str) -> bool:
    """Whether an invisible ``char`` between ``before`` and ``after`` hides part of a word."""
    if char in _BIDI_CONTROLS:
        return True  # reorders what the reader sees, wherever it stands
    if char in _VARIATION_SELECTORS:  # emoji or text style: "❤️", keycaps "1️⃣"
        return _is_letter(before) or (_is_number(before) and after != _KEYCAP)
    if char in _ZERO_WIDTH_JOINERS:  # emoji sequences; joining forms of other scripts
        return _joins_latin(before) or _joins_latin(after)
    return _is_letter(before) or _is_number(before) or _is_letter(after) or _is_number(after)


def _is_letter(char: str) -> bool:
    return bool(char) and unicodedata.category(char).startswith(("L", "M"))


def _is_number(char: str) -> bool:
    return bool(char) and unicodedata.category(char).startswith("N")


def _joins_latin(char: str) -> bool:
    return _is_number(char) or bool(char and _LOOK_ALIKE_SCRIPTS.match(char))


def _mixes_scripts(word: str, mostly_latin: Callable[[], bool]) -> bool:
    """Latin letters or digits beside a look-alike from another alphabet ("Mаria", "12З"),
    or, in a mostly Latin text, a word made only of look-alikes ("Јоѕе"). Full-width and
    mathematical letters (𝗯𝗼𝗹𝗱) are styled Latin, undone by NFKC, not another alphabet."""
    word = unicodedata.normalize("NFKC", word)
    letters = [char for char in word if unicodedata.category(char).startswith("L")]
    foreign = [char for char in letters if not _LATIN_LETTER.match(char)]
    look_alikes = [char for char in foreign if char in _look_alikes()]
    if not look_alikes:
        return False
    if len(foreign) < len(letters) or any(char.isascii() and char.isdigit() for char in word):
        return True
    return len(look_alikes) == len(foreign) and mostly_latin()


def _mostly_latin(text: str, memo: list[bool]) -> bool:
    """Whether most letters of ``text`` are Latin (kept in ``memo`` after the first call)."""
    if not memo:
        latin = len(_LATIN_LETTER.findall(text))
        letters = sum(1 for char in text if char.isalpha())
        memo.append(latin * 2 > letters)
    return memo[0]
