"""requestDays rules: auto-approval, waiting, all-or-nothing with per-day reasons, payment."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models import CareType, ClosureDay, DayRequest, DayStatus, RequestedDay, RequestedDayChange
from services.day_requests import DaySpec, DaysRefused, request_days
from services.errors import AccessDenied, RefusedError
from tests import factories
from tests.agenda_helpers import (
    FRIDAY,
    KINGS_DAY,
    MONDAY,
    THURSDAY,
    WEDNESDAY,
    at,
    credit_type,
    flexible_child,
    hhmm,
    ledger,
    principal_of,
    purchase,
    set_now,
)

WHOLE_DAY = (hhmm("07:00"), hhmm("18:30"))
MORNING = (hhmm("07:00"), hhmm("13:00"))


def day(child, on, times=WHOLE_DAY, credit=None) -> DaySpec:
    return DaySpec(child.id, on, times[0], times[1], credit.id if credit else None)


async def setup():
    set_now(at(MONDAY))
    t = await factories.tenant()
    kdv = await credit_type(t.org)
    return t, kdv


async def test_a_day_paid_from_credit_within_the_term_is_approved_at_once(db):
    # given: Wednesday next week is 9 days ahead (term: 48 hours to 60 days)
    t, kdv = await setup()
    await purchase(t.child, kdv, 20)
    # when
    outcome = await request_days(
        await principal_of(t.parent), [day(t.child, WEDNESDAY + timedelta(days=7), credit=kdv)]
    )
    # then
    decision = outcome.days[0]
    assert decision.auto_approved is True
    assert decision.reason.code == "AUTO_APPROVED"
    assert decision.day.status == DayStatus.APPROVED
    assert await ledger(t.child) == [("purchase", 1200, 2026), ("use", -690, 2026)]
    history = await RequestedDayChange.filter(day_id=decision.day.id).order_by("id")
    assert [(h.status, h.reason) for h in history] == [
        ("requested", ""),
        ("approved", "AUTO_APPROVED"),
    ]


async def test_a_day_charged_on_the_invoice_waits_for_review(db):
    # given
    t, _ = await setup()
    # when
    outcome = await request_days(
        await principal_of(t.parent), [day(t.child, WEDNESDAY + timedelta(days=7))]
    )
    # then
    decision = outcome.days[0]
    assert (decision.auto_approved, decision.reason.code) == (False, "CHARGED_ON_INVOICE")
    assert decision.day.status == DayStatus.REQUESTED
    assert decision.day.charge_on_invoice is True
    assert await ledger(t.child) == []


async def test_a_day_requested_at_short_notice_waits_and_reserves_its_credit(db):
    # given: Wednesday this week starts 46 hours from now (minimum lead time: 48 hours)
    t, kdv = await setup()
    await purchase(t.child, kdv, 20)
    # when
    outcome = await request_days(
        await principal_of(t.parent), [day(t.child, WEDNESDAY, credit=kdv)]
    )
    # then
    assert outcome.days[0].reason.code == "TOO_SHORT_NOTICE"
    assert outcome.days[0].day.status == DayStatus.REQUESTED
    assert await ledger(t.child) == [("purchase", 1200, 2026), ("reservation", -690, 2026)]


async def test_a_day_just_inside_the_minimum_lead_time_is_approved(db):
    # given: Wednesday 07:00 is exactly 48 hours after Monday 07:00
    t, kdv = await setup()
    set_now(at(MONDAY, 7, 0))
    await purchase(t.child, kdv, 20)
    # when
    outcome = await request_days(
        await principal_of(t.parent), [day(t.child, WEDNESDAY, credit=kdv)]
    )
    # then
    assert outcome.days[0].auto_approved is True


async def test_a_day_beyond_the_maximum_lead_time_waits(db):
    # given: 61 days ahead, a Wednesday in June (term: at most 60 days)
    t, kdv = await setup()
    await purchase(t.child, kdv, 20)
    # when
    outcome = await request_days(
        await principal_of(t.parent), [day(t.child, WEDNESDAY + timedelta(weeks=9), credit=kdv)]
    )
    # then
    assert outcome.days[0].reason.code == "TOO_FAR_AHEAD"


async def test_several_children_and_dates_in_one_request(db):
    # given
    t, kdv = await setup()
    await purchase(t.child, kdv, 20)
    bso = await credit_type(t.org, "BSO flextegoed", (CareType.BSO,))
    await purchase(t.sibling, bso, 10)
    # when
    outcome = await request_days(
        await principal_of(t.parent),
        [
            day(t.child, WEDNESDAY + timedelta(days=7), MORNING, kdv),
            day(t.child, FRIDAY + timedelta(days=7)),
            day(t.sibling, WEDNESDAY + timedelta(days=7), (hhmm("14:00"), hhmm("18:30")), bso),
        ],
        remark="Oma is jarig",
    )
    # then
    assert [d.auto_approved for d in outcome.days] == [True, False, True]
    assert outcome.request.remark == "Oma is jarig"
    assert await RequestedDay.filter(request_id=outcome.request.id).count() == 3


async def test_nothing_is_saved_when_one_day_is_not_possible(db):
    # given
    t, kdv = await setup()
    await purchase(t.child, kdv, 20)
    # when: the second day is King's Day
    with pytest.raises(DaysRefused) as refused:
        await request_days(
            await principal_of(t.parent),
            [day(t.child, WEDNESDAY + timedelta(days=7), credit=kdv), day(t.child, KINGS_DAY)],
        )
    # then
    assert refused.value.refusal.code == "DAYS_NOT_POSSIBLE"
    assert [(d.index, d.refusal.code) for d in refused.value.days] == [(1, "CLOSED")]
    assert await DayRequest.all().count() == 0
    assert await RequestedDay.all().count() == 0
    assert await ledger(t.child) == [("purchase", 1200, 2026)]


@pytest.mark.parametrize(
    ("times", "code"),
    [
        (("09:00", "08:00"), "INVALID_TIMES"),
        (("09:10", "12:00"), "INVALID_TIMES"),
        (("09:00", "12:00"), "TIME_NOT_OFFERED"),
    ],
)
async def test_block_care_accepts_only_its_blocks(db, times, code):
    # given
    t, _ = await setup()
    # when
    with pytest.raises(DaysRefused) as refused:
        await request_days(
            await principal_of(t.parent),
            [day(t.child, WEDNESDAY, (hhmm(times[0]), hhmm(times[1])))],
        )
    # then
    assert refused.value.days[0].refusal.code == code


@pytest.mark.parametrize(
    ("times", "code"),
    [
        (("06:30", "10:00"), "OUTSIDE_OPENING_HOURS"),
        (("16:00", "19:00"), "OUTSIDE_OPENING_HOURS"),
        (("09:00", "10:45"), "TOO_SHORT"),
        (("09:00", "10:50"), "INVALID_TIMES"),
    ],
)
async def test_flexible_care_accepts_free_times_in_quarters_within_opening_hours(db, times, code):
    # given
    t, _ = await setup()
    flex, _ = await flexible_child(t)
    # when
    with pytest.raises(DaysRefused) as refused:
        await request_days(
            await principal_of(t.parent), [day(flex, WEDNESDAY, (hhmm(times[0]), hhmm(times[1])))]
        )
    # then
    assert refused.value.days[0].refusal.code == code


async def test_flexible_care_books_free_times(db):
    # given
    t, kdv = await setup()
    flex, _ = await flexible_child(t)
    await purchase(flex, kdv, 10)
    # when
    outcome = await request_days(
        await principal_of(t.parent),
        [day(flex, WEDNESDAY + timedelta(days=7), (hhmm("09:15"), hhmm("11:15")), kdv)],
    )
    # then
    assert outcome.days[0].day.kind == "flexible"
    assert outcome.days[0].auto_approved is True
    assert await ledger(flex) == [("purchase", 600, 2026), ("use", -120, 2026)]


async def test_a_day_the_child_already_has_care_is_refused(db):
    # given: Thursday is a contract day
    t, _ = await setup()
    # when
    with pytest.raises(DaysRefused) as refused:
        await request_days(await principal_of(t.parent), [day(t.child, THURSDAY)])
    # then
    assert refused.value.days[0].refusal.code == "ALREADY_PLANNED"


async def test_the_same_day_twice_in_one_request_is_refused(db):
    # given
    t, _ = await setup()
    # when
    with pytest.raises(DaysRefused) as refused:
        await request_days(
            await principal_of(t.parent), [day(t.child, WEDNESDAY), day(t.child, WEDNESDAY)]
        )
    # then
    assert [(d.index, d.refusal.code) for d in refused.value.days] == [(1, "ALREADY_PLANNED")]


async def test_a_closure_day_of_the_organisation_is_refused(db):
    # given
    t, _ = await setup()
    await ClosureDay.create(organisation=t.org, date=WEDNESDAY, reason="Studiedag team")
    # when
    with pytest.raises(DaysRefused) as refused:
        await request_days(await principal_of(t.parent), [day(t.child, WEDNESDAY)])
    # then
    assert refused.value.days[0].refusal.code == "CLOSED"
    assert refused.value.days[0].refusal.details == {"closedBecause": "CLOSURE_DAY"}


async def test_a_date_without_placement_is_refused(db):
    # given: the child's placement ends this Tuesday
    t, _ = await setup()
    kid = await factories.child(
        t.org, guardians=[t.parent], grp=t.babies, end=MONDAY + timedelta(days=1)
    )
    # when
    with pytest.raises(DaysRefused) as refused:
        await request_days(await principal_of(t.parent), [day(kid, WEDNESDAY)])
    # then
    assert refused.value.days[0].refusal.code == "NO_PLACEMENT"


@pytest.mark.parametrize("offset", [-5, 366])
async def test_a_date_outside_the_request_window_is_refused(db, offset):
    # given
    t, _ = await setup()
    # when
    with pytest.raises(DaysRefused) as refused:
        await request_days(
            await principal_of(t.parent), [day(t.child, WEDNESDAY + timedelta(days=offset))]
        )
    # then
    assert refused.value.days[0].refusal.code == "OUTSIDE_REQUEST_WINDOW"


async def test_a_group_without_room_is_refused_also_within_one_request(db):
    # given: a group with one place left on Wednesday
    t, _ = await setup()
    small = await factories.group(t.org, t.location, "Klein", CareType.KDV, capacity=2)
    taken = await factories.child(t.org, grp=small)
    await RequestedDay.create(
        organisation=t.org,
        request=await DayRequest.create(organisation=t.org),
        child=taken,
        group=small,
        kind="extra",
        date=WEDNESDAY,
        start_time=hhmm("07:00"),
        end_time=hhmm("18:30"),
        status=DayStatus.APPROVED,
    )
    first = await factories.child(t.org, guardians=[t.parent], grp=small)
    second = await factories.child(t.org, guardians=[t.parent], grp=small)
    # when
    with pytest.raises(DaysRefused) as refused:
        await request_days(
            await principal_of(t.parent), [day(first, WEDNESDAY), day(second, WEDNESDAY)]
        )
    # then
    assert [(d.index, d.refusal.code) for d in refused.value.days] == [(1, "GROUP_FULL")]


async def test_a_credit_for_another_care_type_is_refused(db):
    # given
    t, _ = await setup()
    bso = await credit_type(t.org, "BSO flextegoed", (CareType.BSO,))
    await purchase(t.child, bso, 20)
    # when
    with pytest.raises(DaysRefused) as refused:
        await request_days(await principal_of(t.parent), [day(t.child, WEDNESDAY, credit=bso)])
    # then
    assert refused.value.days[0].refusal.code == "CREDIT_NOT_APPLICABLE"


async def test_a_credit_of_another_organisation_is_refused(db):
    # given
    t, _ = await setup()
    other = await factories.tenant("zonnestraal")
    foreign = await credit_type(other.org)
    # when
    with pytest.raises(DaysRefused) as refused:
        await request_days(await principal_of(t.parent), [day(t.child, WEDNESDAY, credit=foreign)])
    # then
    assert refused.value.days[0].refusal.code == "CREDIT_NOT_APPLICABLE"


async def test_not_enough_credit_counts_every_day_of_the_request(db):
    # given: 15 hours, two whole days need 23
    t, kdv = await setup()
    await purchase(t.child, kdv, 15)
    # when
    with pytest.raises(DaysRefused) as refused:
        await request_days(
            await principal_of(t.parent),
            [
                day(t.child, WEDNESDAY + timedelta(days=7), credit=kdv),
                day(t.child, FRIDAY + timedelta(days=7), credit=kdv),
            ],
        )
    # then
    (failure,) = refused.value.days
    assert (failure.index, failure.refusal.code) == (1, "INSUFFICIENT_CREDIT")
    assert failure.refusal.details == {"available": 210, "needed": 690}
    assert await ledger(t.child) == [("purchase", 900, 2026)]


async def test_credit_is_taken_from_the_oldest_lot_first_and_never_from_expired_lots(db):
    # given: 2 hours left from 2025 (expired), 4 in 2026, 10 in 2027
    t, kdv = await setup()
    await purchase(t.child, kdv, 2, 2025)
    await purchase(t.child, kdv, 4, 2026)
    await purchase(t.child, kdv, 10, 2027)
    # when: a morning of 6 hours
    await request_days(
        await principal_of(t.parent), [day(t.child, WEDNESDAY + timedelta(days=7), MORNING, kdv)]
    )
    # then
    assert (await ledger(t.child))[3:] == [("use", -240, 2026), ("use", -120, 2027)]


async def test_a_lot_cannot_pay_for_a_day_after_its_year(db):
    # given: 40 hours of 2026, a day in January 2027
    t, kdv = await setup()
    set_now(at(MONDAY.replace(month=12, day=14)))
    await purchase(t.child, kdv, 40, 2026)
    # when
    with pytest.raises(DaysRefused) as refused:
        await request_days(
            await principal_of(t.parent),
            [day(t.child, MONDAY.replace(year=2027, month=1, day=6), credit=kdv)],
        )
    # then
    assert refused.value.days[0].refusal.code == "INSUFFICIENT_CREDIT"


async def test_the_expiry_moment_must_lie_in_the_future(db):
    # given
    t, _ = await setup()
    # when
    with pytest.raises(RefusedError) as refused:
        await request_days(
            await principal_of(t.parent),
            [day(t.child, WEDNESDAY)],
            expires_at=at(MONDAY, 8, 59),
        )
    # then
    assert refused.value.refusal.code == "EXPIRY_IN_PAST"


async def test_the_expiry_moment_must_lie_before_the_first_day_starts(db):
    # given
    t, _ = await setup()
    # when
    with pytest.raises(RefusedError) as refused:
        await request_days(
            await principal_of(t.parent),
            [day(t.child, FRIDAY), day(t.child, WEDNESDAY)],
            expires_at=at(WEDNESDAY, 7, 0),
        )
    # then
    assert refused.value.refusal.code == "EXPIRY_AFTER_FIRST_DAY"


async def test_a_parent_cannot_request_for_another_parents_child(db):
    # given
    t, _ = await setup()
    # when / then
    with pytest.raises(AccessDenied) as denied:
        await request_days(await principal_of(t.parent), [day(t.other_child, WEDNESDAY)])
    assert denied.value.code == "NOT_FOUND"
    assert await DayRequest.all().count() == 0


async def test_staff_cannot_request_days(db):
    # given
    t, _ = await setup()
    # when / then
    with pytest.raises(AccessDenied) as denied:
        await request_days(await principal_of(t.staff), [day(t.child, WEDNESDAY)])
    assert denied.value.code == "FORBIDDEN"
