"""No disguise works: every corpus text that blocks still blocks after hiding it, and each finding
marks exactly the original characters; hidden characters and look-alike letters are findings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from rapport.guard import GuardContext, StaffMember, check
from rapport.guard.detect.normalise import disguise_findings, normalise
from tests.guard.test_corpus import CONTEXTS, EXAMPLES

ZWSP, SHY, NBSP, NNBSP, ZWJ, VS16 = "\u200b", "\u00ad", "\u00a0", "\u202f", "\u200d", "\ufe0f"
# Latin letter → the Cyrillic letter that looks the same (each is in Unicode's confusables).
CYRILLIC = dict(
    zip(
        "aeopcxyijshdqwABCEHIJKMOPSTXY",
        "аеорсхуіјѕһԁԛԝАВСЕНІЈКМОРЅТХҮ",
        strict=True,
    )
)
DISGUISE_CATEGORIES = {"hidden_characters", "mixed_script"}


@dataclass(frozen=True)
class Disguised:
    """A disguised text and, for each character of the clean text, where it is now."""

    text: str
    positions: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Where the clean span start:end is in the disguised text (hidden tails excluded)."""
        return self.positions[start], self.positions[end - 1] + 1


def rewrite(text: str, piece: Callable[[str, str, str], str]) -> Disguised:
    """Each character c becomes piece(previous, c, next); c itself stays the piece's first char."""
    parts, positions, at = [], [], 0
    for index, char in enumerate(text):
        before = text[index - 1] if index else ""
        after = text[index + 1] if index + 1 < len(text) else ""
        part = piece(before, char, after)
        parts.append(part)
        positions.append(at)
        at += len(part)
    return Disguised("".join(parts), tuple(positions))


def zero_width(text: str) -> Disguised:
    """A zero-width space between any two characters of a word or a number."""
    return rewrite(
        text, lambda _, c, n: c + ZWSP if not c.isspace() and n and not n.isspace() else c
    )


def soft_hyphens(text: str) -> Disguised:
    """A soft hyphen between letters and digits, where a word could be hyphenated."""
    return rewrite(text, lambda _, c, n: c + SHY if c.isalnum() and n.isalnum() else c)


def full_width(text: str) -> Disguised:
    """Every printable ASCII character as its full-width form; spaces as ideographic spaces."""

    def wide(_: str, c: str, __: str) -> str:
        if c == " ":
            return "\u3000"
        return chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c

    return rewrite(text, wide)


def cyrillic(text: str) -> Disguised:
    return rewrite(text, lambda _, c, __: CYRILLIC.get(c, c))


def no_break_spaces(text: str) -> Disguised:
    """Spaces as no-break spaces, every other one a narrow no-break space."""
    count = iter(range(len(text)))
    return rewrite(text, lambda _, c, __: (NBSP if next(count) % 2 else NNBSP) if c == " " else c)


def chain(*steps: Callable[[str], Disguised]) -> Callable[[str], Disguised]:
    def disguise(text: str) -> Disguised:
        positions = tuple(range(len(text)))
        for step in steps:
            done = step(text)
            text, positions = done.text, tuple(done.positions[p] for p in positions)
        return Disguised(text, positions)

    disguise.__name__ = "+".join(step.__name__ for step in steps)
    return disguise


DISGUISES: dict[str, Callable[[str], Disguised]] = {
    "zero-width spaces": zero_width,
    "soft hyphens": soft_hyphens,
    "full-width": full_width,
    "cyrillic": cyrillic,
    "no-break spaces": no_break_spaces,
    "zero-width + cyrillic": chain(cyrillic, zero_width),
    "soft hyphens + full-width": chain(full_width, soft_hyphens),
    "cyrillic + full-width": chain(cyrillic, full_width),
    "no-break + zero-width + cyrillic": chain(cyrillic, no_break_spaces, zero_width),
    "all five": chain(cyrillic, full_width, no_break_spaces, soft_hyphens, zero_width),
}
EXPECTED_FINDING = {
    "zero-width spaces": {"hidden_characters"},
    "soft hyphens": {"hidden_characters"},
    "full-width": set(),
    "cyrillic": {"mixed_script"},
    "no-break spaces": set(),
}


def _context(example: dict[str, Any]) -> GuardContext | None:
    return CONTEXTS[example["context"]] if "context" in example else None


def _blocking_examples() -> list[dict[str, Any]]:
    """Corpus texts labelled block that the engine blocks as written."""
    return [
        e
        for e in EXAMPLES
        if e["label"] == "block"
        and check(e["text"], kind=e["kind"], context=_context(e)).verdict == "block"
    ]


BLOCKING = _blocking_examples()


def _blocking_spans(text: str, example: dict[str, Any]) -> set[tuple[str, int, int]]:
    report = check(text, kind=example["kind"], context=_context(example))
    return {
        (f.category, f.start, f.end)
        for f in report.findings
        if f.severity == "block" and f.category not in DISGUISE_CATEGORIES
    }


def test_the_disguises_change_the_text_and_normalising_undoes_them() -> None:
    sample = "Mary Jones, SSN 123-45-6789, mary.jones@example.com"
    for name, disguise in DISGUISES.items():
        done = disguise(sample)
        assert done.text != sample, name
        assert normalise(done.text).text == sample, name
        moved = [normalise(done.text[p]).text for p in done.positions]
        assert moved == list(sample), name


@pytest.mark.parametrize("name", DISGUISES)
def test_every_blocking_corpus_text_still_blocks_disguised_and_marks_the_original(
    name: str,
) -> None:
    disguise = DISGUISES[name]
    assert len(BLOCKING) >= 150
    failures = []
    for example in BLOCKING:
        clean = _blocking_spans(example["text"], example)
        done = disguise(example["text"])
        report = check(done.text, kind=example["kind"], context=_context(example))
        expected = {(category, *done.span(start, end)) for category, start, end in clean}
        found = {(f.category, f.start, f.end) for f in report.findings}
        if report.verdict != "block" or not expected <= found:
            failures.append(f"{example['id']}: {report.verdict}, missing {expected - found}")
        for finding in report.findings:
            assert finding.text == done.text[finding.start : finding.end]
    print(f"{name}: {len(BLOCKING) - len(failures)}/{len(BLOCKING)} disguised texts still block")
    assert not failures, "\n".join(failures[:20])


@pytest.mark.parametrize("name", EXPECTED_FINDING)
def test_each_disguise_is_reported_as_a_warning_of_its_own(name: str) -> None:
    for example in BLOCKING:
        already = {d.category for d in disguise_findings(example["text"])}
        done = DISGUISES[name](example["text"])
        report = check(done.text, kind=example["kind"], context=_context(example))
        categories = {f.category for f in report.findings} & DISGUISE_CATEGORIES
        assert categories == EXPECTED_FINDING[name] | already, (example["id"], categories)
        for finding in report.findings:
            if finding.category in DISGUISE_CATEGORIES:
                assert finding.severity == "warn"
                assert normalise(finding.suggestion).text == finding.suggestion


def test_no_corpus_text_as_written_is_taken_for_a_disguise() -> None:
    flagged = [
        (e["id"], e["text"])
        for e in EXAMPLES
        if not set(e["categories"]) & DISGUISE_CATEGORIES and disguise_findings(e["text"])
    ]
    assert flagged == []


# --- offsets ------------------------------------------------------------------------------


def test_plain_ascii_is_left_alone_with_identical_offsets() -> None:
    plain = normalise("Call 555-0100 today.")
    assert plain.text == "Call 555-0100 today." and plain.starts is None
    assert plain.span(5, 13) == (5, 13)


def test_removed_characters_fall_inside_the_span_of_their_neighbours() -> None:
    plain = normalise(f"SSN 12{ZWSP}3-4{SHY}5-6789!")
    assert plain.text == "SSN 123-45-6789!"
    assert plain.span(4, 15) == (4, 17)  # both hidden characters inside
    assert plain.span(4, 6) == (4, 6)  # "12" ends before the zero-width space
    assert plain.span(15, 16) == (17, 18)


def test_one_original_character_that_becomes_several_maps_back_whole() -> None:
    plain = normalise("the ﬁle of ½ page")  # ligature → "fi", one half → "1⁄2"
    assert plain.text == "the file of 1⁄2 page"
    assert plain.span(4, 5) == (4, 5) and plain.span(5, 6) == (4, 5)
    assert plain.span(4, 8) == (4, 7)
    assert plain.span(12, 15) == (11, 12)


def test_a_letter_and_its_combining_mark_become_one_character() -> None:
    plain = normalise("Rene\u0301 Jansen")
    assert plain.text == "René Jansen"
    assert plain.span(0, 4) == (0, 5)
    assert plain.span(5, 11) == (6, 12)


def test_full_width_mathematical_and_cyrillic_letters_read_as_latin() -> None:
    text = "Ｊａｎ 𝐌𝐚𝐫𝐢𝐚 Јоhn Ѕаrаh 𝟏𝟐𝟑 ١٢٣ І"
    plain = normalise(text)
    assert plain.text == "Jan Maria John Sarah 123 123 I"
    start = plain.text.index("Maria")
    assert text[slice(*plain.span(start, start + 5))] == "𝐌𝐚𝐫𝐢𝐚"


def test_odd_spaces_become_spaces_and_odd_hyphens_hyphens() -> None:
    plain = normalise(f"555{NBSP}201\u2007334{NNBSP}4\u1680x 12\u201145\u22126789")
    assert plain.text == "555 201 334 4 x 12-45-6789"


def test_dutch_and_other_latin_letters_with_diacritics_are_kept() -> None:
    text = "Chloë, René, naïef, Één, Ĳsselmeer, Zoë's crème brûlée, Åse, Øre, Łódź"
    assert normalise(text).text == text.replace("Ĳ", "IJ")
    assert disguise_findings(text) == []
    assert check(text).verdict == "ok"


# --- the disguise findings ----------------------------------------------------------------


def test_an_ssn_with_a_zero_width_space_inside_blocks_as_an_ssn() -> None:
    text = f"Patient SSN 123-45-67{ZWSP}89 is on file."
    report = check(text)
    assert report.verdict == "block"
    (ssn,) = [f for f in report.findings if f.category == "national_id"]
    assert f"123-45-67{ZWSP}89" in ssn.text and ssn.severity == "block"  # label may come along
    (hidden,) = [f for f in report.findings if f.category == "hidden_characters"]
    assert text[hidden.start : hidden.end] == f"123-45-67{ZWSP}89"
    assert hidden.suggestion == "123-45-6789"
    assert hidden.severity == "warn"
    assert hidden.message.startswith("This word contains invisible characters")


def test_the_disguise_findings_speak_dutch_in_a_dutch_text() -> None:
    report = check(f"Onze prаktijk is open, bel ons ge{SHY}rust voor een afspraak.")
    messages = {f.category: f.message for f in report.findings}
    assert report.lang == "nl"
    assert messages["mixed_script"].startswith("Dit woord mengt letters uit verschillende")
    assert messages["hidden_characters"].startswith("Dit woord bevat onzichtbare tekens")
    assert report.verdict == "warn"


def test_a_workspace_can_make_the_disguise_findings_block() -> None:
    policy = {"hidden_characters": "block", "mixed_script": "block"}
    report = check(f"Our flu{ZWSP}shot clinic opens Saturday.", context=GuardContext(policy=policy))
    assert report.verdict == "block"


@pytest.mark.parametrize(
    "text",
    [
        "Our team 👩\u200d⚕️👨🏽\u200d⚕️ wishes you well ❤️ 1️⃣ 2️⃣ #️⃣",
        "Go team 🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f! 👨\u200d👩\u200d👧",
        "Fijne dag! 😊🙏 Tot morgen 👋🏼",
        "Merci et سلام می\u200cخواهم",  # a Persian zero-width non-joiner is part of the word
        "Привет from our clinic!",  # a Russian word is Cyrillic, not a disguise
        "Bold news: our 𝗯𝗼𝗹𝗱 new site and ｆｕｌｌ－ｗｉｄｔｈ fun",
    ],
    ids=["emoji joiners", "flag tags", "skin tones", "persian joiner", "russian", "styled"],
)
def test_emoji_other_alphabets_and_styled_letters_are_not_disguises(text: str) -> None:
    assert disguise_findings(text) == []


@pytest.mark.parametrize(
    ("text", "category", "word"),
    [
        (f"Dr{ZWJ}Jansen", "hidden_characters", f"Dr{ZWJ}Jansen"),
        (f"Ma{VS16}ria", "hidden_characters", f"Ma{VS16}ria"),
        ("call \u202e4321-555\u202c now", "hidden_characters", "\u202e4321-555\u202c"),
        ("\ufeffHello", "hidden_characters", "\ufeffHello"),
        ("the Мауо clinic", "mixed_script", "Мауо"),  # all look-alikes, in a Latin text
        ("SSN 12З-45-6789", "mixed_script", "12З-45-6789"),  # a Cyrillic Ze for a 3
    ],
)
def test_hidden_characters_and_look_alikes_are_reported_on_the_whole_word(
    text: str, category: str, word: str
) -> None:
    (found,) = disguise_findings(text)
    assert found.category == category
    assert text[found.start : found.end] == word


def test_a_text_of_hidden_characters_only_is_checked_without_error() -> None:
    report = check(f"{ZWSP}{SHY}{ZWSP}")
    assert report.verdict == "ok"


def test_the_workspace_details_are_read_the_way_the_text_is() -> None:
    surgeon = GuardContext(staff=(StaffMember("Ĳsbrand Visser", "surgeon"),))  # "Ĳ" ligature
    text = "IJsbrand Visser had his knee surgery today."
    assert check(text).verdict == "block"
    assert check(text, context=surgeon).verdict == "ok"
