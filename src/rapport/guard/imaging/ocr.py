"""Read printed text in an image with Tesseract, keeping where each word was.

Tesseract runs in this process through tesserocr (its C API), with the language models loaded
once and kept (a few instances, lent to one image at a time): starting the `tesseract` program for each image cost 0.35 s of CPU before it
read a single pixel, as much as reading a 1024-pixel photo takes.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from rapport.guard.imaging.pixels import Box, ImageInput, to_pil

# Tesseract's OpenMP threads spin-wait for each other; on a busy server one thread was 3–5×
# faster than the default. setdefault: an administrator's own setting wins. It must be set
# before the library starts its threads, so before tesserocr is imported.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import tesserocr

TESSERACT_PACKAGES = "tesseract-ocr tesseract-ocr-nld"
# Where Debian, Ubuntu, Homebrew and source builds put the language data; TESSDATA_PREFIX first.
TESSDATA_SEARCH: tuple[str, ...] = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
    "/opt/homebrew/share/tessdata",
)
# Tesseract is most accurate when letters are 20–40 px tall; tiny images are enlarged,
# huge ones shrunk (its run time grows with the pixel count).
MIN_SIDE = 1000
MAX_SIDE = 2400
# Sparse-text mode finds the odd word on a sign or a wristband in a photo, where the default
# page layout mode returns nothing; the price is texture "words", filtered by confidence.
PAGE_SEGMENTATION = tesserocr.PSM.SPARSE_TEXT
TIMEOUT_SECONDS = 60
MIN_CONFIDENCE = 60.0
MIN_CONFIDENCE_SHORT = 88.0  # for fewer than 3 letters or digits: most junk is short (to 86)
_TSV_COLUMNS = [
    "level",
    "page_num",
    "block_num",
    "par_num",
    "line_num",
    "word_num",
    "left",
    "top",
    "width",
    "height",
    "conf",
    "text",
]
# Loaded Tesseracts (not thread-safe: each serves one image at a time), per language set.
MAX_LOADED = 2
_pool = threading.Condition()
_pool_idle: dict[tuple[str, str], list[Any]] = {}
_pool_loaded: dict[tuple[str, str], int] = {}


class OcrUnavailable(RuntimeError):
    """Tesseract's language data is missing, or Tesseract failed or timed out.

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
    pil = to_pil(image).convert("L")
    scale = _ocr_scale(pil.size)
    if scale != 1.0:
        size = (max(1, round(pil.width * scale)), max(1, round(pil.height * scale)))
        pil = pil.resize(size, Image.Resampling.LANCZOS)
    with _tesseract(langs) as api:
        try:
            api.SetImage(pil)
            if not api.Recognize(timeout=max(1, round(TIMEOUT_SECONDS * 1000))):
                raise OcrUnavailable(
                    f"Tesseract could not read the image: timeout after {TIMEOUT_SECONDS} s"
                )
            tsv = api.GetTSVText(0)
        except OcrUnavailable:
            raise
        except RuntimeError as exc:
            raise OcrUnavailable(f"Tesseract could not read the image: {exc}") from exc
        finally:
            api.Clear()
    return _assemble(_rows(tsv), 1 / scale, langs)


@contextmanager
def _tesseract(langs: str) -> Iterator[Any]:
    """A loaded Tesseract for `langs`, lent to this thread for one image.

    Loading takes about 0.5 s and 30 MB, so instances are kept and reused, at most
    MAX_LOADED per language set: a web server's thread pool must not load one per thread.
    """
    key = (_tessdata(langs), langs)
    api = _borrow(key)
    try:
        yield api
    finally:
        with _pool:
            _pool_idle.setdefault(key, []).append(api)
            _pool.notify()


def _borrow(key: tuple[str, str]) -> Any:
    with _pool:
        while True:
            idle = _pool_idle.setdefault(key, [])
            if idle:
                return idle.pop()
            if _pool_loaded.get(key, 0) < MAX_LOADED:
                _pool_loaded[key] = _pool_loaded.get(key, 0) + 1
                break  # load a new one, outside the lock
            if not _pool.wait(timeout=TIMEOUT_SECONDS):
                raise OcrUnavailable(f"Tesseract stayed busy for {TIMEOUT_SECONDS} s; try again")
    try:
        return tesserocr.PyTessBaseAPI(path=key[0], lang=key[1], psm=PAGE_SEGMENTATION)
    except RuntimeError as exc:
        with _pool:
            _pool_loaded[key] -= 1
            _pool.notify()
        raise OcrUnavailable(f"Tesseract could not load {key[1]} from {key[0]}: {exc}") from exc


def _tessdata(langs: str) -> str:
    """The first language-data folder that has every language in `langs` (ending in "/")."""
    wanted = langs.split("+")
    folders = [os.environ.get("TESSDATA_PREFIX", ""), *TESSDATA_SEARCH]
    found = [Path(folder) for folder in folders if folder and Path(folder).is_dir()]
    for folder in found:
        if all((folder / f"{lang}.traineddata").is_file() for lang in wanted):
            return f"{folder}/"
    if not any((folder / "eng.traineddata").is_file() for folder in found):
        raise OcrUnavailable(_missing_message())
    missing = [
        lang for lang in wanted if not any((f / f"{lang}.traineddata").is_file() for f in found)
    ]
    raise OcrUnavailable(
        f"Tesseract has no language data for {', '.join(missing)}. "
        f"Install it, e.g. on Debian or Ubuntu: apt-get install "
        f"{' '.join(f'tesseract-ocr-{lang}' for lang in missing)}"
    )


def _missing_message() -> str:
    return (
        "Tesseract OCR's language data is not installed, so Rapport cannot read text in images. "
        f"On Debian or Ubuntu: apt-get install {TESSERACT_PACKAGES}"
    )


def _ocr_scale(size: tuple[int, int]) -> float:
    longest = max(size)
    if longest < MIN_SIDE:
        return min(2.0, MIN_SIDE / longest)
    if longest > MAX_SIDE:
        return MAX_SIDE / longest
    return 1.0


def _rows(tsv: str) -> Iterable[dict[str, Any]]:
    """Tesseract's TSV (the CLI's `tsv` output, without its header), one dict per row."""
    for line in tsv.splitlines():
        values = line.split("\t", len(_TSV_COLUMNS) - 1)
        if len(values) == len(_TSV_COLUMNS):
            yield dict(zip(_TSV_COLUMNS, values, strict=True))


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
