"""The agenda: contract days from the schedule, requested days, absences, closed days."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from models import AbsenceReason, ClosureDay, DayKind, DayPart, DayStatus, Placement
from services.absences import report_absence
from services.agenda import MAX_RANGE_DAYS, agendas, status_of
from services.day_requests import DaySpec, request_days
from services.day_reviews import review
from tests import factories
from tests.agenda_helpers import (
    FRIDAY,
    KINGS_DAY,
    MONDAY,
    THURSDAY,
    TUESDAY,
    WEDNESDAY,
    at,
    hhmm,
    principal_of,
    set_now,
)


def summary(slots):
    return [(s.date, s.kind.value, status_of(s).value) for s in slots]


async def agenda_of(t, kid, start, end):
    return (await agendas(t.org.id, [kid.id], start, end))[kid.id]


async def test_contract_days_come_from_the_weekly_schedule_without_closed_days(db):
    # given: Mon/Tue/Thu 07:30-18:00; next Monday is King's Day; next Tuesday a closure day
    set_now(at(MONDAY))
    t = await factories.tenant()
    await ClosureDay.create(organisation=t.org, date=TUESDAY + timedelta(days=7), reason="Team")
    # when
    slots = await agenda_of(t, t.child, MONDAY, MONDAY + timedelta(days=13))
    # then
    assert [s.date for s in slots] == [MONDAY, TUESDAY, THURSDAY, THURSDAY + timedelta(days=7)]
    assert {(s.kind, s.start, s.end, s.group_id) for s in slots} == {
        (DayKind.CONTRACT, hhmm("07:30"), hhmm("18:00"), t.babies.id)
    }
    assert KINGS_DAY not in [s.date for s in slots]


async def test_contract_days_stop_when_the_placement_ends_and_another_group_takes_over(db):
    # given: the child moves to the BSO group from Thursday
    set_now(at(MONDAY))
    t = await factories.tenant()
    await Placement.filter(child_id=t.child.id).update(end_date=WEDNESDAY)
    await factories.placement(t.child, t.bso, start=THURSDAY)
    # when
    slots = await agenda_of(t, t.child, MONDAY, FRIDAY)
    # then
    assert [(s.date, s.group_id) for s in slots] == [
        (MONDAY, t.babies.id),
        (TUESDAY, t.babies.id),
        (THURSDAY, t.bso.id),
    ]


async def test_a_placement_years_ahead_generates_only_the_range_asked(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    start = date(2030, 1, 7)
    # when
    slots = await agenda_of(t, t.child, start, start + timedelta(days=6))
    # then: Mon 7, Tue 8, Thu 10 January 2030
    assert [s.date.day for s in slots] == [7, 8, 10]


async def test_requested_days_show_with_their_status_next_to_contract_days(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    parent = await principal_of(t.parent)
    whole = (hhmm("07:00"), hhmm("18:30"))
    wednesday = await request_days(parent, [DaySpec(t.child.id, WEDNESDAY, *whole, None)])
    friday = await request_days(parent, [DaySpec(t.child.id, FRIDAY, *whole, None)])
    await review(await principal_of(t.planner), friday.request.id, False, "Geen plek")
    # when
    slots = await agenda_of(t, t.child, WEDNESDAY, FRIDAY)
    # then
    assert summary(slots) == [
        (WEDNESDAY, "extra", "requested"),
        (THURSDAY, "contract", "planned"),
        (FRIDAY, "extra", "rejected"),
    ]
    assert slots[0].requested_day.id == wednesday.days[0].day.id


async def test_a_day_reported_absent_shows_absent(db):
    # given: Tuesday whole day, Thursday only the morning
    set_now(at(MONDAY))
    t = await factories.tenant()
    parent = await principal_of(t.parent)
    await report_absence(parent, t.child.id, TUESDAY, TUESDAY, AbsenceReason.SICK)
    await report_absence(
        parent,
        t.child.id,
        THURSDAY,
        THURSDAY,
        AbsenceReason.OTHER,
        parts=[(THURSDAY, DayPart.MORNING)],
    )
    # when
    slots = await agenda_of(t, t.child, TUESDAY, THURSDAY)
    # then
    assert summary(slots) == [(TUESDAY, "contract", "absent"), (THURSDAY, "contract", "planned")]
    assert slots[1].absent_parts == {DayPart.MORNING}


async def test_reading_the_agenda_expires_due_requests(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    await request_days(
        await principal_of(t.parent),
        [DaySpec(t.child.id, WEDNESDAY, hhmm("07:00"), hhmm("13:00"), None)],
        expires_at=at(TUESDAY, 12),
    )
    set_now(at(TUESDAY, 12, 1))
    # when
    slots = await agenda_of(t, t.child, WEDNESDAY, WEDNESDAY)
    # then
    assert summary(slots) == [(WEDNESDAY, "extra", "expired")]
    assert slots[0].requested_day.status == DayStatus.EXPIRED


async def test_the_range_is_capped(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    # when / then
    with pytest.raises(ValueError):
        await agenda_of(t, t.child, MONDAY, MONDAY + timedelta(days=MAX_RANGE_DAYS))
    with pytest.raises(ValueError):
        await agenda_of(t, t.child, TUESDAY, MONDAY)
