"""Pending day requests: days waiting for a decision, in total and per location."""

from __future__ import annotations

from datetime import timedelta

from models import DayStatus
from services.figures.requests import pending_requests
from tests import factories
from tests.agenda_helpers import FRIDAY, MONDAY, THURSDAY, WEDNESDAY, at, set_now
from tests.figures_samples import day_request, requested_day, utc


async def test_pending_days_in_total_and_per_location(db):
    # given Monday 09:00 in Amsterdam (07:00 UTC)
    set_now(at(MONDAY))
    t = await factories.tenant()
    klavertje = await factories.location(t.org, "Het Klavertje")
    peuters = await factories.group(t.org, klavertje, "Peuters")
    first = await day_request(t.org, utc(2026, 4, 18, 10))
    await requested_day(t.child, t.babies, THURSDAY, request=first)
    await requested_day(t.child, t.babies, FRIDAY, request=first)
    second = await day_request(t.org, utc(2026, 4, 19, 10))
    await requested_day(t.other_child, peuters, WEDNESDAY, request=second)
    # today: one day has started already (lapses), one starts at 10:00 (still pending)
    oldest = await day_request(t.org, utc(2026, 4, 10, 8))
    await requested_day(t.sibling, t.babies, MONDAY, start="08:00", end="12:00", request=oldest)
    await requested_day(t.bso_child, t.babies, MONDAY, start="10:00", end="12:00", request=oldest)
    # not pending: its expiry moment has passed; decided days; another organisation
    lapsed = await day_request(t.org, utc(2026, 4, 1), expires_at=utc(2026, 4, 20, 6, 59))
    await requested_day(t.child, t.babies, FRIDAY + timedelta(days=7), request=lapsed)
    await requested_day(t.child, t.babies, WEDNESDAY, DayStatus.APPROVED)
    await requested_day(t.child, t.babies, WEDNESDAY, DayStatus.REJECTED)
    other = await factories.tenant("elders")
    await requested_day(other.child, other.babies, THURSDAY)
    # when
    found = await pending_requests(t.org.id)
    # then
    assert (found.days, found.requests, found.oldest_requested_at) == (4, 3, utc(2026, 4, 10, 8))
    assert [
        (p.location_id, p.name, p.days, p.requests, p.oldest_requested_at)
        for p in found.per_location
    ] == [
        (t.location.id, "De Boomgaard", 3, 2, utc(2026, 4, 10, 8)),
        (klavertje.id, "Het Klavertje", 1, 1, utc(2026, 4, 19, 10)),
    ]


async def test_nothing_pending(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    # when
    found = await pending_requests(t.org.id)
    # then
    assert (found.days, found.requests, found.oldest_requested_at, found.per_location) == (
        0,
        0,
        None,
        (),
    )
