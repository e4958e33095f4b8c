"""The compliance guard's image check: strip metadata, faces need consent, text in it → guard.

Pure: no database, no network. The pieces live in `rapport.guard.imaging`; this module is
their public surface.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from PIL import Image

from rapport.guard.detect import GuardContext, check
from rapport.guard.imaging.faces import detect_faces
from rapport.guard.imaging.metadata import (
    MetadataNotRemoved,
    StrippedImage,
    UnreadableImage,
    strip_and_decode,
    strip_metadata,
)
from rapport.guard.imaging.ocr import OcrResult, OcrUnavailable, OcrWord, read_text
from rapport.guard.imaging.pixels import Box

__all__ = [
    "Box",
    "ImageReport",
    "MetadataNotRemoved",
    "OcrResult",
    "OcrUnavailable",
    "OcrWord",
    "StrippedImage",
    "UnreadableImage",
    "check_image",
    "detect_faces",
    "read_text",
    "strip_metadata",
]

FACE_CATEGORY = "face_without_consent"
FACE_MESSAGE = (
    "A face is visible. Link a signed photo consent for each person "
    "before this image can be approved."
)
FACE_SUGGESTION = "Link a photo consent for each person, or crop or blur the face."
# Frames of an animation that are analysed: first, middle and last. A face or a name can
# appear in any of them; all frames would multiply OCR time.
ANALYSED_FRAMES = 3
_RANK = {"ok": 0, "warn": 1, "block": 2}


@dataclass(frozen=True, slots=True)
class ImageReport:
    """The outcome of `check_image`; `image.data` is the upload without metadata."""

    verdict: str
    image: StrippedImage
    faces: tuple[Box, ...]
    ocr: OcrResult
    findings: tuple[dict[str, Any], ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "faces": [box.to_dict() for box in self.faces],
            "ocr_text": self.ocr.text,
            "findings": [dict(finding) for finding in self.findings],
            "metadata_removed": list(self.image.removed),
            "width": self.image.width,
            "height": self.image.height,
            "format": self.image.format,
        }


def check_image(
    data: bytes,
    *,
    kind: str = "post",
    context: GuardContext | None = None,
    consented_faces: int = 0,
    langs: str = "eng+nld",
) -> ImageReport:
    """Check an uploaded image before it can be approved for posting.

    `consented_faces` is how many signed photo consents are linked to the image; more faces
    than that blocks. Raises UnreadableImage (a ValueError) for files that are not images,
    OcrUnavailable if Tesseract is missing — the check never passes without reading the text.
    """
    stripped, frames = strip_and_decode(data)
    sample = _sample(frames)
    faces = max((detect_faces(frame) for frame in sample), key=len)
    ocr = _join([read_text(frame, langs) for frame in sample])
    face_findings = _face_findings(faces, consented_faces)
    text_verdict, text_findings = _check_text(ocr, kind=kind, context=context)
    verdict = _worst("block" if face_findings else "ok", text_verdict)
    return ImageReport(verdict, stripped, faces, ocr, (*face_findings, *text_findings))


def _sample(frames: Sequence[Image.Image]) -> list[Image.Image]:
    if len(frames) <= ANALYSED_FRAMES:
        return list(frames)
    last = len(frames) - 1
    return [frames[round(i * last / (ANALYSED_FRAMES - 1))] for i in range(ANALYSED_FRAMES)]


def _join(results: list[OcrResult]) -> OcrResult:
    """One text for all analysed frames; a caption shown throughout is read once."""
    seen: dict[str, OcrResult] = {}
    for result in results:
        if result.text and result.text not in seen:
            seen[result.text] = result
    if len(seen) <= 1:
        return next(iter(seen.values()), results[0])
    words: list[OcrWord] = []
    offset = 0
    for result in seen.values():
        words += [_shift(word, offset) for word in result.words]
        offset += len(result.text) + 2
    return OcrResult("\n\n".join(seen), tuple(words), results[0].langs)


def _shift(word: OcrWord, offset: int) -> OcrWord:
    return OcrWord(word.text, word.box, word.confidence, word.start + offset, word.end + offset)


def _face_findings(faces: tuple[Box, ...], consented: int) -> list[dict[str, Any]]:
    if len(faces) <= max(0, consented):
        return []
    # We can't tell which face a consent belongs to, so every face is shown for review.
    return [
        {
            "category": FACE_CATEGORY,
            "severity": "block",
            "source": "face",
            "message": FACE_MESSAGE,
            "suggestion": FACE_SUGGESTION,
            "box": box.to_dict(),
            "faces": len(faces),
            "consented_faces": consented,
        }
        for box in faces
    ]


def _check_text(
    ocr: OcrResult, *, kind: str, context: GuardContext | None
) -> tuple[str, list[dict[str, Any]]]:
    if not ocr.text.strip():
        return "ok", []
    report = check(ocr.text, kind=kind, lang="auto", context=context)
    findings = [
        _with_boxes(found.to_dict(), ocr) for found in report.findings if found.severity != "off"
    ]
    return report.verdict, findings


def _with_boxes(finding: dict[str, Any], ocr: OcrResult) -> dict[str, Any]:
    start, end = finding.get("start"), finding.get("end")
    if isinstance(start, int) and isinstance(end, int):
        finding["boxes"] = [box.to_dict() for box in ocr.boxes_for(start, end)]
    finding.setdefault("source", "ocr")
    return finding


def _worst(*verdicts: str) -> str:
    """The most severe verdict; one this module doesn't know counts as block."""
    ranks = [_RANK.get(verdict, _RANK["block"]) for verdict in verdicts]
    return next(name for name, rank in _RANK.items() if rank == max(ranks))
