"""Walk the container of an encoded image and refuse any metadata block left in it.

This checks the bytes we are about to store, independently of Pillow's own reading.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

# Signatures of the common metadata payloads; six or more fixed bytes, so a chance
# match inside compressed pixel data is practically impossible.
_PAYLOAD_SIGNATURES = (
    b"Exif\x00\x00",
    b"http://ns.adobe.com/xap/1.0/",
    b"<x:xmpmeta",
    b"Photoshop 3.0\x00",
    b"ICC_PROFILE\x00",
)
_JPEG_ALLOWED_APPS = {0xE0, 0xEE}  # APP0 JFIF, APP14 Adobe
_PNG_METADATA_CHUNKS = {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"iCCP", b"tIME"}
_WEBP_METADATA_CHUNKS = {b"EXIF", b"XMP ", b"ICCP"}


class MetadataNotRemoved(RuntimeError):
    """Re-encoding left metadata behind — a bug, never to be reported as a success."""


def assert_clean(data: bytes, fmt: str) -> None:
    """Raise MetadataNotRemoved naming the first metadata block found in `data`."""
    found = next(_metadata_blocks(data, fmt), None)
    if found is not None:
        raise MetadataNotRemoved(f"metadata left after re-encoding: {found}")


def _metadata_blocks(data: bytes, fmt: str) -> Iterator[str]:
    for signature in _PAYLOAD_SIGNATURES:
        if signature in data:
            yield signature.decode("latin-1").rstrip("\x00")
    if fmt == "JPEG":
        yield from _jpeg_blocks(data)
    elif fmt == "PNG":
        yield from (kind.decode() for kind in _png_chunks(data) if kind in _PNG_METADATA_CHUNKS)
    elif fmt == "WEBP":
        yield from (kind.decode() for kind in _webp_chunks(data) if kind in _WEBP_METADATA_CHUNKS)
    elif fmt == "GIF":
        yield from _gif_blocks(data)


def _jpeg_blocks(data: bytes) -> Iterator[str]:
    """Segments before the first scan; metadata never follows it in files Pillow writes."""
    pos = 2
    while pos + 4 <= len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        if marker == 0xDA:  # start of scan
            return
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if 0xE1 <= marker <= 0xEF and marker not in _JPEG_ALLOWED_APPS:
            yield f"APP{marker - 0xE0}"
        elif marker == 0xFE:
            yield "COM"
        pos += 2 + length


def _png_chunks(data: bytes) -> Iterator[bytes]:
    pos = 8
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        yield kind
        pos += 12 + length


def _webp_chunks(data: bytes) -> Iterator[bytes]:
    pos = 12
    while pos + 8 <= len(data):
        kind, length = struct.unpack("<4sI", data[pos : pos + 8])
        yield kind
        pos += 8 + length + (length & 1)


def _gif_blocks(data: bytes) -> Iterator[str]:
    pos = 13 + _gif_color_table(data[10]) if len(data) > 13 else len(data)
    while pos < len(data):
        if data[pos] == 0x21 and pos + 1 < len(data):  # extension: label, then sub-blocks
            label = data[pos + 1]
            if label == 0xFE:
                yield "GIF comment"
            elif label == 0xFF and data[pos + 3 : pos + 14] != b"NETSCAPE2.0":
                yield "GIF application data"
            pos = _skip_sub_blocks(data, pos + 2)
        elif data[pos] == 0x2C and pos + 10 < len(data):  # image: descriptor, table, LZW data
            pos += 10 + _gif_color_table(data[pos + 9])
            pos = _skip_sub_blocks(data, pos + 1)
        else:  # trailer, or a broken file Pillow would not have written
            return


def _gif_color_table(flags: int) -> int:
    return 3 * 2 ** ((flags & 0x07) + 1) if flags & 0x80 else 0


def _skip_sub_blocks(data: bytes, pos: int) -> int:
    while pos < len(data) and data[pos]:
        pos += data[pos] + 1
    return pos + 1
