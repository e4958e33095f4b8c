"""The Dutch catalog: it loads, it covers every string in the code, and signed-in pages use it.

When a test here fails because of new or changed strings, run `make messages` and translate
the new entries in src/rapport/locale/nl/LC_MESSAGES/messages.po.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from rapport.core.i18n import translations
from tests.conftest import World, sign_in

ROOT = Path(__file__).resolve().parents[1]
BABEL_CFG = ROOT / "babel.cfg"
CATALOG = ROOT / "src" / "rapport" / "locale" / "nl" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|\{\w*\}")
HOW_TO_FIX = (
    "Run `make messages` and translate the new entries in "
    "src/rapport/locale/nl/LC_MESSAGES/messages.po."
)


@cache
def dutch_catalog() -> Catalog:
    with CATALOG.open("rb") as handle:
        return read_po(handle, locale="nl")


def extracted_msgids() -> set[str | tuple[str, ...]]:
    """Every msgid in the code now, found the way `make messages` finds them (babel.cfg)."""
    with BABEL_CFG.open() as handle:
        method_map, options_map = parse_mapping_cfg(handle, str(BABEL_CFG))
    found: set[str | tuple[str, ...]] = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=DEFAULT_KEYWORDS
    ):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


def forms(value: str | tuple[str, ...] | list[str] | None) -> list[str]:
    if not value:
        return []
    return [value] if isinstance(value, str) else list(value)


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def test_the_dutch_catalog_loads_and_translates_the_shell() -> None:
    nl = translations("nl")
    assert nl.gettext("Today") == "Vandaag"
    assert nl.gettext("Calendar") == "Agenda"
    assert nl.gettext("Settings") == "Instellingen"
    assert nl.gettext("Sign in") == "Aanmelden"
    assert nl.gettext("Sign out") == "Afmelden"
    assert nl.ngettext("%(num)d face found.", "%(num)d faces found.", 1) == (
        "%(num)d gezicht gevonden."
    )
    assert nl.ngettext("%(num)d face found.", "%(num)d faces found.", 3) == (
        "%(num)d gezichten gevonden."
    )


def test_english_needs_no_catalog() -> None:
    assert translations("en").gettext("Today") == "Today"


def test_every_string_in_the_code_has_a_dutch_translation() -> None:
    catalog = dutch_catalog()
    missing = []
    for msgid in sorted(extracted_msgids(), key=str):
        key = msgid if isinstance(msgid, str) else msgid[0]
        message = catalog.get(key)
        strings = forms(message.string) if message is not None else []
        if not strings or not all(strings):
            missing.append(msgid)
    assert not missing, (
        f"{len(missing)} string(s) have no Dutch translation. {HOW_TO_FIX}\n"
        + "\n".join(f"  {m!r}" for m in missing)
    )


def test_the_catalog_has_no_fuzzy_entries() -> None:
    fuzzy = [m.id for m in dutch_catalog() if m.id and m.fuzzy]
    assert not fuzzy, f"Fuzzy entries are not used at run time; check them: {fuzzy}"


def test_every_translation_keeps_the_placeholders_of_its_msgid() -> None:
    wrong = []
    for message in dutch_catalog():
        if not message.id:
            continue
        ids = forms(message.id)
        for index, text in enumerate(forms(message.string)):
            source = ids[min(index, len(ids) - 1)]
            if text and placeholders(text) != placeholders(source):
                wrong.append(f"  {source!r} -> {text!r}")
    assert not wrong, "Translations that lose or add placeholders:\n" + "\n".join(wrong)


def test_a_signed_in_page_in_dutch_shows_dutch_navigation(client: TestClient, world: World) -> None:
    csrf = sign_in(client, "alice@example.com")
    response = client.post(
        "/locale",
        data={"locale": "nl", "next": "/w/ws-a/today", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert response.status_code in (302, 303), response.text
    page = client.get("/w/ws-a/today")
    assert page.status_code == 200
    assert 'lang="nl"' in page.text
    for dutch in ("Vandaag", "Agenda", "Opstellen", "Instellingen", "Afmelden"):
        assert dutch in page.text, dutch
    assert ">Calendar<" not in page.text
