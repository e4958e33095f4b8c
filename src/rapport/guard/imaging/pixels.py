"""Pixel containers shared by face detection and OCR: boxes and image conversion."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TypeAlias

import numpy as np
from numpy.typing import NDArray
from PIL import Image

# Callers may hand in a Pillow image or a NumPy array (H×W gray or H×W×3/4 RGB[A]),
# as scikit-image's sample photos come.
ImageInput: TypeAlias = Image.Image | NDArray[np.generic]


@dataclass(frozen=True, slots=True)
class Box:
    """An axis-aligned rectangle in pixels of the image it was found in."""

    x: int
    y: int
    w: int
    h: int

    def to_dict(self) -> dict[str, int]:
        return asdict(self)

    def scaled(self, factor: float) -> Box:
        """The same box in an image `factor` times as large."""
        return Box(
            round(self.x * factor),
            round(self.y * factor),
            round(self.w * factor),
            round(self.h * factor),
        )

    def overlap(self, other: Box) -> float:
        """Intersection area divided by the smaller box's area (0.0 to 1.0)."""
        dx = min(self.x + self.w, other.x + other.w) - max(self.x, other.x)
        dy = min(self.y + self.h, other.y + other.h) - max(self.y, other.y)
        if dx <= 0 or dy <= 0:
            return 0.0
        return dx * dy / max(1, min(self.w * self.h, other.w * other.h))


def to_pil(image: ImageInput) -> Image.Image:
    """A Pillow image in RGB or L mode, whatever the caller passed."""
    pil = image if isinstance(image, Image.Image) else Image.fromarray(_as_uint8(image))
    if pil.mode in ("RGB", "L"):
        return pil
    if pil.mode in ("RGBA", "LA", "PA") or "transparency" in pil.info:
        return _flatten_on_white(pil)
    return pil.convert("RGB")


def to_gray_array(image: ImageInput) -> NDArray[np.uint8]:
    """An H×W uint8 array of luminance."""
    return np.asarray(to_pil(image).convert("L"), dtype=np.uint8)


def _as_uint8(image: NDArray[np.generic]) -> NDArray[np.uint8]:
    array = np.asarray(image)
    if array.dtype == np.bool_:
        array = array.astype(np.uint8) * 255
    elif np.issubdtype(array.dtype, np.floating):
        # scikit-image's convention: floats are in [0, 1].
        array = np.clip(array, 0.0, 1.0) * 255
    return np.asarray(np.clip(array, 0, 255).round(), dtype=np.uint8)


def _flatten_on_white(pil: Image.Image) -> Image.Image:
    # Transparent pixels are shown on a light background by every network we post to;
    # treating them as black would hide dark text from OCR.
    rgba = pil.convert("RGBA")
    background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(background, rgba).convert("RGB")
