"""Races, fired concurrently against PostgreSQL: the last hours of a credit and the last place
in a group are never won twice, a day is never refunded twice, and the ledger never goes
below zero. SQLite serialises write transactions and ignores FOR UPDATE, so these run on
PostgreSQL only (the production half of `scripts/test`).
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

from models import (
    Absence,
    AbsenceReason,
    CareType,
    CreditLedgerEntry,
    DayStatus,
    Guardianship,
    RequestedDay,
)
from services import locks
from services.absences import report_absence
from services.cancellation import cancel_day
from services.day_requests import DaySpec, DaysRefused, request_days
from services.errors import RefusedError
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
from tests.conftest import IS_POSTGRES

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(not IS_POSTGRES, reason="needs PostgreSQL row locks"),
]

WHOLE = (hhmm("07:00"), hhmm("18:30"))  # 690 minutes
NEXT_WEDNESDAY, NEXT_FRIDAY = WEDNESDAY + timedelta(days=7), FRIDAY + timedelta(days=7)
ROUNDS = 5


async def outcome_of(call):
    """'won', or the refusal code of the losing side."""
    try:
        await call
    except DaysRefused as refused:
        return refused.days[0].refusal.code
    except RefusedError as refused:
        return refused.refusal.code
    return "won"


async def test_concurrent_transactions_really_use_separate_connections(db):
    # given: two transactions that each wait until both are open
    both_open = asyncio.Barrier(2)

    async def backend_pid() -> int:
        async with in_transaction() as conn:
            _, rows = await conn.execute_query("SELECT pg_backend_pid() AS pid")
            await both_open.wait()
            return rows[0]["pid"]

    # when
    first, second = await asyncio.gather(backend_pid(), backend_pid())
    # then
    assert first != second


async def test_a_request_waits_while_another_holds_the_childs_lock(db):
    # given: a transaction holding the child's row lock
    set_now(at(MONDAY))
    t = await factories.tenant()
    kdv = await credit_type(t.org)
    await purchase(t.child, kdv, 20)
    parent = await principal_of(t.parent)
    spec = DaySpec(t.child.id, NEXT_WEDNESDAY, *WHOLE, kdv.id)
    go = asyncio.Event()

    async def request_when_told():
        await go.wait()
        return await request_days(parent, [spec])

    # (created outside the transaction: a task copies the context, and with it the
    # transaction's connection)
    waiting = asyncio.create_task(request_when_told())
    async with in_transaction() as holder:
        _, rows = await holder.execute_query("SELECT pg_backend_pid() AS pid")
        holder_pid = rows[0]["pid"]
        await locks.lock_children([t.child.id], holder)
        # when: a request for the same child starts
        go.set()
        blocked = await _blocked_by(holder_pid)
        # then: it waits on our lock, and has written nothing
        assert blocked
        assert not waiting.done()
        assert await RequestedDay.all().count() == 0
    assert (await waiting).days[0].auto_approved


async def _blocked_by(pid: int) -> bool:
    """Poll (bounded) until some backend waits for a lock held by `pid`."""
    conn = connections.get("default")
    for _ in range(200):
        _, rows = await conn.execute_query(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))",
            [pid],
        )
        if rows[0]["n"]:
            return True
        await asyncio.sleep(0.025)
    return False


async def test_two_requests_for_the_last_hours_of_a_credit_never_both_win(db):
    for round_ in range(ROUNDS):
        # given: exactly one whole day of credit left, two guardians request at once
        set_now(at(MONDAY))
        t = await factories.tenant(f"race{round_}")
        second_parent = await factories.user(t.org)
        await Guardianship.create(child=t.child, user=second_parent)
        kdv = await credit_type(t.org)
        await purchase(t.child, kdv, 11.5)
        one = await principal_of(t.parent)
        two = await principal_of(second_parent)
        # when
        results = await asyncio.gather(
            outcome_of(request_days(one, [DaySpec(t.child.id, NEXT_WEDNESDAY, *WHOLE, kdv.id)])),
            outcome_of(request_days(two, [DaySpec(t.child.id, NEXT_FRIDAY, *WHOLE, kdv.id)])),
        )
        # then
        assert sorted(results) == ["INSUFFICIENT_CREDIT", "won"], results
        assert sum(m for _, m, _ in await ledger(t.child, kdv)) == 0
        assert await RequestedDay.filter(child_id=t.child.id).count() == 1


async def test_two_requests_for_the_last_place_in_a_group_never_both_win(db):
    for round_ in range(ROUNDS):
        # given: a group with one place on Wednesday, two families request it at once
        set_now(at(MONDAY))
        t = await factories.tenant(f"place{round_}")
        tiny = await factories.group(t.org, t.location, "Mini", CareType.KDV, capacity=1)
        mine = await factories.child(t.org, guardians=[t.parent], grp=tiny)
        theirs = await factories.child(t.org, guardians=[t.other_parent], grp=tiny)
        one = await principal_of(t.parent)
        two = await principal_of(t.other_parent)
        # when
        results = await asyncio.gather(
            outcome_of(request_days(one, [DaySpec(mine.id, NEXT_WEDNESDAY, *WHOLE, None)])),
            outcome_of(request_days(two, [DaySpec(theirs.id, NEXT_WEDNESDAY, *WHOLE, None)])),
        )
        # then
        assert sorted(results) == ["GROUP_FULL", "won"], results
        assert await RequestedDay.filter(group_id=tiny.id, date=NEXT_WEDNESDAY).count() == 1


async def test_a_day_cancelled_twice_at_once_is_refunded_once(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    kdv = await credit_type(t.org)
    await purchase(t.child, kdv, 20)
    parent = await principal_of(t.parent)
    outcome = await request_days(parent, [DaySpec(t.child.id, NEXT_WEDNESDAY, *WHOLE, kdv.id)])
    day_id = outcome.days[0].day.id
    # when
    results = await asyncio.gather(
        outcome_of(cancel_day(parent, day_id)), outcome_of(cancel_day(parent, day_id))
    )
    # then
    assert sorted(results) == ["NOT_CANCELLABLE", "won"]
    assert await CreditLedgerEntry.filter(kind="refund").count() == 1


async def test_expiry_running_twice_at_once_releases_once(db):
    # given
    set_now(at(MONDAY))
    t = await factories.tenant()
    kdv = await credit_type(t.org)
    await purchase(t.child, kdv, 20)
    await request_days(
        await principal_of(t.parent),
        [DaySpec(t.child.id, WEDNESDAY, *WHOLE, kdv.id)],
        expires_at=at(TUESDAY),
    )
    set_now(at(TUESDAY, 10))
    # when
    counts = await asyncio.gather(expire_due(), expire_due())
    # then
    assert sorted(counts) == [0, 1]
    assert await CreditLedgerEntry.filter(kind="release").count() == 1
    assert (await RequestedDay.first()).status == DayStatus.EXPIRED


async def test_the_same_absence_reported_twice_at_once_is_saved_once(db):
    # given: both guardians report Tuesday at the same moment
    set_now(at(MONDAY))
    t = await factories.tenant()
    second_parent = await factories.user(t.org)
    await Guardianship.create(child=t.child, user=second_parent)
    one, two = await principal_of(t.parent), await principal_of(second_parent)
    sick = AbsenceReason.SICK
    # when
    results = await asyncio.gather(
        outcome_of(report_absence(one, t.child.id, TUESDAY, TUESDAY, sick)),
        outcome_of(report_absence(two, t.child.id, TUESDAY, TUESDAY, sick)),
    )
    # then
    assert sorted(results) == ["ALREADY_ABSENT", "won"]
    assert await Absence.filter(child_id=t.child.id).count() == 1
