"""Closed days: weekends, Dutch public holidays from the holiday library, closure days."""

from __future__ import annotations

from datetime import date

from models import ClosureDay
from services.calendar import ClosureCalendar, public_holiday
from tests import factories


async def closed(org, location, day):
    calendar = await ClosureCalendar.load(org.id, day, day)
    why = calendar.closed(location, day)
    return why.kind if why else None


def test_dutch_public_holidays_come_from_the_library():
    assert public_holiday(date(2026, 4, 27)) == "Koningsdag"
    assert public_holiday(date(2026, 12, 25)) == "Eerste kerstdag"
    assert public_holiday(date(2027, 4, 27)) == "Koningsdag"
    assert public_holiday(date(2026, 4, 28)) is None


async def test_why_a_location_is_closed(db):
    # given
    org = await factories.organisation()
    location = await factories.location(org)
    other = await factories.location(org, "Elders")
    await ClosureDay.create(organisation=org, date=date(2026, 6, 3), reason="Heidag")
    await ClosureDay.create(organisation=org, location=other, date=date(2026, 6, 4))
    location.opening_hours = {**location.opening_hours, "fri": None}
    # when / then
    assert await closed(org, location, date(2026, 6, 1)) is None
    assert await closed(org, location, date(2026, 6, 6)) == "WEEKEND"
    assert await closed(org, location, date(2026, 4, 27)) == "PUBLIC_HOLIDAY"
    assert await closed(org, location, date(2026, 12, 25)) == "PUBLIC_HOLIDAY"
    assert await closed(org, location, date(2026, 6, 3)) == "CLOSURE_DAY"
    assert await closed(org, location, date(2026, 6, 4)) is None
    assert await closed(org, other, date(2026, 6, 4)) == "CLOSURE_DAY"
    assert await closed(org, location, date(2026, 6, 5)) == "NOT_OPEN"
