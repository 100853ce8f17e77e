"""Reporting absence: the planning of a period, day parts, refusals, no credit back."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models import Absence, AbsenceReason, DayPart, Placement
from services.absences import planning_days, report_absence, todays_absences
from services.day_requests import DaySpec, request_days
from services.errors import AccessDenied, RefusedError
from tests import factories
from tests.agenda_helpers import (
    FRIDAY,
    KINGS_DAY,
    MONDAY,
    THURSDAY,
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

SICK = AbsenceReason.SICK


async def test_the_planning_of_a_period_lists_the_care_days_and_their_parts(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    # when
    days = await planning_days(t.org.id, t.child.id, MONDAY, MONDAY + timedelta(days=7))
    # then: Mon, Tue, Thu of this week; next Monday is King's Day
    assert [d.date for d in days] == [MONDAY, TUESDAY, THURSDAY]
    assert days[0].parts == [DayPart.WHOLE_DAY, DayPart.MORNING, DayPart.AFTERNOON]
    assert KINGS_DAY not in [d.date for d in days]


async def test_a_whole_period_is_reported_absent_day_by_day(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    # when
    rows = await report_absence(
        await principal_of(t.parent), t.child.id, MONDAY, FRIDAY, SICK, remark="Waterpokken"
    )
    # then
    assert [(r.date, r.day_part) for r in rows] == [
        (MONDAY, DayPart.WHOLE_DAY),
        (TUESDAY, DayPart.WHOLE_DAY),
        (THURSDAY, DayPart.WHOLE_DAY),
    ]
    assert {(r.reason, r.remark, r.group_id) for r in rows} == {(SICK, "Waterpokken", t.babies.id)}


async def test_chosen_day_parts_are_reported(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    # when
    await report_absence(
        await principal_of(t.parent),
        t.child.id,
        TUESDAY,
        THURSDAY,
        AbsenceReason.HOLIDAY,
        parts=[(TUESDAY, DayPart.AFTERNOON), (THURSDAY, DayPart.MORNING)],
    )
    # then
    rows = await Absence.filter(child_id=t.child.id).order_by("date")
    assert [(r.date, r.day_part) for r in rows] == [
        (TUESDAY, DayPart.AFTERNOON),
        (THURSDAY, DayPart.MORNING),
    ]


async def test_absence_gives_no_credit_back(db):
    # given: an approved extra day paid from credit
    set_now(at(MONDAY))
    t = await factories.tenant()
    kdv = await credit_type(t.org)
    await purchase(t.child, kdv, 20)
    next_wednesday = WEDNESDAY + timedelta(days=7)
    await request_days(
        await principal_of(t.parent),
        [DaySpec(t.child.id, next_wednesday, hhmm("07:00"), hhmm("18:30"), kdv.id)],
    )
    # when
    await report_absence(
        await principal_of(t.parent), t.child.id, next_wednesday, next_wednesday, SICK
    )
    # then
    assert await ledger(t.child) == [("purchase", 1200, 2026), ("use", -690, 2026)]
    assert await Absence.filter(child_id=t.child.id, date=next_wednesday).count() == 1


async def test_past_days_cannot_be_reported(db):
    # given
    set_now(at(TUESDAY))
    t = await factories.tenant()
    # when / then
    with pytest.raises(RefusedError) as refused:
        await report_absence(await principal_of(t.parent), t.child.id, MONDAY, THURSDAY, SICK)
    assert refused.value.refusal.code == "PAST_DAY"
    assert await Absence.all().count() == 0


async def test_a_day_without_care_is_refused(db):
    # given: Wednesday is not a contract day
    set_now(at(MONDAY))
    t = await factories.tenant()
    # when / then
    with pytest.raises(RefusedError) as refused:
        await report_absence(
            await principal_of(t.parent),
            t.child.id,
            MONDAY,
            FRIDAY,
            SICK,
            parts=[(THURSDAY, DayPart.WHOLE_DAY), (WEDNESDAY, DayPart.WHOLE_DAY)],
        )
    assert refused.value.refusal.code == "NO_CARE_ON_DAY"
    assert await Absence.all().count() == 0


async def test_a_period_without_any_care_is_refused(db):
    # given: Wednesday to Wednesday, no contract day
    set_now(at(MONDAY))
    t = await factories.tenant()
    # when / then
    with pytest.raises(RefusedError) as refused:
        await report_absence(await principal_of(t.parent), t.child.id, WEDNESDAY, WEDNESDAY, SICK)
    assert refused.value.refusal.code == "NO_CARE_ON_DAY"


async def test_a_day_part_without_care_is_refused(db):
    # given: the BSO child's contract days run 07:30-18:00 in the factory; make one afternoon-only
    set_now(at(MONDAY))
    t = await factories.tenant()
    await Placement.filter(child_id=t.sibling.id).update(
        schedule=[{"weekday": 1, "start": "14:00", "end": "18:30"}]
    )
    # when / then
    with pytest.raises(RefusedError) as refused:
        await report_absence(
            await principal_of(t.parent),
            t.sibling.id,
            TUESDAY,
            TUESDAY,
            SICK,
            parts=[(TUESDAY, DayPart.MORNING)],
        )
    assert refused.value.refusal.code == "NO_CARE_ON_DAY"


async def test_a_day_already_reported_is_refused(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    parent = await principal_of(t.parent)
    await report_absence(parent, t.child.id, TUESDAY, TUESDAY, SICK)
    # when / then
    with pytest.raises(RefusedError) as refused:
        await report_absence(
            parent, t.child.id, TUESDAY, TUESDAY, SICK, parts=[(TUESDAY, DayPart.MORNING)]
        )
    assert refused.value.refusal.code == "ALREADY_ABSENT"


async def test_another_parent_cannot_report_absence(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    # when / then
    with pytest.raises(AccessDenied):
        await report_absence(await principal_of(t.other_parent), t.child.id, MONDAY, MONDAY, SICK)


async def test_staff_see_todays_absences_of_their_own_groups_only(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    await report_absence(await principal_of(t.parent), t.child.id, MONDAY, TUESDAY, SICK)
    await report_absence(await principal_of(t.parent), t.sibling.id, MONDAY, MONDAY, SICK)
    # when
    seen_by_staff = await todays_absences(await principal_of(t.staff))
    seen_by_bso = await todays_absences(await principal_of(t.bso_staff))
    seen_by_planner = await todays_absences(await principal_of(t.planner), t.babies.id)
    # then
    assert [(a.child_id, a.date) for a in seen_by_staff] == [(t.child.id, MONDAY)]
    assert [a.child_id for a in seen_by_bso] == [t.sibling.id]
    assert [a.child_id for a in seen_by_planner] == [t.child.id]


async def test_staff_cannot_ask_for_another_groups_absences_and_parents_not_at_all(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    # when / then
    with pytest.raises(AccessDenied) as denied:
        await todays_absences(await principal_of(t.staff), t.bso.id)
    assert denied.value.code == "NOT_FOUND"
    with pytest.raises(AccessDenied) as denied:
        await todays_absences(await principal_of(t.parent))
    assert denied.value.code == "FORBIDDEN"
