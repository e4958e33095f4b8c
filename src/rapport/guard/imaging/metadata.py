"""Remove every kind of embedded metadata from an uploaded image by re-encoding its pixels."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from PIL import ExifTags, Image, ImageCms, ImageFile, ImageOps, ImageSequence

from rapport.guard.imaging import containers
from rapport.guard.imaging.containers import MetadataNotRemoved

log = logging.getLogger(__name__)

MAX_BYTES = 20 * 1024 * 1024
# Limits on what the file's header declares, checked before a single pixel is decoded: a
# 143 KB PNG can declare 7000×7000 pixels (12 s and 760 MB to decode and re-encode), and a
# 500 KB GIF 20,000 frames. 25 megapixels admits a 24-megapixel camera's 6000×4000 photo.
MAX_PIXELS = 25_000_000
MAX_PIXELS_EXAMPLE = "6000×4000"
MAX_FRAMES = 500
# Every frame of an animation is decoded and kept in memory while it is re-encoded, so the
# limit counts all frames together (a 2,000-frame GIF must not exhaust a worker).
MAX_ANIMATION_PIXELS = 50_000_000
FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
NOT_AN_IMAGE = "This file is not an image Rapport can read (JPEG, PNG, WebP or GIF)"

# Phones store a depth map or a preview as a second picture inside the JPEG (MPO);
# we keep only the primary picture, so Pillow may open it under this name.
_JPEG_ALIASES = {"MPO": "JPEG"}
_OWNER_TAGS = (0x013B, 0x8298, 0x9C9D, 0xA430)  # Artist, Copyright, XPAuthor, CameraOwnerName
_SERIAL_TAGS = (0xA431, 0xA435)  # BodySerialNumber, LensSerialNumber
# JPEG segments that describe the pixels, not the person or the camera: JFIF header,
# Adobe colour transform. The named kinds of metadata are reported by name instead.
_HARMLESS_JPEG_APPS = {"APP0", "APP14"}
_KNOWN_APP_PREFIXES = (b"Exif\x00", b"http://ns.adobe.com/", b"Photoshop 3.0", b"ICC_PROFILE")


__all__ = ["MetadataNotRemoved", "StrippedImage", "UnreadableImage", "strip_metadata"]


class UnreadableImage(ValueError):
    """The upload is not an image Rapport accepts; the message is meant for the user."""


@dataclass(frozen=True, slots=True)
class StrippedImage:
    """An image re-encoded without metadata, and what was taken out."""

    data: bytes
    format: str
    width: int
    height: int
    removed: tuple[str, ...]


def strip_metadata(data: bytes) -> StrippedImage:
    """Re-encode `data` in its own format with upright pixels and no metadata.

    Raises UnreadableImage (a ValueError) for anything that is not a whole JPEG, PNG,
    WebP or GIF within the size limits, and MetadataNotRemoved if the result still
    carries metadata.
    """
    return strip_and_decode(data)[0]


def strip_and_decode(data: bytes) -> tuple[StrippedImage, list[Image.Image]]:
    """Like `strip_metadata`, also returning the clean frames for further analysis."""
    image = open_image(data)
    fmt = _JPEG_ALIASES.get(image.format or "", image.format or "")
    removed = tuple(dict.fromkeys(describe_metadata(image)))
    frames = _clean_frames(image, fmt)
    cleaned = _encode(frames, fmt, loop=image.info.get("loop"))
    containers.assert_clean(cleaned, fmt)
    _assert_reopens_clean(cleaned)
    width, height = frames[0].size
    return StrippedImage(cleaned, fmt, width, height, removed), frames


def open_image(data: bytes) -> Image.Image:
    """Open and fully decode `data`, or raise UnreadableImage saying why not."""
    if not data:
        raise UnreadableImage(f"{NOT_AN_IMAGE}: the file is empty.")
    if len(data) > MAX_BYTES:
        raise UnreadableImage(
            f"This image is too large: {len(data) / 1024 / 1024:.1f} MB; "
            f"Rapport accepts up to {MAX_BYTES // 1024 // 1024} MB."
        )
    try:
        image = Image.open(io.BytesIO(data), formats=FORMATS)
    except (OSError, ValueError, SyntaxError) as exc:
        # Pillow's UnidentifiedImageError is an OSError; its bomb error is an Exception.
        raise UnreadableImage(f"{NOT_AN_IMAGE}.") from exc
    except Image.DecompressionBombError as exc:
        raise UnreadableImage(_too_many_pixels(None)) from exc
    _check_pixels(image)
    _load_all_frames(image)
    return image


def describe_metadata(image: Image.Image) -> Iterator[str]:
    """Names of the metadata `image` carries, in words a practice manager understands."""
    info = image.info
    try:
        yield from _exif_parts(image.getexif())
    except Exception:  # Pillow parsing hostile EXIF; the block is dropped anyway
        log.info("unreadable EXIF block", exc_info=True)
        if info.get("exif"):
            yield "EXIF"
    if info.get("xmp") or _has_app(image, b"http://ns.adobe.com/"):
        yield "XMP"
    if "photoshop" in info or _has_app(image, b"Photoshop 3.0"):
        yield "IPTC"
    if info.get("icc_profile"):
        yield "ICC profile"
    if info.get("comment"):
        yield "comment"
    if _gif_application_data(info.get("extension")):
        yield "GIF application data"
    yield from _png_text(image)
    yield from _other_jpeg_segments(image)


def _exif_parts(exif: Image.Exif) -> Iterator[str]:
    if not exif:
        return
    yield "EXIF"
    if exif.get_ifd(ExifTags.IFD.GPSInfo):
        yield "GPS"
    if exif.get_ifd(ExifTags.IFD.IFD1):
        yield "EXIF thumbnail"
    details = {**exif, **exif.get_ifd(ExifTags.IFD.Exif)}
    if any(details.get(tag) for tag in _OWNER_TAGS):
        yield "camera owner"
    if any(details.get(tag) for tag in _SERIAL_TAGS):
        yield "camera serial number"


def _gif_application_data(extension: object) -> bool:
    # The NETSCAPE2.0 block only holds the loop count of an animation.
    if not isinstance(extension, tuple) or not extension:
        return False
    block = extension[0]
    return isinstance(block, bytes) and not block.startswith(b"NETSCAPE2.0")


def _png_text(image: Image.Image) -> Iterator[str]:
    text = getattr(image, "text", None) if image.format == "PNG" else None
    keys = [key for key in (text or {}) if key != "XML:com.adobe.xmp"]
    if keys:
        yield f"PNG text chunks ({', '.join(keys)})"


def _jpeg_segments(image: Image.Image) -> list[tuple[str, bytes]]:
    return list(getattr(image, "applist", []))


def _has_app(image: Image.Image, prefix: bytes) -> bool:
    return any(body.startswith(prefix) for _, body in _jpeg_segments(image))


def _other_jpeg_segments(image: Image.Image) -> Iterator[str]:
    for marker, body in _jpeg_segments(image):
        if marker in _HARMLESS_JPEG_APPS or marker == "COM" or body.startswith(_KNOWN_APP_PREFIXES):
            continue
        yield "extra pictures (MPF)" if body.startswith(b"MPF\x00") else f"{marker} segment"


def _check_pixels(image: Image.Image) -> None:
    """Refuse by the declared size and frame count, before anything is decoded.

    Pillow reads only the header to know the size; counting GIF frames skips over their
    compressed data without decoding it (20,000 frames: 0.06 s).
    """
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise UnreadableImage(_too_many_pixels(width * height, f"{width}×{height}"))
    frames = getattr(image, "n_frames", 1)
    if frames > MAX_FRAMES:
        raise UnreadableImage(
            f"This animation has too many frames: {frames:,}; Rapport accepts up to "
            f"{MAX_FRAMES:,}. Shorten it or lower its frame rate, or upload a still image."
        )
    if frames * width * height > MAX_ANIMATION_PIXELS:
        raise UnreadableImage(
            f"This animation is too large: {frames} frames of {width}×{height} pixels; "
            f"Rapport accepts up to {MAX_ANIMATION_PIXELS // 1_000_000} megapixels in all "
            "frames. Make it smaller or shorter and upload it again."
        )


def _too_many_pixels(pixels: int | None, size: str = "") -> str:
    declared = f": {pixels / 1_000_000:.0f} megapixels" if pixels else ""
    declared += f" ({size})" if size else ""
    return (
        f"This image is too large{declared}; Rapport accepts up to "
        f"{MAX_PIXELS // 1_000_000} megapixels. Resize it to at most {MAX_PIXELS_EXAMPLE} "
        "pixels and upload it again."
    )


def _load_all_frames(image: Image.Image) -> None:
    # Pillow reads lazily; decode now so a cut-off file fails here, with a clear message.
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        log.warning("PIL.ImageFile.LOAD_TRUNCATED_IMAGES is on; cut-off uploads will be accepted")
    try:
        for frame in ImageSequence.Iterator(image):
            frame.load()
        image.seek(0)
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise UnreadableImage(f"{NOT_AN_IMAGE}: the file is cut off or damaged.") from exc


def _clean_frames(image: Image.Image, fmt: str) -> list[Image.Image]:
    if getattr(image, "n_frames", 1) > 1 and fmt in ("GIF", "WEBP"):
        return [_pixels_only(frame.copy(), frame.info) for frame in ImageSequence.Iterator(image)]
    image.seek(0)
    upright = ImageOps.exif_transpose(image)
    icc = image.info.get("icc_profile")
    return [_pixels_only(_to_srgb(upright, icc, fmt), image.info)]


def _pixels_only(frame: Image.Image, source_info: Mapping[Any, Any]) -> Image.Image:
    # A fresh image built from raw pixels carries nothing over, whatever Pillow's
    # save() would otherwise copy from `info` (comments, ICC profiles, EXIF).
    clean = Image.frombytes(frame.mode, frame.size, frame.tobytes())
    if frame.mode in ("P", "PA") and (palette := frame.getpalette()):
        clean.putpalette(palette)
    for key in ("transparency", "duration"):
        if key in source_info:
            clean.info[key] = source_info[key]
    return clean


def _to_srgb(image: Image.Image, icc: bytes | None, fmt: str) -> Image.Image:
    """Bake an embedded colour profile into the pixels, so dropping it keeps the colours.

    Profiles can carry a name in their description or copyright, so none is kept.
    """
    if not icc or image.mode not in ("RGB", "RGBA", "CMYK"):
        return _jpeg_safe(image, fmt)
    out_mode = "RGBA" if image.mode == "RGBA" else "RGB"
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        converted = ImageCms.profileToProfile(
            image, source, ImageCms.createProfile("sRGB"), outputMode=out_mode
        )
    except (ImageCms.PyCMSError, OSError, ValueError) as exc:
        log.info("could not apply the embedded colour profile (%s); dropping it as is", exc)
        return _jpeg_safe(image, fmt)
    return converted if converted is not None else image


def _jpeg_safe(image: Image.Image, fmt: str) -> Image.Image:
    if fmt == "JPEG" and image.mode not in ("L", "RGB", "CMYK"):
        return image.convert("RGB")
    return image


def _encode(frames: list[Image.Image], fmt: str, *, loop: object) -> bytes:
    buffer = io.BytesIO()
    first, rest = frames[0], frames[1:]
    options: dict[str, object] = {}
    if fmt == "JPEG":
        options = {"quality": 90, "exif": b"", "icc_profile": None}
    elif fmt == "PNG":
        options = {"icc_profile": None}
    elif fmt == "WEBP":
        options = {"quality": 90, "exif": b"", "icc_profile": "", "xmp": ""}
    if rest:
        durations = [frame.info.get("duration", 100) for frame in frames]
        options |= {"save_all": True, "append_images": rest, "duration": durations}
        options["loop"] = loop if isinstance(loop, int) else 0
    first.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def _assert_reopens_clean(data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as image:
        left = list(describe_metadata(image))
    if left:
        raise MetadataNotRemoved(f"metadata left after re-encoding: {', '.join(left)}")
