"""Find faces with the Haar cascades that ship inside opencv-python-headless 4.x."""

from __future__ import annotations

from functools import cache
from typing import Any

import cv2
import numpy as np
from cv2.data import haarcascades  # the wheel's type stubs omit `cv2.data`
from numpy.typing import NDArray

from rapport.guard.imaging.pixels import Box, ImageInput, to_gray_array

# Tuned on scikit-image's photos and variations of them (shrunk onto a background, rotated
# ±15°, dark, blurred, JPEG quality 20, enlarged to 3000 px, tiled 2 and 3×3): every face is
# found, and nothing in coffee(), chelsea() (a cat), camera(), rocket(), horse(),
# hubble_deep_field() or rendered whiteboards. Histogram equalisation was tried and made
# both misses and false hits more frequent.
WORK_SIZE = 800  # longest side; larger photos are shrunk first, for speed and fewer false hits
MIN_FACE = 20  # px at the working size (≈ 2.5 % of the longest side)
# Steps of 1.2 between scales instead of 1.1 scan 1.8× fewer pixels, and fewer overlapping
# windows call for fewer neighbours: the variations above are all still found (3×3 tiles
# included) with no new false hit; at 1.25 a 38-px face fell between two window sizes.
SCALE_FACTOR = 1.2
FRONTAL_NEIGHBOURS = 3
PROFILE_NEIGHBOURS = 5  # the profile model fires more easily on textures
# The profile model is the slowest and runs twice (left, mirrored right): it looks for faces
# of at least 5 % of the longest side, on a smaller copy, at coarser steps.
PROFILE_WORK_SIZE = 480
PROFILE_SCALE_FACTOR = 1.25
PROFILE_MIN_FACE = 24
MIN_WEIGHT = 1.5
PROFILE_MIN_WEIGHT = 2.5
# Real faces scored 2.9–7.9 and false hits up to 2.9 (the astronaut's shoulder, at some
# scales). Below this weight a second, differently trained model must agree.
CONFIRM_BELOW = 4.0
CONFIRM_SCALE_FACTOR = 1.1  # on a small crop: fine steps cost little
SAME_FACE_OVERLAP = 0.5


def detect_faces(image: ImageInput) -> tuple[Box, ...]:
    """Faces in `image` (frontal, and profiles facing either way), in its own pixels."""
    gray, scale = _prepare(to_gray_array(image))
    found = [
        box for box, weight in _frontal(gray) if weight >= CONFIRM_BELOW or _confirm(gray, box)
    ]
    found += _profiles(gray)
    return tuple(box.scaled(1 / scale) for box in _merge(found))


def _prepare(
    gray: NDArray[np.uint8], longest: int | None = None
) -> tuple[NDArray[np.uint8], float]:
    """Shrunk to `longest` pixels (the working size by default), with the factor applied."""
    scale = min(1.0, (longest or WORK_SIZE) / max(gray.shape))
    if scale < 1.0:
        size = (max(1, round(gray.shape[1] * scale)), max(1, round(gray.shape[0] * scale)))
        gray = np.asarray(cv2.resize(gray, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)
    return gray, scale


@cache
def _cascade(name: str) -> Any:
    """Loaded once per process; loading takes longer than a detection."""
    path = f"{haarcascades}haarcascade_{name}.xml"
    classifier = cv2.CascadeClassifier(path)
    if classifier.empty():
        raise RuntimeError(f"OpenCV's face model is missing: {path}")
    return classifier


def _detect(
    name: str,
    gray: NDArray[np.uint8],
    neighbours: int,
    min_size: int | None = None,
    scale_factor: float | None = None,
) -> list[tuple[Box, float]]:
    min_size = min_size or MIN_FACE
    if min(gray.shape) < min_size:
        return []
    rects, _, weights = _cascade(name).detectMultiScale3(
        gray,
        scaleFactor=scale_factor or SCALE_FACTOR,
        minNeighbors=neighbours,
        minSize=(min_size, min_size),
        outputRejectLevels=True,
    )
    return [
        (Box(*(int(v) for v in rect)), float(weight))
        for rect, weight in zip(rects, np.ravel(weights), strict=True)
    ]


def _frontal(gray: NDArray[np.uint8]) -> list[tuple[Box, float]]:
    found = _detect("frontalface_default", gray, FRONTAL_NEIGHBOURS)
    return [(box, weight) for box, weight in found if weight >= MIN_WEIGHT]


def _confirm(gray: NDArray[np.uint8], box: Box) -> bool:
    """Whether the alt2 model also sees a face in and around `box`."""
    pad = box.w // 3
    top, left = max(0, box.y - pad), max(0, box.x - pad)
    crop = np.ascontiguousarray(gray[top : box.y + box.h + pad, left : box.x + box.w + pad])
    return bool(_detect("frontalface_alt2", crop, 3, max(16, box.w * 3 // 5), CONFIRM_SCALE_FACTOR))


def _profiles(gray: NDArray[np.uint8]) -> list[Box]:
    small, scale = _prepare(gray, PROFILE_WORK_SIZE)
    width = small.shape[1]
    left = _profile_side(small)
    right = _profile_side(np.ascontiguousarray(small[:, ::-1]))
    found = left + [Box(width - box.x - box.w, box.y, box.w, box.h) for box in right]
    return [box.scaled(1 / scale) for box in found]


def _profile_side(gray: NDArray[np.uint8]) -> list[Box]:
    found = _detect("profileface", gray, PROFILE_NEIGHBOURS, PROFILE_MIN_FACE, PROFILE_SCALE_FACTOR)
    return [box for box, weight in found if weight >= PROFILE_MIN_WEIGHT]


def _merge(boxes: list[Box]) -> list[Box]:
    """One box per face when the frontal and profile models both saw it."""
    kept: list[Box] = []
    for box in sorted(boxes, key=lambda b: b.w * b.h, reverse=True):
        if all(box.overlap(other) < SAME_FACE_OVERLAP for other in kept):
            kept.append(box)
    return sorted(kept, key=lambda b: (b.x, b.y))
