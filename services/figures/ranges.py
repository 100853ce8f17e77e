"""Input checks shared by the figures: date ranges, month ranges, page sizes."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.figures.errors import FigureInputError

MAX_DAYS = 92
MAX_MONTHS = 24
MAX_ITEMS = 100
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def check_days(start: date, end: date, max_days: int = MAX_DAYS) -> None:
    if end < start:
        raise FigureInputError(
            "RANGE_BACKWARDS",
            "Het einde van de periode ligt voor het begin.",
            "The end of the period lies before its start.",
        )
    if (end - start).days + 1 > max_days:
        raise FigureInputError(
            "RANGE_TOO_LONG",
            f"Kies een periode van hooguit {max_days} dagen.",
            f"Choose a period of at most {max_days} days.",
        )


def month_of(text: str) -> date:
    """The first day of a `YYYY-MM` month."""
    found = _MONTH.match(text.strip())
    if not found:
        raise FigureInputError(
            "INVALID_MONTH",
            f"'{text[:20]}' is geen maand; schrijf JJJJ-MM, bijvoorbeeld 2026-04.",
            f"'{text[:20]}' is not a month; write YYYY-MM, for example 2026-04.",
        )
    return date(int(found[1]), int(found[2]), 1)


def months(first: str, last: str) -> list[date]:
    """Every month from `first` to `last` (YYYY-MM), at most MAX_MONTHS."""
    start, end = month_of(first), month_of(last)
    if end < start:
        raise FigureInputError(
            "RANGE_BACKWARDS",
            "De laatste maand ligt voor de eerste.",
            "The last month lies before the first.",
        )
    count = (end.year - start.year) * 12 + end.month - start.month + 1
    if count > MAX_MONTHS:
        raise FigureInputError(
            "RANGE_TOO_LONG",
            f"Kies hooguit {MAX_MONTHS} maanden.",
            f"Choose at most {MAX_MONTHS} months.",
        )
    return [next_month(start, n) for n in range(count)]


def next_month(first: date, n: int = 1) -> date:
    index = first.year * 12 + first.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def check_first(first: int) -> None:
    if not 1 <= first <= MAX_ITEMS:
        raise FigureInputError(
            "INVALID_PAGE_SIZE",
            f"Vraag tussen 1 en {MAX_ITEMS} items.",
            f"Ask for between 1 and {MAX_ITEMS} items.",
        )


def local_midnight(day: date, timezone: str) -> datetime:
    """The moment a local day starts in the organisation's time zone."""
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(timezone))


def day_bounds(start: date, end: date, timezone: str) -> tuple[datetime, datetime]:
    """From the start of `start` up to (not including) the start of the day after `end`."""
    return local_midnight(start, timezone), local_midnight(end + timedelta(days=1), timezone)
