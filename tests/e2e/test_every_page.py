"""Every page, found by following links from the signed-in shell (so pages added later are walked
too), at phone width in English and in Dutch:

- no page is wider than the 390 px window;
- a Dutch reader sees no English sentence from the catalog;
- every form control a person can use has a border of at least 3:1 against what is around it
  (WCAG 1.4.11 non-text contrast; axe-core does not check it).

One walk per language collects all three facts; the tests only judge them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlparse

import pytest
from playwright.sync_api import Browser, Page

import rapport
from tests.e2e.server import LiveServer, live_server, sign_in
from tests.e2e.walk_world import DUTCH_ANALYST, DUTCH_OWNER, seed_walk_world

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
CATALOG = Path(rapport.__file__).parent / "locale" / "nl" / "LC_MESSAGES" / "messages.po"
SKIP = ("/logout", "/static/", "/api/", ".csv", "/form", "/healthz", "/locale")
MAX_PAGES = 90
MIN_CONTRAST = 3.0

# Reads, for every usable form control, its border colour and the colour around it.
CONTROLS_JS = """
() => {
  const parse = (s) => {
    const m = s.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const behind = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    let out = [255, 255, 255];
    for (const c of layers.reverse()) out = out.map((v, i) => v * (1 - c[3]) + c[i] * c[3]);
    return out;
  };
  const found = [];
  const selector = "input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea";
  for (const el of document.querySelectorAll(selector)) {
    const style = getComputedStyle(el);
    if (el.matches(":disabled") || el.offsetParent === null || style.visibility === "hidden") continue;
    if (parseFloat(style.borderTopWidth) === 0) continue;
    const border = parse(style.borderTopColor);
    if (!border) continue;
    found.push({name: el.name || el.id, type: el.type || el.tagName, border: border.slice(0, 3),
                around: behind(el.parentElement)});
  }
  return found;
}
"""


def _luminance(rgb: list[float]) -> float:
    def channel(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: list[float], b: list[float]) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def english_sentences() -> set[str]:
    """Catalog msgids of three words or more whose Dutch differs: never to be seen on a Dutch page."""
    text = CATALOG.read_text(encoding="utf-8")
    pairs = re.findall(r'^msgid "(.+)"\nmsgstr "(.*)"$', text, re.M)
    sentences = set()
    for msgid, msgstr in pairs:
        if msgid == msgstr:
            continue
        plain = re.sub(r"%\(\w+\)[sd]|\{\w*\}|<[^>]+>", "  ", msgid.replace('\\"', '"'))
        sentences |= {p.strip() for p in re.split(r"\s{2,}", plain) if len(p.split()) >= 3}
    return sentences


@dataclass
class Visit:
    path: str
    width: int
    text: str
    controls: list[dict[str, object]] = field(default_factory=list)


def _links(page: Page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    host = urlparse(base).netloc
    found = []
    for href in hrefs:
        url = urldefrag(urljoin(page.url, href))[0]
        if urlparse(url).netloc == host and not any(s in url for s in SKIP):
            found.append(url)
    return found


def walk(page: Page, base: str) -> list[Visit]:
    """Breadth-first over same-site links from the page after sign-in."""
    todo, seen, visits = [page.url], set(), []
    while todo and len(visits) < MAX_PAGES:
        url = todo.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = page.goto(url)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        visits.append(
            Visit(
                path=urlparse(url).path
                + (f"?{urlparse(url).query}" if urlparse(url).query else ""),
                width=page.evaluate("document.documentElement.scrollWidth"),
                text=" ".join(page.inner_text("body").split()),
                controls=page.evaluate(CONTROLS_JS),
            )
        )
        todo += [u for u in _links(page, base) if u not in seen]
    return visits


@pytest.fixture(scope="module")
def walk_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("walk"), seed=seed_walk_world) as running:
        yield running


@pytest.fixture(scope="module")
def walks(browser: Browser, walk_server: LiveServer) -> dict[str, list[Visit]]:
    """English as the owner of several practices (one with a very long name); Dutch as the
    owner of a Dutch practice and as an analyst there (the read-only pages); all at 390 px."""
    result = {}
    for lang, email in (
        ("en", "alice@example.com"),
        ("nl", DUTCH_OWNER),
        ("nl-reader", DUTCH_ANALYST),
    ):
        context = browser.new_context(
            base_url=walk_server.url, viewport=PHONE, reduced_motion="reduce"
        )
        context.set_default_timeout(10000)
        page = context.new_page()
        sign_in(page, walk_server.url, email)
        result[lang] = walk(page, walk_server.url)
        context.close()
    return result


@pytest.mark.parametrize("lang", ["en", "nl", "nl-reader"])
def test_no_page_is_wider_than_a_phone(walks: dict[str, list[Visit]], lang: str) -> None:
    visits = walks[lang]
    assert len(visits) >= 12, [v.path for v in visits]
    wide = [f"{v.path}: {v.width}px" for v in visits if v.width > PHONE["width"]]
    assert not wide, f"pages wider than {PHONE['width']}px ({lang}):\n" + "\n".join(wide)


def test_a_dutch_reader_sees_no_english_sentence(walks: dict[str, list[Visit]]) -> None:
    sentences = english_sentences()
    found = []
    for visit in walks["nl"] + walks["nl-reader"]:
        hits = sorted(s for s in sentences if s in visit.text)
        if hits:
            found.append(f"{visit.path}: {hits[:3]}")
    assert not found, "English on Dutch pages:\n" + "\n".join(found)


def test_form_controls_stand_out_from_their_background(walks: dict[str, list[Visit]]) -> None:
    weak = set()
    checked = 0
    for visit in walks["en"] + walks["nl"]:
        for control in visit.controls:
            checked += 1
            ratio = contrast(control["border"], control["around"])  # type: ignore[arg-type]
            if ratio < MIN_CONTRAST:
                weak.add(f"{visit.path} {control['type']} {control['name']}: {ratio:.2f}:1")
    assert checked > 20
    assert not weak, "form-control borders under 3:1:\n" + "\n".join(sorted(weak))
