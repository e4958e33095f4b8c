"""Babel catalogs (English source strings, Dutch translations) and the current locale.

The Dutch catalog is a .po file read at start-up, so there is no compile step to forget.
"""

from __future__ import annotations

import io
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from importlib import resources
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

LOCALES = ("en", "nl")
LOCALE_NAMES = {"en": "English", "nl": "Nederlands"}


@dataclass
class _Locale:
    value: str


# A mutable box, not a plain string: a request's dependencies run in worker threads with a
# *copy* of the request's context, and a signed-in user's language chosen there must still
# reach the page rendered later. Each request gets its own box (``start_request``).
_current: ContextVar[_Locale | None] = ContextVar("rapport_locale", default=None)


@lru_cache(maxsize=4)
def translations(locale: str) -> NullTranslations:
    if locale == "en":
        return NullTranslations()
    po = resources.files("rapport") / "locale" / locale / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer)


def _valid(locale: str) -> str:
    return locale if locale in LOCALES else "en"


def start_request(locale: str) -> None:
    """A fresh locale for one request (or job), shared by every thread that serves it."""
    _current.set(_Locale(_valid(locale)))


def set_locale(locale: str) -> None:
    box = _current.get()
    if box is None:
        start_request(locale)
    else:
        box.value = _valid(locale)


def current_locale() -> str:
    box = _current.get()
    return box.value if box else "en"


def gettext(message: str) -> str:
    return translations(current_locale()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_locale()).ngettext(singular, plural, n)


_ = gettext


def N_(message: str) -> str:
    """Marks a string for the catalog where it is defined; translate it where it is shown."""
    return message


def negotiate(accept_language: str) -> str | None:
    """Pick en or nl from an Accept-Language header."""
    for part in accept_language.split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in LOCALES:
            return tag
    return None


def fmt_datetime(value: datetime | None, tz: str = "UTC", fmt: str = "medium") -> str:
    if value is None:
        return ""
    return format_datetime(value, fmt, tzinfo=ZoneInfo(tz), locale=Locale.parse(current_locale()))


def fmt_date(value: date | datetime | None, fmt: str = "medium") -> str:
    return "" if value is None else format_date(value, fmt, locale=current_locale())


def fmt_number(value: float | int) -> str:
    return format_decimal(value, locale=current_locale())
