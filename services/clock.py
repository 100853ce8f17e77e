"""The one source of "now", so that rules with deadlines can be tested on any day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

_now: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731


def now() -> datetime:
    """The current moment, timezone-aware (UTC)."""
    return _now()


def today(timezone: str = "Europe/Amsterdam") -> date:
    """Today's date where the organisation is."""
    return now().astimezone(ZoneInfo(timezone)).date()


def set_clock(fn: Callable[[], datetime] | None) -> None:
    """Replace the clock (tests); `None` restores the real one."""
    global _now
    _now = fn or (lambda: datetime.now(UTC))
