"""Pending days lapse by themselves: at the expiry moment, at the latest when the day starts."""

from __future__ import annotations

from datetime import timedelta

from models import DayStatus, Event, RequestedDay, RequestedDayChange
from services.day_requests import DaySpec, request_days
from services.expiry import expire_due
from tests import factories
from tests.agenda_helpers import (
    FRIDAY,
    MONDAY,
    TUESDAY,
    WEDNESDAY,
    at,
    credit_type,
    hhmm,
    ledger,
    principal_of,
    purchase,
    set_now,
)

WHOLE = (hhmm("07:00"), hhmm("18:30"))


class Recorder:
    """A publisher that remembers what it was asked to publish."""

    def __init__(self) -> None:
        self.events = []

    async def publish(self, event) -> None:
        self.events.append(event)


async def pending(t, expires_at=None, credit=None, days=(WEDNESDAY,)):
    outcome = await request_days(
        await principal_of(t.parent),
        [DaySpec(t.child.id, d, *WHOLE, credit.id if credit else None) for d in days],
        expires_at=expires_at,
    )
    return outcome.request, [d.day for d in outcome.days]


async def test_a_pending_day_expires_when_its_expiry_moment_passes(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    kdv = await credit_type(t.org)
    await purchase(t.child, kdv, 20)
    request, (day,) = await pending(t, expires_at=at(TUESDAY, 12), credit=kdv)
    publisher = Recorder()
    # when
    set_now(at(TUESDAY, 12))
    expired = await expire_due(publisher=publisher)
    # then
    assert expired == 1
    assert (await RequestedDay.get(id=day.id)).status == DayStatus.EXPIRED
    change = await RequestedDayChange.filter(day_id=day.id).order_by("-id").first()
    assert (change.status, change.reason) == ("expired", "EXPIRY_MOMENT_PASSED")
    assert (await ledger(t.child))[-1] == ("release", 690, 2026)
    stored = await Event.get(type="day_request.expired")
    assert (stored.topic, stored.payload) == (
        f"user:{t.parent.id}",
        {"request_id": request.id, "day_ids": [day.id]},
    )
    assert [e.id for e in publisher.events] == [stored.id]


async def test_nothing_expires_before_its_moment(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    _, (day,) = await pending(t, expires_at=at(TUESDAY, 12))
    # when
    set_now(at(TUESDAY, 11, 59))
    expired = await expire_due()
    # then
    assert expired == 0
    assert (await RequestedDay.get(id=day.id)).status == DayStatus.REQUESTED
    assert await Event.filter(type="day_request.expired").count() == 0


async def test_a_pending_day_without_expiry_moment_lapses_when_the_day_starts(db):
    # given: Wednesday's day starts at 07:00
    set_now(at(MONDAY))
    t = await factories.tenant()
    _, (wednesday, friday) = await pending(t, days=(WEDNESDAY, FRIDAY))
    # when
    set_now(at(WEDNESDAY, 7, 0))
    await expire_due()
    # then
    assert (await RequestedDay.get(id=wednesday.id)).status == DayStatus.EXPIRED
    assert (await RequestedDay.get(id=friday.id)).status == DayStatus.REQUESTED
    change = await RequestedDayChange.filter(day_id=wednesday.id).order_by("-id").first()
    assert change.reason == "DAY_STARTED"


async def test_decided_days_never_expire(db):
    # given: an auto-approved day, long after its request's expiry moment
    set_now(at(MONDAY))
    t = await factories.tenant()
    kdv = await credit_type(t.org)
    await purchase(t.child, kdv, 20)
    _, (day,) = await pending(
        t, expires_at=at(TUESDAY), credit=kdv, days=(WEDNESDAY + timedelta(days=7),)
    )
    # when
    set_now(at(WEDNESDAY + timedelta(days=8)))
    expired = await expire_due()
    # then
    assert expired == 0
    assert (await RequestedDay.get(id=day.id)).status == DayStatus.APPROVED


async def test_expiry_runs_once_even_when_asked_twice(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    kdv = await credit_type(t.org)
    await purchase(t.child, kdv, 20)
    await pending(t, expires_at=at(TUESDAY), credit=kdv)
    set_now(at(TUESDAY, 10))
    # when
    first, second = await expire_due(), await expire_due()
    # then
    assert (first, second) == (1, 0)
    assert [k for k, _, _ in await ledger(t.child)] == ["purchase", "reservation", "release"]
