"""The guard's image check: metadata stripping, faces, OCR, verdicts and the CLI."""

from __future__ import annotations

import io
import json
import os
import shutil
import struct
import time
import zlib
from pathlib import Path

import numpy as np
import pytest
import typer
from PIL import ExifTags, Image, ImageCms, ImageDraw, ImageFont, PngImagePlugin
from PIL.TiffImagePlugin import IFDRational
from skimage import data as samples
from typer.testing import CliRunner

from rapport.guard import GuardContext, StaffMember, images
from rapport.guard.image_cli import register
from rapport.guard.images import (
    Box,
    OcrUnavailable,
    check_image,
    detect_faces,
    read_text,
    strip_metadata,
)

needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None, reason="the tesseract binary is not installed"
)
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
OWNER = "Dr. Anneke Jansen"
# Distinctive GPS seconds, stored as this rational, so the raw bytes are searchable.
GPS_SECONDS = (371237, 10000)
GPS_RATIONAL = struct.pack(">2L", *GPS_SECONDS)  # Pillow writes big-endian EXIF
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>Anneke</dc:creator>'
    b"</rdf:Description></rdf:RDF></x:xmpmeta>"
)
WHITEBOARD = (
    "Room 4: John Miller - knee surgery 10:30",
    "Kamer 2: mevr. de Vries - controle na operatie",
)


# --- image makers -------------------------------------------------------------------------


def encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def astronaut() -> Image.Image:
    return Image.fromarray(samples.astronaut())


def font(size: int = 48) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if FONT.exists():
        return ImageFont.truetype(str(FONT), size)
    return ImageFont.load_default(size=size)


def text_image(*lines: str) -> Image.Image:
    """A whiteboard: white background, big black print."""
    image = Image.new("RGB", (1400, 120 + 150 * len(lines)), "white")
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(lines):
        draw.text((40, 60 + 150 * index), line, fill="black", font=font())
    return image


def camera_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Canon"  # Make
    exif[0x0110] = "EOS 5D"  # Model
    exif[0x013B] = OWNER  # Artist
    exif[0x0112] = orientation
    exif.get_ifd(ExifTags.IFD.Exif)[0xA430] = OWNER  # CameraOwnerName
    exif.get_ifd(ExifTags.IFD.Exif)[0xA431] = "SN-0042"  # BodySerialNumber
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[1], gps[2] = "N", (52.0, 22.0, IFDRational(*GPS_SECONDS))
    gps[3], gps[4] = "E", (4.0, 53.0, 12.0)
    return exif


def with_thumbnail(exif: Image.Exif, thumbnail: bytes) -> bytes:
    """EXIF bytes with an IFD1 thumbnail, which Pillow reads but does not write."""
    tiff = bytearray(exif.tobytes()[6:])
    order = "<" if tiff[:2] == b"II" else ">"
    entries = struct.unpack_from(f"{order}H", tiff, 8)[0]
    struct.pack_into(f"{order}L", tiff, 10 + 12 * entries, len(tiff))  # IFD0 → next IFD
    ifd1_size = 2 + 2 * 12 + 4
    thumbnail_at = len(tiff) + ifd1_size
    tiff += struct.pack(f"{order}H", 2)
    tiff += struct.pack(f"{order}HHLL", 0x0201, 4, 1, thumbnail_at)  # JPEGInterchangeFormat
    tiff += struct.pack(f"{order}HHLL", 0x0202, 4, 1, len(thumbnail))  # …Length
    tiff += struct.pack(f"{order}L", 0) + thumbnail
    return b"Exif\x00\x00" + bytes(tiff)


def photo_with_everything() -> bytes:
    image = astronaut()
    thumbnail = encode(image.resize((64, 64)), "JPEG")
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    exif = with_thumbnail(camera_exif(), thumbnail)
    return encode(image, "JPEG", exif=exif, xmp=XMP, comment=b"patient A.", icc_profile=icc)


def png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", OWNER)
    info.add_text("Comment", "knee, left")
    info.add_itxt("Description", "consult", zip=True)
    return encode(text_image("Flu shots"), "PNG", pnginfo=info)


def huge_png_header(width: int, height: int) -> bytes:
    """A small PNG whose header claims `width`×`height` pixels."""
    png = encode(Image.new("L", (8, 8)), "PNG")
    header = b"IHDR" + struct.pack(">2L", width, height) + png[24:29]
    return png[:12] + header + struct.pack(">L", zlib.crc32(header)) + png[33:]


def png_chunks(data: bytes) -> list[bytes]:
    chunks, pos = [], 8
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        chunks.append(kind)
        pos += 12 + length
    return chunks


# --- metadata -----------------------------------------------------------------------------


def test_a_phone_photo_loses_exif_gps_owner_thumbnail_xmp_comment_and_icc() -> None:
    original = photo_with_everything()
    assert GPS_RATIONAL in original and XMP in original  # the test image really has them

    stripped = strip_metadata(original)

    assert set(stripped.removed) >= {
        "EXIF",
        "GPS",
        "EXIF thumbnail",
        "camera owner",
        "camera serial number",
        "XMP",
        "ICC profile",
        "comment",
    }
    clean = Image.open(io.BytesIO(stripped.data))
    assert (clean.format, clean.size) == ("JPEG", (512, 512))
    assert not set(clean.info) & {"exif", "xmp", "icc_profile", "comment", "photoshop"}
    assert len(clean.getexif()) == 0
    for secret in (GPS_RATIONAL, b"http://ns.adobe.com/xap/1.0/", b"Exif\x00\x00", OWNER.encode()):
        assert secret not in stripped.data


def test_the_exif_orientation_is_applied_so_the_picture_stays_upright() -> None:
    image = Image.new("RGB", (200, 100), "white")
    ImageDraw.Draw(image).rectangle((0, 0, 99, 99), fill="red")  # left half red
    # Orientation 6: the camera was turned; viewers rotate 90° clockwise to show it.
    stripped = strip_metadata(encode(image, "JPEG", exif=camera_exif(orientation=6)))

    clean = Image.open(io.BytesIO(stripped.data)).convert("RGB")
    assert (stripped.width, stripped.height) == clean.size == (100, 200)
    red, green, _ = clean.getpixel((50, 20))  # type: ignore[misc]
    assert red > 200 and green < 60  # the red half is now on top


def test_a_png_loses_its_text_chunks_and_keeps_transparency() -> None:
    stripped = strip_metadata(png_with_text())
    assert "PNG text chunks (Author, Comment, Description)" in stripped.removed
    assert not {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"iCCP"} & set(png_chunks(stripped.data))
    assert not Image.open(io.BytesIO(stripped.data)).text  # type: ignore[attr-defined]

    see_through = Image.new("RGBA", (40, 40), (255, 0, 0, 0))
    clean = Image.open(io.BytesIO(strip_metadata(encode(see_through, "PNG")).data))
    assert clean.mode == "RGBA" and clean.getpixel((5, 5))[3] == 0  # type: ignore[index]


def test_a_webp_loses_exif_and_xmp() -> None:
    original = encode(astronaut(), "WEBP", exif=camera_exif(), xmp=XMP)
    stripped = strip_metadata(original)
    assert {"EXIF", "GPS", "XMP"} <= set(stripped.removed)
    assert stripped.format == "WEBP"
    clean = Image.open(io.BytesIO(stripped.data))
    assert not set(clean.info) & {"exif", "xmp", "icc_profile"}
    assert b"EXIF" not in stripped.data[12:] and b"XMP " not in stripped.data[12:]


def test_an_animated_gif_loses_its_comment_and_keeps_its_frames() -> None:
    frames = [astronaut().rotate(angle) for angle in (0, 10, 20)]
    original = encode(
        frames[0], "GIF", save_all=True, append_images=frames[1:], duration=150, comment=b"Jan"
    )
    stripped = strip_metadata(original)
    assert stripped.removed == ("comment",)
    clean = Image.open(io.BytesIO(stripped.data))
    assert clean.format == "GIF" and getattr(clean, "n_frames", 1) == 3
    assert "comment" not in clean.info


def test_an_image_without_metadata_reports_nothing_removed() -> None:
    stripped = strip_metadata(encode(Image.new("RGB", (30, 20), "blue"), "PNG"))
    assert (stripped.removed, stripped.format, stripped.width, stripped.height) == (
        (),
        "PNG",
        30,
        20,
    )


@pytest.mark.parametrize(
    "data",
    [
        os.urandom(4096),
        b"",
        b"%PDF-1.7 not a picture",
        photo_with_everything()[:5000],  # cut off during upload
        encode(Image.new("RGB", (10, 10)), "BMP"),  # an image, but not one we post
    ],
    ids=["random bytes", "empty", "a pdf", "truncated jpeg", "bmp"],
)
def test_anything_but_a_whole_jpeg_png_webp_or_gif_is_refused_with_a_clear_message(
    data: bytes,
) -> None:
    with pytest.raises(
        ValueError, match=r"not an image Rapport can read \(JPEG, PNG, WebP or GIF\)"
    ):
        strip_metadata(data)


def blank_png(width: int, height: int) -> bytes:
    """A real, whole, white grayscale PNG: tiny on disk, huge once decoded."""
    header = struct.pack(">2L5B", width, height, 8, 0, 0, 0, 0)
    rows = zlib.compress((b"\x00" + b"\xff" * width) * height, 9)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">L", len(body)) + kind + body + struct.pack(">L", zlib.crc32(kind + body))
        )

    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


def many_frame_gif(frames: int) -> bytes:
    """A whole GIF of `frames` one-pixel frames, alternately black and white (~12 bytes each)."""
    screen = b"GIF89a" + struct.pack("<2H3B", 1, 1, 0x80, 0, 0) + b"\x00\x00\x00\xff\xff\xff"
    loop = b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"
    body = bytearray()
    for index in range(frames):
        body += b"\x21\xf9\x04\x04\x02\x00\x00\x00"  # 20 ms, do not dispose
        body += b"\x2c" + struct.pack("<4HB", 0, 0, 1, 1, 0)
        body += b"\x02\x02" + (b"\x44\x01" if index % 2 else b"\x4c\x01") + b"\x00"
    return screen + loop + bytes(body) + b"\x3b"


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_images_over_25_megapixels_or_20_megabytes_are_refused() -> None:
    with pytest.raises(ValueError, match="too large: 100 megapixels"):
        strip_metadata(huge_png_header(10_000, 10_000))
    with pytest.raises(ValueError, match=r"too large: 20\.0 MB"):
        strip_metadata(b"\xff\xd8" + bytes(20 * 1024 * 1024))


def test_a_small_png_declaring_7000_by_7000_pixels_is_refused_before_decoding() -> None:
    png = blank_png(7000, 7000)
    assert len(png) < 200_000
    with Image.open(io.BytesIO(png)) as image:
        assert image.size == (7000, 7000)  # a real image, not just a header
    started = time.process_time()
    with pytest.raises(ValueError) as refused:
        strip_metadata(png)
    assert time.process_time() - started < 0.5
    message = str(refused.value)
    assert "too large: 49 megapixels (7000×7000)" in message
    assert "up to 25 megapixels" in message and "Resize it to at most 6000×4000" in message


def test_a_small_gif_of_20000_frames_is_refused_before_decoding() -> None:
    gif = many_frame_gif(20_000)
    assert len(gif) < 500_000
    started = time.process_time()
    with pytest.raises(ValueError) as refused:
        strip_metadata(gif)
    assert time.process_time() - started < 0.5
    assert "too many frames: 20,000; Rapport accepts up to 500" in str(refused.value)
    assert "Shorten it" in str(refused.value)


def test_an_animation_within_the_frame_limit_is_accepted() -> None:
    stripped = strip_metadata(many_frame_gif(400))
    with Image.open(io.BytesIO(stripped.data)) as image:
        assert image.n_frames > 1


# --- faces --------------------------------------------------------------------------------


def test_the_astronaut_photo_has_exactly_one_face_around_her_head() -> None:
    faces = detect_faces(samples.astronaut())
    assert len(faces) == 1
    assert faces[0].overlap(Box(170, 60, 110, 110)) > 0.8


@pytest.mark.parametrize(
    "image",
    [samples.coffee(), samples.chelsea(), np.asarray(text_image(*WHITEBOARD))],
    ids=["coffee", "a cat", "a whiteboard"],
)
def test_photos_without_people_have_no_faces(image: np.ndarray) -> None:
    assert detect_faces(image) == ()


def test_two_people_side_by_side_are_two_faces() -> None:
    assert len(detect_faces(np.concatenate([samples.astronaut()] * 2, axis=1))) == 2


def test_faces_in_a_large_photo_are_reported_in_its_own_pixels() -> None:
    big = astronaut().resize((2048, 2048))
    (face,) = detect_faces(big)
    assert face.overlap(Box(680, 240, 440, 440)) > 0.8


# --- OCR ----------------------------------------------------------------------------------


@needs_tesseract
def test_ocr_reads_english_and_dutch_whiteboard_text_with_word_boxes() -> None:
    result = read_text(text_image(*WHITEBOARD))
    assert "John Miller" in result.text and "knee surgery" in result.text
    assert "mevr. de Vries" in result.text and "operatie" in result.text
    start = result.text.index("Miller")
    (box,) = result.boxes_for(start, start + len("Miller"))
    assert 300 < box.x < 600 and 40 < box.y < 140


@needs_tesseract
def test_ocr_of_photos_without_text_returns_no_junk() -> None:
    for photo in (samples.astronaut(), samples.coffee(), samples.chelsea()):
        assert read_text(photo).text == ""


@needs_tesseract
def test_parallel_reads_share_a_few_loaded_tesseracts_and_each_gets_its_own_text() -> None:
    from concurrent.futures import ThreadPoolExecutor

    from rapport.guard.imaging import ocr

    boards = [text_image("Room 4: flu shots"), text_image("Kamer 2: griepprik")]
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda n: read_text(boards[n % 2]).text, range(6)))
    assert all("flu shots" in text for text in results[0::2])
    assert all("griepprik" in text for text in results[1::2])
    assert sum(ocr._pool_loaded.values()) <= ocr.MAX_LOADED


def without_tesseract_data(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on a machine without Debian's tesseract-ocr packages: no language data anywhere."""
    monkeypatch.setenv("TESSDATA_PREFIX", "/nonexistent/tessdata")
    monkeypatch.setattr("rapport.guard.imaging.ocr.TESSDATA_SEARCH", ("/nonexistent/share",))


def test_missing_tesseract_language_data_names_the_debian_packages(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    without_tesseract_data(monkeypatch)
    with pytest.raises(OcrUnavailable, match="apt-get install tesseract-ocr tesseract-ocr-nld"):
        read_text(text_image("hello"))
    assert issubclass(OcrUnavailable, RuntimeError)


@needs_tesseract
def test_a_tesseract_timeout_is_reported_as_unavailable_not_as_no_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("rapport.guard.imaging.ocr.TIMEOUT_SECONDS", 0.001)
    with pytest.raises(OcrUnavailable, match="timeout"):
        read_text(text_image(*WHITEBOARD))


# --- check_image --------------------------------------------------------------------------


@needs_tesseract
def test_a_whiteboard_naming_a_patient_and_a_surgery_is_blocked_with_boxes_to_draw() -> None:
    report = check_image(encode(text_image(*WHITEBOARD), "PNG"))
    result = report.to_dict()
    assert result["verdict"] == "block"
    assert result["faces"] == []
    assert "John Miller" in result["ocr_text"]
    names = [f for f in result["findings"] if "Miller" in f.get("text", "")]
    assert names and names[0]["boxes"]


@needs_tesseract
def test_a_plain_announcement_is_not_blocked() -> None:
    report = check_image(encode(text_image("Flu shots available every Friday"), "JPEG"))
    assert report.verdict != "block"
    assert "Flu shots available every Friday" in report.ocr.text


@needs_tesseract
def test_a_face_without_consent_blocks_the_image() -> None:
    report = check_image(photo_with_everything())
    result = report.to_dict()
    assert result["verdict"] == "block"
    (finding,) = [f for f in result["findings"] if f["category"] == "face_without_consent"]
    assert finding["message"].startswith("A face is visible. Link a signed photo consent")
    assert finding["box"] == result["faces"][0]
    assert {"GPS", "EXIF"} <= set(result["metadata_removed"])
    assert (result["width"], result["height"], result["format"]) == (512, 512, "JPEG")


@needs_tesseract
def test_a_face_with_a_linked_consent_is_not_blocked_by_the_face_rule() -> None:
    report = check_image(encode(astronaut(), "PNG"), consented_faces=1)
    assert len(report.faces) == 1
    assert not [f for f in report.findings if f["category"] == "face_without_consent"]
    assert report.verdict != "block"


@needs_tesseract
def test_the_practice_context_reaches_the_text_guard() -> None:
    board = encode(text_image(WHITEBOARD[0]), "PNG")
    assert check_image(board).verdict == "block"
    staff = GuardContext(staff=(StaffMember("John Miller"),))
    assert check_image(board, context=staff).verdict != "block"  # the surgeon, not a patient


@needs_tesseract
def test_a_face_that_appears_late_in_an_animation_is_found() -> None:
    empty = Image.fromarray(samples.coffee()).resize((512, 512))
    frames = [empty, empty.rotate(5), empty.rotate(10), astronaut()]
    gif = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=200)
    report = check_image(gif)
    assert len(report.faces) == 1 and report.verdict == "block"


def test_the_worst_verdict_wins() -> None:
    assert images._worst("ok", "warn") == "warn"
    assert images._worst("block", "ok") == "block"
    assert images._worst("ok", "something new") == "block"  # unknown never passes


# --- CLI ----------------------------------------------------------------------------------


def cli() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.callback()
    def guard() -> None:
        """Mounted under a group, as `rapport guard` does."""

    return app


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli(), ["check-image", *args])
    return result.exit_code, result.stdout, result.stderr


@needs_tesseract
def test_the_cli_writes_a_clean_copy_and_prints_json(tmp_path: Path) -> None:
    source, clean = tmp_path / "flu.jpg", tmp_path / "clean.jpg"
    source.write_bytes(encode(text_image("Flu shots available"), "JPEG", exif=camera_exif()))

    code, stdout, _ = run(str(source), "--out", str(clean), "--json", "--kind", "reply")

    assert code in (0, 1)
    summary = json.loads(stdout)
    assert set(summary) >= {"verdict", "faces", "ocr_text", "findings", "metadata_removed"}
    assert "GPS" in summary["metadata_removed"]
    assert len(Image.open(clean).getexif()) == 0


@needs_tesseract
def test_the_cli_exits_2_for_a_face_without_consent_and_prints_a_summary(tmp_path: Path) -> None:
    source = tmp_path / "astronaut.png"
    source.write_bytes(encode(astronaut(), "PNG"))
    code, stdout, _ = run(str(source))
    assert code == 2
    assert "BLOCK" in stdout and "A face is visible" in stdout


@pytest.mark.parametrize("content", [None, b"hello, not a picture"], ids=["missing", "text"])
def test_the_cli_refuses_a_missing_or_unreadable_file_with_exit_64_and_writes_nothing(
    tmp_path: Path, content: bytes | None
) -> None:
    source, clean = tmp_path / "upload.jpg", tmp_path / "clean.jpg"
    if content is not None:
        source.write_bytes(content)
    code, _, stderr = run(str(source), "--out", str(clean))
    assert code == 64
    assert "upload.jpg" in stderr
    assert not clean.exists()


def test_the_cli_exits_69_and_writes_nothing_when_tesseract_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    without_tesseract_data(monkeypatch)
    source, clean = tmp_path / "flu.png", tmp_path / "clean.png"
    source.write_bytes(encode(text_image("Flu shots"), "PNG"))
    code, _, stderr = run(str(source), "--out", str(clean))
    assert code == 69
    assert "tesseract-ocr-nld" in stderr
    assert not clean.exists()
