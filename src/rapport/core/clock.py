"""The one source of 'now' (UTC, timezone-aware) so tests can move time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

_now: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731


def now() -> datetime:
    return _now()


def set_clock(func: Callable[[], datetime] | None) -> None:
    """Replace the clock (tests); ``None`` restores the real one."""
    global _now
    _now = func or (lambda: datetime.now(UTC))


def as_utc(value: datetime) -> datetime:
    """Attach UTC to naive values read back from SQLite."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def to_local(value: datetime, tz: str) -> datetime:
    return as_utc(value).astimezone(ZoneInfo(tz))


ZONE_REGIONS = (
    "Africa",
    "America",
    "Antarctica",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
)


@lru_cache(maxsize=1)
def time_zone_choices() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The IANA zones people choose from, grouped by region ("Europe" → "Europe/Amsterdam", …),
    with UTC first. Aliases (US/…, Etc/…) are left out: every place has its canonical name."""
    zones = available_timezones()
    groups: list[tuple[str, tuple[str, ...]]] = [("UTC", ("UTC",))]
    for region in ZONE_REGIONS:
        names = sorted(z for z in zones if z.startswith(region + "/"))
        groups.append((region, tuple(names)))
    return tuple(groups)
