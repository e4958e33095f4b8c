"""Tokens and sentences: the one pass over the text every detector shares."""

from __future__ import annotations

import re
from dataclasses import dataclass


def words(text: str) -> frozenset[str]:
    """A set of whitespace-separated words: keeps long word lists readable."""
    return frozenset(text.split())


_TOKEN = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
_SENTENCE_END = re.compile(r"[.!?…]+[\"”’')\]]*(?:\s+|$)|\s*\n\s*")
_ABBREVIATIONS = words(
    "dr drs mr mrs ms mx st dhr mevr ir prof jr sr vs etc ca bijv nr no tel ave blvd rd ln apt "
    "mt ft dept inc co corp fa mw hr ing mr mgr geb dossiernr patiëntnr polisnr klantnr relatienr "
    "evt resp ivm"
)


@dataclass(slots=True)
class Token:
    text: str
    lower: str
    start: int
    end: int
    sentence: int


@dataclass(frozen=True, slots=True)
class Doc:
    """The text, its tokens and sentence boundaries (``sentences[i] = (start, end)``)."""

    text: str
    tokens: tuple[Token, ...]
    sentences: tuple[tuple[int, int], ...]

    def sentence_of(self, offset: int) -> int:
        for index, (start, end) in enumerate(self.sentences):
            if start <= offset < end:
                return index
        return len(self.sentences) - 1

    def sentence_text(self, index: int) -> str:
        start, end = self.sentences[index]
        return self.text[start:end]


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the "." at ``dot`` ends an abbreviation or an initial, not a sentence."""
    word_start = dot
    while word_start > 0 and text[word_start - 1].isalpha():
        word_start -= 1
    word = text[word_start:dot]
    return word.lower() in _ABBREVIATIONS or (len(word) == 1 and word.isupper())


def split_sentences(text: str) -> tuple[tuple[int, int], ...]:
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.group().startswith(".") and _is_abbreviation(text, match.start()):
            continue
        if match.end() > start:
            spans.append((start, match.end()))
            start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return tuple(spans) or ((0, len(text)),)


def make_doc(text: str) -> Doc:
    sentences = split_sentences(text)
    tokens: list[Token] = []
    index = 0
    for match in _TOKEN.finditer(text):
        while match.start() >= sentences[index][1] and index < len(sentences) - 1:
            index += 1
        word = match.group()
        tokens.append(
            Token(word, word.lower().replace("’", "'"), match.start(), match.end(), index)
        )
    return Doc(text, tuple(tokens), sentences)
