"""Shared set-up for the agenda, request and credit tests: a fixed clock and credit data.

The clock stands on Monday 20 April 2026, 09:00 in Amsterdam. That week: Tue 21, Wed 22,
Thu 23, Fri 24 April; the next Monday, 27 April 2026, is King's Day (a public holiday).
The factories' placements have contract days on Monday, Tuesday and Thursday, 07:30–18:00;
locations open Monday to Friday, 07:00–18:30.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from models import (
    CareType,
    CreditLedgerEntry,
    CreditType,
    LedgerKind,
    Placement,
)
from services import auth, clock
from services.principal import Principal
from tests import factories

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MONDAY = date(2026, 4, 20)
TUESDAY, WEDNESDAY, THURSDAY, FRIDAY = (MONDAY + timedelta(days=i) for i in range(1, 5))
KINGS_DAY = date(2026, 4, 27)


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """A moment in Amsterdam, as an aware datetime."""
    return datetime.combine(day, time(hour, minute), tzinfo=AMSTERDAM)


def set_now(moment: datetime) -> None:
    clock.set_clock(lambda: moment)


def hhmm(value: str) -> time:
    return time.fromisoformat(value)


async def principal_of(user) -> Principal:
    principal = await auth.authenticate(await factories.token_for(user))
    assert principal is not None
    return principal


async def credit_type(org, name: str = "KDV flextegoed", care=(CareType.KDV, CareType.FLEX_KDV)):
    return await CreditType.create(organisation=org, name=name, care_types=[c.value for c in care])


async def purchase(child, ctype, hours: float, year: int = 2026) -> None:
    await CreditLedgerEntry.create(
        organisation_id=child.organisation_id,
        child=child,
        credit_type=ctype,
        kind=LedgerKind.PURCHASE,
        minutes=int(hours * 60),
        lot_year=year,
    )


async def ledger(child, ctype=None) -> list[tuple[str, int, int]]:
    """(kind, minutes, lot_year) of a child's entries, in order."""
    query = CreditLedgerEntry.filter(child_id=child.id)
    if ctype is not None:
        query = query.filter(credit_type_id=ctype.id)
    rows = await query.order_by("id").values_list("kind", "minutes", "lot_year")
    return [(str(k), m, y) for k, m, y in rows]


async def flexible_child(t, guardian=None, care: CareType = CareType.FLEX_KDV):
    """A child with a flexible placement (no fixed days) in a new group of the location."""
    grp = await factories.group(t.org, t.location, f"Flex {care.value}", care, capacity=10)
    kid = await factories.child(t.org, guardians=[guardian or t.parent], first_name="Flex")
    await Placement.create(
        organisation_id=t.org.id,
        child=kid,
        group=grp,
        care_type=care,
        schedule=[],
        start_date=MONDAY - timedelta(days=100),
    )
    return kid, grp


def gid(type_name: str, pk: int) -> str:
    from schema.ids import to_global_id

    return to_global_id(type_name, pk)


async def token_of(user) -> str:
    return await factories.token_for(user)
