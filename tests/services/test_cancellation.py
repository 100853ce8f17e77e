"""Cancelling requested days: the deadline, refunds and releases, contract days."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models import DayStatus, Placement, RequestedDay
from services.cancellation import cancel_contract_day, cancel_day
from services.day_requests import DaySpec, request_days
from services.errors import AccessDenied, RefusedError
from tests import factories
from tests.agenda_helpers import (
    MONDAY,
    THURSDAY,
    WEDNESDAY,
    at,
    credit_type,
    hhmm,
    ledger,
    principal_of,
    purchase,
    set_now,
)

NEXT_WEDNESDAY = WEDNESDAY + timedelta(days=7)
WHOLE = (hhmm("07:00"), hhmm("18:30"))


async def approved_day(t):
    """An auto-approved Wednesday next week (starts 07:00), paid from 20 hours of credit."""
    kdv = await credit_type(t.org)
    await purchase(t.child, kdv, 20)
    outcome = await request_days(
        await principal_of(t.parent), [DaySpec(t.child.id, NEXT_WEDNESDAY, *WHOLE, kdv.id)]
    )
    assert outcome.days[0].auto_approved
    return outcome.days[0].day


async def test_an_approved_day_is_cancelled_before_the_deadline_and_the_credit_comes_back(db):
    # given: the deadline is 24 hours before the start, Tuesday 07:00
    set_now(at(MONDAY))
    t = await factories.tenant()
    day = await approved_day(t)
    set_now(at(NEXT_WEDNESDAY - timedelta(days=1), 7, 0))
    # when
    cancelled = await cancel_day(await principal_of(t.parent), day.id)
    # then
    assert cancelled.status == DayStatus.CANCELLED
    assert await ledger(t.child) == [
        ("purchase", 1200, 2026),
        ("use", -690, 2026),
        ("refund", 690, 2026),
    ]


async def test_after_the_deadline_the_refusal_points_to_absence(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    day = await approved_day(t)
    set_now(at(NEXT_WEDNESDAY - timedelta(days=1), 7, 1))
    # when
    with pytest.raises(RefusedError) as refused:
        await cancel_day(await principal_of(t.parent), day.id)
    # then
    assert refused.value.refusal.code == "CANCELLATION_DEADLINE_PASSED"
    assert refused.value.refusal.details["instead"] == "reportAbsence"
    assert (await RequestedDay.get(id=day.id)).status == DayStatus.APPROVED
    assert [k for k, _, _ in await ledger(t.child)] == ["purchase", "use"]


async def test_the_deadline_is_an_organisation_setting(db):
    # given: a 72-hour deadline, asked 48 hours before
    set_now(at(MONDAY))
    t = await factories.tenant()
    t.org.cancellation_deadline_hours = 72
    await t.org.save()
    day = await approved_day(t)
    set_now(at(NEXT_WEDNESDAY - timedelta(days=2), 7, 0))
    # when / then
    with pytest.raises(RefusedError) as refused:
        await cancel_day(await principal_of(t.parent), day.id)
    assert "72" in refused.value.refusal.message_en


async def test_a_pending_day_can_be_withdrawn_and_its_reservation_is_released(db):
    # given: Wednesday this week waits (short notice); it is now Tuesday evening
    set_now(at(MONDAY))
    t = await factories.tenant()
    kdv = await credit_type(t.org)
    await purchase(t.child, kdv, 20)
    outcome = await request_days(
        await principal_of(t.parent), [DaySpec(t.child.id, WEDNESDAY, *WHOLE, kdv.id)]
    )
    set_now(at(WEDNESDAY - timedelta(days=1), 20))
    # when
    await cancel_day(await principal_of(t.parent), outcome.days[0].day.id)
    # then
    assert (await ledger(t.child))[-1] == ("release", 690, 2026)


async def test_a_cancelled_day_cannot_be_cancelled_again(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    day = await approved_day(t)
    parent = await principal_of(t.parent)
    await cancel_day(parent, day.id)
    # when / then
    with pytest.raises(RefusedError) as refused:
        await cancel_day(parent, day.id)
    assert refused.value.refusal.code == "NOT_CANCELLABLE"
    assert [k for k, _, _ in await ledger(t.child)] == ["purchase", "use", "refund"]


async def test_a_day_charged_on_the_invoice_is_cancelled_without_ledger_entries(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    outcome = await request_days(
        await principal_of(t.parent), [DaySpec(t.child.id, NEXT_WEDNESDAY, *WHOLE, None)]
    )
    # when
    await cancel_day(await principal_of(t.parent), outcome.days[0].day.id)
    # then
    assert await ledger(t.child) == []


async def test_a_contract_day_cannot_be_cancelled(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    placement = await Placement.get(child_id=t.child.id)
    # when / then
    with pytest.raises(RefusedError) as refused:
        await cancel_contract_day(await principal_of(t.parent), placement.id, THURSDAY)
    assert refused.value.refusal.code == "CONTRACT_DAY_NOT_CANCELLABLE"


async def test_another_parent_cannot_cancel(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    day = await approved_day(t)
    placement = await Placement.get(child_id=t.child.id)
    other = await principal_of(t.other_parent)
    # when / then
    with pytest.raises(AccessDenied):
        await cancel_day(other, day.id)
    with pytest.raises(AccessDenied):
        await cancel_contract_day(other, placement.id, THURSDAY)
    assert (await RequestedDay.get(id=day.id)).status == DayStatus.APPROVED


async def test_staff_cannot_cancel(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    day = await approved_day(t)
    # when / then
    with pytest.raises(AccessDenied) as denied:
        await cancel_day(await principal_of(t.staff), day.id)
    assert denied.value.code == "FORBIDDEN"
