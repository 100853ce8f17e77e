"""Credit usage per credit type and month, from the ledger."""

from __future__ import annotations

from datetime import date

import pytest

from models import DayStatus, LedgerKind
from services.figures import FigureInputError
from services.figures.credits import credit_usage
from tests import factories
from tests.agenda_helpers import MONDAY, THURSDAY, at, credit_type, set_now
from tests.figures_samples import entry, requested_day, utc

KIND = LedgerKind


async def test_minutes_per_type_and_month(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    flex = await credit_type(t.org, "KDV flextegoed")
    holiday = await credit_type(t.org, "Vakantie")
    kid = t.child
    await entry(kid, flex, KIND.PURCHASE, 600, utc(2026, 3, 10, 12))
    # 00:30 on 1 April in Amsterdam is still March in UTC: the organisation's month counts
    await entry(kid, flex, KIND.PURCHASE, 300, utc(2026, 3, 31, 22, 30))
    # used for a care day in April, booked in March, then partly refunded
    used_day = await requested_day(kid, t.babies, THURSDAY, DayStatus.APPROVED)
    await entry(kid, flex, KIND.USE, -240, utc(2026, 3, 30, 9), used_day)
    await entry(kid, flex, KIND.REFUND, 60, utc(2026, 4, 2, 9), used_day)
    # held for a day in May that waits for a decision
    waiting = await requested_day(kid, t.babies, date(2026, 5, 4))
    await entry(kid, flex, KIND.RESERVATION, -120, utc(2026, 4, 15, 9), waiting)
    # last year's lot lapsed just after midnight on New Year's Day (Amsterdam)
    await entry(kid, flex, KIND.EXPIRY, -100, utc(2025, 12, 31, 23, 10))
    # before the range, and another organisation
    await entry(kid, flex, KIND.PURCHASE, 5000, utc(2025, 12, 1, 12))
    other = await factories.tenant("elders")
    other_type = await credit_type(other.org, "KDV flextegoed")
    await entry(other.child, other_type, KIND.PURCHASE, 999, utc(2026, 3, 10, 12))
    # when
    found = await credit_usage(t.org.id, "2026-01", "2026-05")
    # then
    assert [(u.credit_type_id, u.name) for u in found] == [
        (flex.id, "KDV flextegoed"),
        (holiday.id, "Vakantie"),
    ]
    assert [
        (m.month.isoformat(), m.granted, m.used, m.reserved, m.expired) for m in found[0].months
    ] == [
        ("2026-01-01", 0, 0, 0, 100),
        ("2026-02-01", 0, 0, 0, 0),
        ("2026-03-01", 600, 0, 0, 0),
        ("2026-04-01", 300, 180, 0, 0),
        ("2026-05-01", 0, 0, 120, 0),
    ]
    assert {(m.granted, m.used, m.reserved, m.expired) for m in found[1].months} == {(0, 0, 0, 0)}


async def test_an_organisation_without_credit_types(db):
    # given
    t = await factories.tenant()
    # when / then
    assert await credit_usage(t.org.id, "2026-01", "2026-12") == []


@pytest.mark.parametrize(
    ("first", "last", "code"),
    [
        ("2026-13", "2026-12", "INVALID_MONTH"),
        ("april", "2026-12", "INVALID_MONTH"),
        ("2026-05", "2026-04", "RANGE_BACKWARDS"),
        ("2024-01", "2026-01", "RANGE_TOO_LONG"),
    ],
)
async def test_bad_months_are_refused(db, first, last, code):
    # given
    t = await factories.tenant()
    # when
    with pytest.raises(FigureInputError) as refused:
        await credit_usage(t.org.id, first, last)
    # then
    assert refused.value.code == code


async def test_twenty_four_months_are_fine(db):
    # given
    t = await factories.tenant()
    await credit_type(t.org)
    # when
    found = await credit_usage(t.org.id, "2025-01", "2026-12")
    # then
    assert len(found[0].months) == 24
