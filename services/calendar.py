"""Which days are care days at all: weekends, Dutch public holidays, closure days, opening hours.

Public holidays come from the maintained `holidays` library, never from a hand-written list.
Closure days are organisation data (for the whole organisation or one location).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from models import ClosureDay, Location

WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class Closed:
    """Why a location is closed on a day: WEEKEND, PUBLIC_HOLIDAY, CLOSURE_DAY or NOT_OPEN."""

    kind: str
    name: str = ""


def dates(start: date, end: date) -> Iterable[date]:
    """Every date from `start` up to and including `end`."""
    for offset in range((end - start).days + 1):
        yield start + timedelta(days=offset)


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("NL", years=year, language="nl").items())


def public_holiday(day: date) -> str | None:
    """The Dutch public holiday on `day` (its Dutch name), or None."""
    return _public_holidays(day.year).get(day)


def opening_hours(location: Location, day: date) -> tuple[time, time] | None:
    """The location's opening and closing time on that weekday, or None when it is shut."""
    hours = (location.opening_hours or {}).get(WEEKDAY_KEYS[day.weekday()])
    if not hours:
        return None
    opens, closes = (time.fromisoformat(h) for h in hours)
    return (opens, closes) if opens < closes else None


def local_moment(day: date, at: time, timezone: str) -> datetime:
    """The aware moment of a local date and time in the organisation's time zone."""
    return datetime.combine(day, at, tzinfo=ZoneInfo(timezone))


@dataclass
class ClosureCalendar:
    """Closure days of one organisation for a date range, loaded once."""

    organisation_wide: dict[date, str]
    per_location: dict[tuple[int, date], str]

    @classmethod
    async def load(cls, organisation_id: int, start: date, end: date) -> ClosureCalendar:
        rows = await ClosureDay.filter(
            organisation_id=organisation_id, date__gte=start, date__lte=end
        ).values("location_id", "date", "reason")
        wide = {r["date"]: r["reason"] for r in rows if r["location_id"] is None}
        local = {(r["location_id"], r["date"]): r["reason"] for r in rows if r["location_id"]}
        return cls(wide, local)

    def closed(self, location: Location, day: date) -> Closed | None:
        """Why `location` is closed on `day`, or None when it is open."""
        if day.weekday() >= 5:
            return Closed("WEEKEND")
        holiday = public_holiday(day)
        if holiday:
            return Closed("PUBLIC_HOLIDAY", holiday)
        reason = self.per_location.get((location.id, day), self.organisation_wide.get(day))
        if reason is not None:
            return Closed("CLOSURE_DAY", reason)
        if opening_hours(location, day) is None:
            return Closed("NOT_OPEN")
        return None
