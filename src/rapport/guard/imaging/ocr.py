"""Read printed text in an image with Tesseract, keeping where each word was."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

import pytesseract
from PIL import Image

from rapport.guard.imaging.pixels import Box, ImageInput, to_pil

TESSERACT_PACKAGES = "tesseract-ocr tesseract-ocr-nld"
# Tesseract is most accurate when letters are 20–40 px tall; tiny images are enlarged,
# huge ones shrunk (its run time grows with the pixel count).
MIN_SIDE = 1000
MAX_SIDE = 2400
# Sparse-text mode finds the odd word on a sign or a wristband in a photo, where the default
# page layout mode returns nothing; the price is texture "words", filtered by confidence.
TESSERACT_CONFIG = "--psm 11"
TIMEOUT_SECONDS = 60
MIN_CONFIDENCE = 60.0
MIN_CONFIDENCE_SHORT = 80.0  # for fewer than 3 letters or digits: most junk is short


# Tesseract's OpenMP threads spin-wait for each other; on a busy server one thread was 3–5×
# faster than the default. setdefault: an administrator's own setting wins. (pytesseract
# starts tesseract with this process's environment, so the variable has to live here.)
os.environ.setdefault("OMP_THREAD_LIMIT", "1")


class OcrUnavailable(RuntimeError):
    """Tesseract is not installed, lacks a language, failed or timed out.

    The image check must not pass without reading the text, so callers treat this as
    "try again later", never as "no text".
    """


@dataclass(frozen=True, slots=True)
class OcrWord:
    """A word, where it is in the image, and where it is in `OcrResult.text` (start:end)."""

    text: str
    box: Box
    confidence: float
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class OcrResult:
    """The text read from an image: lines joined by newlines, blocks by a blank line."""

    text: str
    words: tuple[OcrWord, ...]
    langs: str

    def boxes_for(self, start: int, end: int) -> tuple[Box, ...]:
        """Boxes of the words that overlap the text span start:end."""
        return tuple(word.box for word in self.words if word.start < end and start < word.end)


def read_text(image: ImageInput, langs: str = "eng+nld") -> OcrResult:
    """Text in `image`; raises OcrUnavailable if Tesseract or a language is missing."""
    _require(langs)
    pil = to_pil(image).convert("L")
    scale = _ocr_scale(pil.size)
    if scale != 1.0:
        size = (max(1, round(pil.width * scale)), max(1, round(pil.height * scale)))
        pil = pil.resize(size, Image.Resampling.LANCZOS)
    try:
        data = pytesseract.image_to_data(
            pil,
            lang=langs,
            config=TESSERACT_CONFIG,
            output_type=pytesseract.Output.DICT,
            timeout=TIMEOUT_SECONDS,
        )
    except pytesseract.TesseractNotFoundError as exc:
        raise OcrUnavailable(_missing_message()) from exc
    except RuntimeError as exc:  # TesseractError, or pytesseract's "Tesseract process timeout"
        raise OcrUnavailable(f"Tesseract could not read the image: {exc}") from exc
    return _assemble(_rows(data), 1 / scale, langs)


def _require(langs: str) -> None:
    if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
        raise OcrUnavailable(_missing_message())
    missing = [lang for lang in langs.split("+") if lang not in _installed_languages()]
    if missing:
        raise OcrUnavailable(
            f"Tesseract has no language data for {', '.join(missing)}. "
            f"Install it, e.g. on Debian or Ubuntu: apt-get install "
            f"{' '.join(f'tesseract-ocr-{lang}' for lang in missing)}"
        )


def _missing_message() -> str:
    return (
        "Tesseract OCR is not installed, so Rapport cannot read text in images. "
        f"On Debian or Ubuntu: apt-get install {TESSERACT_PACKAGES}"
    )


@cache
def _installed_languages() -> frozenset[str]:
    return frozenset(pytesseract.get_languages(config=""))


def _ocr_scale(size: tuple[int, int]) -> float:
    longest = max(size)
    if longest < MIN_SIDE:
        return min(2.0, MIN_SIDE / longest)
    if longest > MAX_SIDE:
        return MAX_SIDE / longest
    return 1.0


def _rows(data: dict[str, list[Any]]) -> Iterable[dict[str, Any]]:
    keys = list(data)
    for values in zip(*(data[key] for key in keys), strict=True):
        yield dict(zip(keys, values, strict=True))


def _keep(word: str, confidence: float) -> bool:
    letters = sum(char.isalnum() for char in word)
    if not word:
        return False
    return confidence >= (MIN_CONFIDENCE_SHORT if letters < 3 else MIN_CONFIDENCE)


def _assemble(rows: Iterable[dict[str, Any]], factor: float, langs: str) -> OcrResult:
    parts: list[str] = []
    words: list[OcrWord] = []
    position = 0
    previous: tuple[int, int, int] | None = None
    for row in rows:
        text, confidence = str(row["text"]).strip(), float(row["conf"])
        if not _keep(text, confidence):
            continue
        line = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
        if previous is not None:
            separator = " " if line == previous else "\n" if line[0] == previous[0] else "\n\n"
            parts.append(separator)
            position += len(separator)
        previous = line
        box = Box(int(row["left"]), int(row["top"]), int(row["width"]), int(row["height"]))
        words.append(OcrWord(text, box.scaled(factor), confidence, position, position + len(text)))
        parts.append(text)
        position += len(text)
    return OcrResult("".join(parts), tuple(words), langs)
