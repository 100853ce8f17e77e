"""The credit ledger: purchased, used, reserved, remaining, lots, expiry, usages, grants."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from models import CareType, CreditLedgerEntry, LedgerKind
from services import credits
from services.cancellation import cancel_day
from services.credit_grants import expire_lots, grant_credit
from services.day_requests import DaySpec, request_days
from services.errors import AccessDenied, RefusedError
from tests import factories
from tests.agenda_helpers import (
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

TODAY = date(2026, 4, 20)


def entry(kind, minutes, year=2026, day=None):
    return (LedgerKind(kind), minutes, year, day)


def test_the_figures_follow_from_the_entries():
    # given
    entries = [
        entry("purchase", 1200),
        entry("use", -300, day=1),
        entry("reservation", -120, day=2),
        entry("reservation", -60, day=3),
        entry("release", 60, day=3),
        entry("use", -90, day=4),
        entry("refund", 90, day=4),
    ]
    # when
    balance = credits.summarise(None, entries, TODAY, {1: date(2026, 5, 1), 4: date(2026, 5, 2)})
    # then
    assert (balance.purchased, balance.used, balance.reserved) == (1200, 300, 120)
    assert (balance.expired, balance.remaining) == (0, 780)
    assert [(u.requested_day_id, u.date, u.minutes) for u in balance.usages] == [
        (1, date(2026, 5, 1), 300)
    ]
    assert balance.valid_until == date(2026, 12, 31)


def test_what_is_left_of_a_past_year_is_expired_and_never_counts():
    # given: 2025 had 10 hours, 4 used; 2026 has 5 hours
    entries = [
        entry("purchase", 600, 2025),
        entry("use", -240, 2025, day=1),
        entry("purchase", 300, 2026),
    ]
    # when
    balance = credits.summarise(None, entries, TODAY, {1: date(2025, 11, 3)})
    # then
    assert (balance.purchased, balance.used, balance.expired, balance.remaining) == (
        900,
        240,
        360,
        300,
    )
    assert [(lot.year, lot.remaining) for lot in balance.lots] == [(2026, 300)]


def test_written_expiry_entries_are_counted_once():
    # given: the expiry of 2025 was already written
    entries = [entry("purchase", 600, 2025), entry("expiry", -600, 2025)]
    # when
    balance = credits.summarise(None, entries, TODAY, {})
    # then
    assert (balance.expired, balance.remaining) == (600, 0)
    assert balance.valid_until is None


def test_minutes_are_taken_from_the_oldest_usable_lot_first():
    # given
    lots = {2025: 500, 2026: 60, 2027: 600}
    # when / then
    assert credits.plan_take(lots, 100, date(2026, 5, 1), TODAY) == [(2026, 60), (2027, 40)]
    assert credits.plan_take(lots, 100, date(2027, 1, 4), TODAY) == [(2027, 100)]
    assert credits.plan_take(lots, 700, date(2026, 5, 1), TODAY) == []


async def test_balances_per_child_list_fitting_credit_types_even_without_entries(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    kdv = await credit_type(t.org)
    bso = await credit_type(t.org, "BSO flextegoed", (CareType.BSO,))
    holiday = await credit_type(t.org, "Vakantiepret", (CareType.BSO,))
    await purchase(t.child, holiday, 3)  # an odd grant still shows
    # when
    result = await credits.balances(t.org.id, [t.child.id, t.sibling.id], TODAY)
    # then
    assert [(b.credit_type.id, b.remaining) for b in result[t.child.id]] == [
        (kdv.id, 0),
        (holiday.id, 180),
    ]
    assert [b.credit_type.id for b in result[t.sibling.id]] == [bso.id, holiday.id]


async def test_a_credit_used_and_refunded_shows_the_right_usages(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    kdv = await credit_type(t.org)
    await purchase(t.child, kdv, 20)
    parent = await principal_of(t.parent)
    one, two = (WEDNESDAY + timedelta(days=7), WEDNESDAY + timedelta(days=14))
    outcome = await request_days(
        parent,
        [
            DaySpec(t.child.id, one, hhmm("07:00"), hhmm("13:00"), kdv.id),
            DaySpec(t.child.id, two, hhmm("13:00"), hhmm("18:30"), kdv.id),
        ],
    )
    await cancel_day(parent, outcome.days[1].day.id)
    # when
    (balance,) = (await credits.balances(t.org.id, [t.child.id], TODAY))[t.child.id]
    # then
    assert (balance.purchased, balance.used, balance.reserved, balance.remaining) == (
        1200,
        360,
        0,
        840,
    )
    assert [(u.date, u.minutes) for u in balance.usages] == [(one, 360)]


async def test_a_planner_grants_credit_in_this_years_lot(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    kdv = await credit_type(t.org)
    # when
    balance = await grant_credit(await principal_of(t.planner), t.child.id, kdv.id, 90, note="x")
    # then
    assert (balance.purchased, balance.remaining) == (90, 90)
    row = await CreditLedgerEntry.get(child_id=t.child.id)
    assert (row.kind, row.lot_year, row.created_by_id) == ("purchase", 2026, t.planner.id)


async def test_credit_cannot_be_granted_for_a_past_year(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    kdv = await credit_type(t.org)
    # when / then
    with pytest.raises(RefusedError) as refused:
        await grant_credit(await principal_of(t.planner), t.child.id, kdv.id, 60, lot_year=2025)
    assert refused.value.refusal.code == "LOT_EXPIRED"
    assert await ledger(t.child) == []


async def test_only_planners_of_the_organisation_grant_credit(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    other = await factories.tenant("zonnestraal")
    kdv = await credit_type(t.org)
    # when / then
    with pytest.raises(AccessDenied) as denied:
        await grant_credit(await principal_of(t.parent), t.child.id, kdv.id, 60)
    assert denied.value.code == "FORBIDDEN"
    with pytest.raises(AccessDenied) as denied:
        await grant_credit(await principal_of(other.planner), t.child.id, kdv.id, 60)
    assert denied.value.code == "NOT_FOUND"
    with pytest.raises(ValueError):
        await grant_credit(await principal_of(t.planner), t.child.id, kdv.id, 0)


async def test_lots_of_past_years_are_written_off_once(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    kdv = await credit_type(t.org)
    await purchase(t.child, kdv, 5, 2025)
    await purchase(t.child, kdv, 4, 2026)
    # when
    first, second = await expire_lots(TODAY), await expire_lots(TODAY)
    # then
    assert (first, second) == (1, 0)
    assert await ledger(t.child) == [
        ("purchase", 300, 2025),
        ("purchase", 240, 2026),
        ("expiry", -300, 2025),
    ]
    (balance,) = (await credits.balances(t.org.id, [t.child.id], TODAY))[t.child.id]
    assert (balance.expired, balance.remaining) == (300, 240)
