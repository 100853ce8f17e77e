"""Planner review: approve (capacity checked again) or reject with a reason; pending lists."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models import CareType, DayStatus, Event, Placement, RequestedDay, RequestedDayChange
from services.day_requests import DaySpec, DaysRefused, request_days
from services.day_reviews import pending_day_ids, review
from services.errors import AccessDenied, RefusedError
from tests import factories
from tests.agenda_helpers import (
    FRIDAY,
    MONDAY,
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


async def pending_request(t, kid=None, on=WEDNESDAY, credit=None):
    """A request that waits (Wednesday is within the minimum lead time)."""
    kid = kid or t.child
    outcome = await request_days(
        await principal_of(t.parent), [DaySpec(kid.id, on, *WHOLE, credit.id if credit else None)]
    )
    return outcome.request, outcome.days[0].day


async def test_a_planner_approves_and_the_reserved_credit_becomes_used(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    kdv = await credit_type(t.org)
    await purchase(t.child, kdv, 20)
    request, day = await pending_request(t, credit=kdv)
    # when
    outcome = await review(await principal_of(t.planner), request.id, approve=True)
    # then
    assert [d.status for d in outcome.days] == [DayStatus.APPROVED]
    stored = await RequestedDay.get(id=day.id)
    assert (stored.status, stored.decided_by_id) == (DayStatus.APPROVED, t.planner.id)
    assert await ledger(t.child) == [
        ("purchase", 1200, 2026),
        ("reservation", -690, 2026),
        ("release", 690, 2026),
        ("use", -690, 2026),
    ]
    event = await Event.get(type="day_request.decided")
    assert event.topic == f"user:{t.parent.id}"
    assert event.payload == {"request_id": request.id, "day_ids": [day.id]}


async def test_a_planner_rejects_with_a_reason_and_the_credit_is_released(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    kdv = await credit_type(t.org)
    await purchase(t.child, kdv, 20)
    request, day = await pending_request(t, credit=kdv)
    # when
    await review(await principal_of(t.planner), request.id, approve=False, reason="Groep vol")
    # then
    stored = await RequestedDay.get(id=day.id)
    assert (stored.status, stored.decision_reason) == (DayStatus.REJECTED, "Groep vol")
    assert (await ledger(t.child))[-1] == ("release", 690, 2026)
    history = await RequestedDayChange.filter(day_id=day.id).order_by("id")
    assert [(h.status, h.reason) for h in history][-1] == ("rejected", "Groep vol")


async def test_rejecting_needs_a_reason(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    request, _ = await pending_request(t)
    # when / then
    with pytest.raises(RefusedError) as refused:
        await review(await principal_of(t.planner), request.id, approve=False, reason="  ")
    assert refused.value.refusal.code == "REASON_REQUIRED"


async def test_a_decided_request_cannot_be_decided_again(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    request, _ = await pending_request(t)
    planner = await principal_of(t.planner)
    await review(planner, request.id, approve=True)
    # when / then
    with pytest.raises(RefusedError) as refused:
        await review(planner, request.id, approve=False, reason="toch niet")
    assert refused.value.refusal.code == "NOT_PENDING"


async def test_an_expired_request_cannot_be_approved(db):
    # given: the day started before the planner looked
    set_now(at(MONDAY))
    t = await factories.tenant()
    request, day = await pending_request(t)
    set_now(at(WEDNESDAY, 7, 1))
    # when / then
    with pytest.raises(RefusedError) as refused:
        await review(await principal_of(t.planner), request.id, approve=True)
    assert refused.value.refusal.code == "NOT_PENDING"
    assert (await RequestedDay.get(id=day.id)).status == DayStatus.EXPIRED


async def test_capacity_is_checked_again_at_approval(db):
    # given: after the request, the group got a Wednesday child and its capacity was cut to 1
    set_now(at(MONDAY))
    t = await factories.tenant()
    request, day = await pending_request(t)
    t.babies.capacity = 1
    await t.babies.save()
    newcomer = await factories.child(t.org, grp=t.babies)
    await Placement.filter(child_id=newcomer.id).update(
        schedule=[{"weekday": 2, "start": "08:00", "end": "17:00"}]
    )
    await factories.child(t.org, grp=t.babies)  # Mon/Tue/Thu only: not there on Wednesday
    # when
    with pytest.raises(DaysRefused) as refused:
        await review(await principal_of(t.planner), request.id, approve=True)
    # then
    assert [(d.day_id, d.refusal.code) for d in refused.value.days] == [(day.id, "GROUP_FULL")]
    assert (await RequestedDay.get(id=day.id)).status == DayStatus.REQUESTED


async def test_only_the_chosen_days_are_decided(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    outcome = await request_days(
        await principal_of(t.parent),
        [DaySpec(t.child.id, WEDNESDAY, *WHOLE, None), DaySpec(t.child.id, FRIDAY, *WHOLE, None)],
    )
    wednesday, friday = (d.day for d in outcome.days)
    # when
    await review(
        await principal_of(t.planner), outcome.request.id, approve=True, day_ids=[friday.id]
    )
    # then
    assert (await RequestedDay.get(id=wednesday.id)).status == DayStatus.REQUESTED
    assert (await RequestedDay.get(id=friday.id)).status == DayStatus.APPROVED


async def test_parents_and_staff_cannot_review(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    request, _ = await pending_request(t)
    # when / then
    for user in (t.parent, t.staff):
        with pytest.raises(AccessDenied) as denied:
            await review(await principal_of(user), request.id, approve=True)
        assert denied.value.code == "FORBIDDEN"


async def test_a_planner_of_another_organisation_cannot_see_the_request(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    other = await factories.tenant("zonnestraal")
    request, _ = await pending_request(t)
    # when / then
    with pytest.raises(AccessDenied) as denied:
        await review(await principal_of(other.planner), request.id, approve=True)
    assert denied.value.code == "NOT_FOUND"


async def test_planners_list_pending_days_filtered_by_location_group_and_date(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    other_location = await factories.location(t.org, "Het Klavertje")
    far = await factories.group(t.org, other_location, "Verweg", CareType.KDV)
    far_child = await factories.child(t.org, guardians=[t.parent], grp=far)
    _, wednesday = await pending_request(t)
    _, friday = await pending_request(t, on=FRIDAY)
    _, elsewhere = await pending_request(t, kid=far_child)
    _, next_week = await pending_request(t, on=WEDNESDAY + timedelta(days=7))
    planner = await principal_of(t.planner)
    # when / then
    assert await pending_day_ids(planner) == [wednesday.id, elsewhere.id, friday.id, next_week.id]
    assert await pending_day_ids(planner, location_id=other_location.id) == [elsewhere.id]
    assert await pending_day_ids(planner, group_id=t.babies.id, start=FRIDAY) == [
        friday.id,
        next_week.id,
    ]
    assert await pending_day_ids(planner, start=FRIDAY, end=FRIDAY) == [friday.id]


async def test_pending_lists_leave_out_other_organisations_and_decided_days(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    other = await factories.tenant("zonnestraal")
    request, _ = await pending_request(t)
    await pending_request(other)
    await review(await principal_of(t.planner), request.id, approve=True)
    # when / then
    assert await pending_day_ids(await principal_of(t.planner)) == []
