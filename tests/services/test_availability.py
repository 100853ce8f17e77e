"""Available times per child and date: blocks, flexible times, and why a date is not possible."""

from __future__ import annotations

from datetime import date, time, timedelta

from models import (
    Absence,
    BlockDays,
    CareType,
    ClosureDay,
    DayRequest,
    DayStatus,
    Placement,
    RequestedDay,
    SchoolFreeKind,
    SchoolFreePeriod,
    TimeBlock,
)
from services.availability import available_times
from tests import factories
from tests.agenda_helpers import (
    KINGS_DAY,
    MONDAY,
    THURSDAY,
    WEDNESDAY,
    at,
    flexible_child,
    hhmm,
    set_now,
)


async def options_for(t, kid, on):
    return (await available_times(t.org.id, [kid.id], on))[kid.id]


def blocks(options):
    return [(b.code, b.start.strftime("%H:%M"), b.end.strftime("%H:%M")) for b in options.blocks]


async def test_kdv_offers_whole_day_morning_and_afternoon_within_opening_hours(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    # when
    options = await options_for(t, t.child, WEDNESDAY)
    # then
    assert options.refusal is None
    assert blocks(options) == [
        ("whole_day", "07:00", "18:30"),
        ("morning", "07:00", "13:00"),
        ("afternoon", "13:00", "18:30"),
    ]
    assert options.group_id == t.babies.id


async def test_bso_offers_after_school_on_school_days_and_whole_days_in_the_holidays(db):
    # given: the May holiday of 2026 at this location
    set_now(at(MONDAY))
    t = await factories.tenant()
    await Placement.filter(child_id=t.sibling.id).update(schedule=[])
    await SchoolFreePeriod.create(
        organisation=t.org,
        location=t.location,
        kind=SchoolFreeKind.HOLIDAY,
        name="Meivakantie",
        start_date=date(2026, 4, 25),
        end_date=date(2026, 5, 3),
    )
    # when
    school_day = await options_for(t, t.sibling, WEDNESDAY)
    holiday = await options_for(t, t.sibling, date(2026, 4, 29))
    # then
    assert blocks(school_day) == [("after_school", "14:00", "18:30")]
    assert blocks(holiday) == [
        ("school_free_day", "07:00", "18:30"),
        ("school_free_morning", "07:00", "13:00"),
    ]


async def test_a_study_day_of_another_location_does_not_count(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    elsewhere = await factories.location(t.org, "Elders")
    await SchoolFreePeriod.create(
        organisation=t.org,
        location=elsewhere,
        kind=SchoolFreeKind.STUDY_DAY,
        start_date=WEDNESDAY,
        end_date=WEDNESDAY,
    )
    # when
    options = await options_for(t, t.sibling, WEDNESDAY)
    # then
    assert blocks(options) == [("after_school", "14:00", "18:30")]


async def test_the_organisation_defines_its_own_blocks(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    await TimeBlock.create(
        organisation=t.org,
        care_type=CareType.KDV,
        code="long_morning",
        name_nl="Lange ochtend",
        name_en="Long morning",
        start_time=hhmm("06:30"),
        end_time=hhmm("14:00"),
        days=BlockDays.ANY,
    )
    # when
    options = await options_for(t, t.child, WEDNESDAY)
    # then: clipped to the opening hours
    assert blocks(options) == [("long_morning", "07:00", "14:00")]


async def test_flexible_care_offers_free_times_in_quarters_with_a_minimum(db):
    # given: the child already has a flexible day on Wednesday morning
    set_now(at(MONDAY))
    t = await factories.tenant()
    flex, group = await flexible_child(t)
    await RequestedDay.create(
        organisation=t.org,
        request=await DayRequest.create(organisation=t.org),
        child=flex,
        group=group,
        kind="flexible",
        date=WEDNESDAY,
        start_time=hhmm("08:00"),
        end_time=hhmm("12:00"),
        status=DayStatus.APPROVED,
    )
    # when
    options = await options_for(t, flex, WEDNESDAY)
    # then: 07:00-08:00 is shorter than the 120-minute minimum
    window = options.flexible
    assert (window.opens, window.closes, window.step_minutes) == (time(7), time(18, 30), 15)
    assert window.minimum_minutes == 120
    assert window.free == [(time(12), time(18, 30))]
    assert options.blocks == []


async def test_today_only_what_has_not_started_is_offered(db):
    # given: Wednesday 12:05
    set_now(at(MONDAY))
    t = await factories.tenant()
    flex, _ = await flexible_child(t)
    set_now(at(WEDNESDAY, 12, 5))
    # when
    block_care = await options_for(t, t.child, WEDNESDAY)
    flexible = await options_for(t, flex, WEDNESDAY)
    # then
    assert blocks(block_care) == [("afternoon", "13:00", "18:30")]
    assert flexible.flexible.free == [(time(12, 15), time(18, 30))]


async def test_reasons_a_date_is_not_possible(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    await ClosureDay.create(organisation=t.org, location=t.location, date=date(2026, 4, 22))
    no_placement = await factories.child(t.org, guardians=[t.parent])
    # when / then
    expectations = [
        (t.child, MONDAY - timedelta(days=3), "OUTSIDE_REQUEST_WINDOW"),
        (t.child, MONDAY + timedelta(days=400), "OUTSIDE_REQUEST_WINDOW"),
        (no_placement, WEDNESDAY, "NO_PLACEMENT"),
        (t.child, KINGS_DAY, "CLOSED"),
        (t.child, date(2026, 4, 25), "CLOSED"),
        (t.child, WEDNESDAY, "CLOSED"),
        (t.child, THURSDAY, "ALREADY_PLANNED"),
    ]
    for kid, on, code in expectations:
        options = await options_for(t, kid, on)
        assert options.refusal is not None and options.refusal.code == code, (on, code)
        assert options.blocks == []


async def test_christmas_is_closed(db):
    # given
    set_now(at(date(2026, 12, 14)))
    t = await factories.tenant()
    # when
    options = await options_for(t, t.child, date(2026, 12, 25))
    # then
    assert options.refusal.code == "CLOSED"
    assert options.refusal.details == {"closedBecause": "PUBLIC_HOLIDAY"}


async def test_today_after_every_block_started_is_outside_the_window(db):
    # given: Wednesday 13:05, every block has started
    set_now(at(MONDAY))
    t = await factories.tenant()
    set_now(at(WEDNESDAY, 13, 5))
    # when
    options = await options_for(t, t.child, WEDNESDAY)
    # then
    assert options.refusal.code == "OUTSIDE_REQUEST_WINDOW"


async def test_a_full_group_is_not_possible(db):
    # given: a group of one, taken on Wednesday
    set_now(at(MONDAY))
    t = await factories.tenant()
    tiny = await factories.group(t.org, t.location, "Mini", CareType.KDV, capacity=1)
    kid = await factories.child(t.org, guardians=[t.parent], grp=tiny)
    other = await factories.child(t.org, grp=tiny)
    await Placement.filter(child_id=other.id).update(
        schedule=[{"weekday": 2, "start": "08:00", "end": "17:00"}]
    )
    # when
    options = await options_for(t, kid, WEDNESDAY)
    # then
    assert options.refusal.code == "GROUP_FULL"


async def test_an_absent_child_frees_its_place(db):
    # given: the same group of one, but the Wednesday child is reported absent
    set_now(at(MONDAY))
    t = await factories.tenant()
    tiny = await factories.group(t.org, t.location, "Mini", CareType.KDV, capacity=1)
    kid = await factories.child(t.org, guardians=[t.parent], grp=tiny)
    other = await factories.child(t.org, grp=tiny)
    await Placement.filter(child_id=other.id).update(
        schedule=[{"weekday": 2, "start": "08:00", "end": "17:00"}]
    )
    await Absence.create(
        organisation=t.org, child=other, group=tiny, date=WEDNESDAY, day_part="whole_day",
        reason="sick",
    )  # fmt: skip
    # when
    options = await options_for(t, kid, WEDNESDAY)
    # then
    assert options.refusal is None
