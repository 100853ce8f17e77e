"""The credit ledger: balances are computed from append-only entries, never stored.

Minutes are signed: purchase, release and refund add to a lot; reservation, use and expiry
take from it. A lot is (child, credit type, year) and is valid until 31 December of its
year. From the entries of one child and credit type:

- purchased = the purchases
- used      = uses minus refunds
- reserved  = reservations minus releases (held for days waiting for a decision)
- expired   = expiry entries plus whatever is left in lots whose year has passed
- remaining = what is left in lots that are still valid; never negative, because no entry
  ever takes more from a lot than it holds (the child's row is locked while taking).

Oldest lots are used first. A lot can pay for a care day in its own year (or earlier).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q

from models import CareType, CreditLedgerEntry, CreditType, LedgerKind, Placement, RequestedDay
from services.errors import Refusal
from services.principal import Principal

GIVING = (LedgerKind.PURCHASE, LedgerKind.RELEASE, LedgerKind.REFUND)


def may_see_credits(principal: Principal) -> bool:
    """Credits are money matters: guardians and the back office see them, group staff do not."""
    return principal.is_parent or principal.is_back_office


def valid_until(lot_year: int) -> date:
    return date(lot_year, 12, 31)


def fits(credit_type: CreditType, care_type: CareType | str) -> bool:
    """Does this credit pay for this care type?"""
    return str(CareType(care_type).value) in {str(c) for c in credit_type.care_types or []}


@dataclass(frozen=True, slots=True)
class Lot:
    year: int
    remaining: int

    @property
    def valid_until(self) -> date:
        return valid_until(self.year)


@dataclass(frozen=True, slots=True)
class Usage:
    requested_day_id: int
    date: date
    minutes: int


@dataclass
class CreditBalance:
    credit_type: CreditType
    purchased: int = 0
    used: int = 0
    reserved: int = 0
    expired: int = 0
    remaining: int = 0
    lots: list[Lot] = field(default_factory=list)
    usages: list[Usage] = field(default_factory=list)

    @property
    def valid_until(self) -> date | None:
        """When the first of the remaining minutes lapse (None when nothing remains)."""
        return self.lots[0].valid_until if self.lots else None


def summarise(
    credit_type: CreditType,
    entries: Iterable[tuple[str, int, int, int | None]],
    today: date,
    day_dates: dict[int, date],
) -> CreditBalance:
    """Figures from (kind, minutes, lot_year, requested_day_id) entries, as of `today`."""
    balance = CreditBalance(credit_type)
    per_lot: dict[int, int] = defaultdict(int)
    used_per_day: dict[int, int] = defaultdict(int)
    for kind, minutes, year, day_id in entries:
        per_lot[year] += minutes
        if kind == LedgerKind.PURCHASE:
            balance.purchased += minutes
        elif kind in (LedgerKind.USE, LedgerKind.REFUND):
            balance.used -= minutes
            if day_id is not None:
                used_per_day[day_id] -= minutes
        elif kind in (LedgerKind.RESERVATION, LedgerKind.RELEASE):
            balance.reserved -= minutes
        elif kind == LedgerKind.EXPIRY:
            balance.expired -= minutes
    for year in sorted(per_lot):
        left = per_lot[year]
        if year < today.year:
            balance.expired += left
        elif left > 0:
            balance.remaining += left
            balance.lots.append(Lot(year, left))
    balance.usages = sorted(
        (Usage(day_id, day_dates[day_id], minutes) for day_id, minutes in used_per_day.items()
         if minutes > 0 and day_id in day_dates),
        key=lambda u: (u.date, u.requested_day_id),
    )  # fmt: skip
    return balance


async def balances(
    organisation_id: int, child_ids: list[int], today: date
) -> dict[int, list[CreditBalance]]:
    """Per child: every credit type it has entries in or that fits one of its placements."""
    types = await CreditType.filter(organisation_id=organisation_id).order_by("name", "id")
    rows = await CreditLedgerEntry.filter(
        organisation_id=organisation_id, child_id__in=child_ids
    ).values_list("child_id", "credit_type_id", "kind", "minutes", "lot_year", "requested_day_id")
    care = await Placement.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today),
        organisation_id=organisation_id,
        child_id__in=child_ids,
    ).values_list("child_id", "care_type")
    day_ids = {r[5] for r in rows if r[5] is not None and r[2] == LedgerKind.USE}
    day_dates = dict(
        await RequestedDay.filter(id__in=list(day_ids)).values_list("id", "date") if day_ids else []
    )
    by_child: dict[tuple[int, int], list] = defaultdict(list)
    for child_id, type_id, kind, minutes, year, day_id in rows:
        by_child[(child_id, type_id)].append((kind, minutes, year, day_id))
    care_types: dict[int, set[str]] = defaultdict(set)
    for child_id, care_type in care:
        care_types[child_id].add(str(care_type))
    result: dict[int, list[CreditBalance]] = {}
    for child_id in child_ids:
        result[child_id] = [
            summarise(t, by_child[(child_id, t.id)], today, day_dates)
            for t in types
            if (child_id, t.id) in by_child or any(fits(t, c) for c in care_types[child_id])
        ]
    return result


async def lot_minutes(
    child_id: int, credit_type_id: int, conn: BaseDBAsyncClient
) -> dict[int, int]:
    """What is left per lot year (hold the child's lock when you mean to take from it)."""
    rows = await (
        CreditLedgerEntry.filter(child_id=child_id, credit_type_id=credit_type_id)
        .using_db(conn)
        .values_list("lot_year", "minutes")
    )
    lots: dict[int, int] = defaultdict(int)
    for year, minutes in rows:
        lots[year] += minutes
    return dict(lots)


def _usable_years(lots: dict[int, int], day: date, today: date) -> list[int]:
    """Lots that can pay for `day`: valid now, and of the day's year or later; oldest first."""
    first_year = max(day.year, today.year)
    return sorted(y for y, left in lots.items() if y >= first_year and left > 0)


def usable_minutes(lots: dict[int, int], day: date, today: date) -> int:
    return sum(lots[y] for y in _usable_years(lots, day, today))


def plan_take(lots: dict[int, int], minutes: int, day: date, today: date) -> list[tuple[int, int]]:
    """Take `minutes` from the oldest usable lots: [(year, minutes)], or [] if not enough."""
    plan, needed = [], minutes
    for year in _usable_years(lots, day, today):
        take = min(lots[year], needed)
        plan.append((year, take))
        needed -= take
        if needed == 0:
            return plan
    return []


def insufficient(credit_type: CreditType, minutes: int, available: int) -> Refusal:
    return Refusal(
        "INSUFFICIENT_CREDIT",
        f"Er is niet genoeg tegoed '{credit_type.name}' voor deze dag "
        f"({available} van {minutes} minuten beschikbaar).",
        f"There is not enough '{credit_type.name}' credit for this day "
        f"({available} of {minutes} minutes available).",
        {"available": available, "needed": minutes},
    )


async def write(
    conn: BaseDBAsyncClient,
    day: RequestedDay,
    credit_type_id: int,
    kind: LedgerKind,
    per_lot: Iterable[tuple[int, int]],
    actor_id: int | None,
) -> None:
    """Write one entry per lot; `per_lot` holds positive amounts, signed here by kind."""
    sign = 1 if kind in GIVING else -1
    for year, minutes in per_lot:
        if minutes:
            await CreditLedgerEntry.create(
                organisation_id=day.organisation_id,  # type: ignore[attr-defined]
                child_id=day.child_id,  # type: ignore[attr-defined]
                credit_type_id=credit_type_id,
                kind=kind,
                minutes=sign * minutes,
                lot_year=year,
                requested_day_id=day.id,
                created_by_id=actor_id,
                using_db=conn,
            )


async def outstanding(
    day: RequestedDay, taken: LedgerKind, given: LedgerKind, conn: BaseDBAsyncClient
) -> list[tuple[int, int]]:
    """Per lot, what this day still holds of `taken` after `given` gave some back."""
    rows = await (
        CreditLedgerEntry.filter(requested_day_id=day.id, kind__in=(taken, given))
        .using_db(conn)
        .values_list("lot_year", "minutes")
    )
    per_lot: dict[int, int] = defaultdict(int)
    for year, minutes in rows:
        per_lot[year] -= minutes
    return [(year, left) for year, left in sorted(per_lot.items()) if left > 0]


async def give_back(
    day: RequestedDay,
    taken: LedgerKind,
    given: LedgerKind,
    conn: BaseDBAsyncClient,
    actor_id: int | None,
) -> list[tuple[int, int]]:
    """Return to their lots the minutes this day holds (release a reservation, refund a use)."""
    if day.credit_type_id is None:  # type: ignore[attr-defined]
        return []
    per_lot = await outstanding(day, taken, given, conn)
    await write(conn, day, day.credit_type_id, given, per_lot, actor_id)  # type: ignore[attr-defined]
    return per_lot


async def reservation_to_use(
    day: RequestedDay, conn: BaseDBAsyncClient, actor_id: int | None
) -> None:
    """At approval: the reserved minutes become used, lot by lot."""
    per_lot = await give_back(day, LedgerKind.RESERVATION, LedgerKind.RELEASE, conn, actor_id)
    if per_lot:
        await write(conn, day, day.credit_type_id, LedgerKind.USE, per_lot, actor_id)  # type: ignore[attr-defined]
