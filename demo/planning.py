"""The agenda side: credit types and the ledger, requested days, absences."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from demo import data
from demo.context import Seeder, Tenant
from models import (
    Absence,
    AbsenceReason,
    CareType,
    Child,
    CreditLedgerEntry,
    CreditType,
    DayKind,
    DayPart,
    DayRequest,
    DayStatus,
    LedgerKind,
    RequestedDay,
    RequestedDayChange,
    User,
)

AUTO_APPROVED = "Automatisch goedgekeurd: betaald uit tegoed en binnen de aanvraagtermijn."
FLEX_TIMES = {
    CareType.FLEX_KDV: (("07:30", "18:00"), ("08:00", "17:00"), ("08:30", "16:30")),
    CareType.FLEX_BSO: (("14:00", "18:30"), ("14:00", "18:00")),
}


@dataclass(frozen=True)
class DayPlan:
    day: date
    start: str
    end: str
    kind: DayKind
    status: DayStatus
    credit: CreditType | None = None


@contextmanager
def sqlite_time_adapter() -> Iterator[None]:
    """Let SQLite store `datetime.time` while seeding (Tortoise 1.1.9 registers no adapter).

    Scoped so that it does not hide the missing adapter from the rest of the process: see
    the report on RequestedDay.start_time/end_time. Reading needs no adapter (TEXT is parsed).
    """
    key = (time, sqlite3.PrepareProtocol)
    if key in sqlite3.adapters:
        yield
        return
    sqlite3.register_adapter(time, time.isoformat)
    try:
        yield
    finally:
        sqlite3.adapters.pop(key, None)


def _time(hhmm: str) -> time:
    # Tortoise (use_tz) attaches UTC to a naive time anyway, with a warning: the value stored is
    # the local wall-clock time, whatever the offset says.
    return time.fromisoformat(hhmm).replace(tzinfo=UTC)


def _minutes(start: str, end: str) -> int:
    return (int(end[:2]) * 60 + int(end[3:])) - (int(start[:2]) * 60 + int(start[3:]))


async def credit_types(tenant: Tenant) -> dict[str, CreditType]:
    specs = {
        "kdv": ("KDV flexibel tegoed", ["kdv", "flex_kdv"]),
        "bso": ("BSO flexibel tegoed", ["bso", "flex_bso"]),
        "fun": ("Vakantiepret", ["bso"]),
    }
    return {
        key: await CreditType.create(organisation=tenant.org, name=name, care_types=care_types)
        for key, (name, care_types) in specs.items()
    }


async def purchase(s: Seeder, tenant: Tenant, child: Child, credit: CreditType, hours: int) -> None:
    """Hours bought this year, by the planner, on 2 January (or the start of care if later)."""
    placement = min(tenant.placements[child.id], key=lambda p: p.start_date)
    on = min(max(date(s.today.year, 1, 2), placement.start_date), s.today)
    await CreditLedgerEntry.create(
        organisation=tenant.org,
        child=child,
        credit_type=credit,
        kind=LedgerKind.PURCHASE,
        minutes=hours * 60,
        lot_year=s.today.year,
        created_by=tenant.planner,
        note=f"Aankoop {hours} uur",
        created_at=s.at(on, "09:00"),
    )


async def request_days(
    s: Seeder,
    tenant: Tenant,
    child: Child,
    parent: User,
    plans: list[DayPlan],
    *,
    requested_at: datetime,
    remark: str = "",
    expires_at: datetime | None = None,
    reason: str = "",
) -> None:
    """One submission with its days, status history and (for credit) ledger entries.

    A day paid from credit takes its minutes from the lot as the agenda rules do
    (services.credits): a `use` once approved, a `reservation` while it waits for review
    (one negative entry per day, so remaining = the sum).
    """
    request = await DayRequest.create(
        organisation=tenant.org,
        requested_by=parent,
        expires_at=expires_at,
        remark=remark,
        created_at=requested_at,
    )
    for plan in plans:
        placement = tenant.placement_on(child, plan.day) or tenant.current_placement(child, s.today)
        auto = plan.status == DayStatus.APPROVED and plan.credit is not None
        decided = plan.status in (DayStatus.APPROVED, DayStatus.REJECTED)
        decided_at = requested_at if auto else requested_at + timedelta(hours=s.rng.randint(3, 30))
        day = await RequestedDay.create(
            organisation=tenant.org,
            request=request,
            child=child,
            group_id=placement.group_id,
            kind=plan.kind,
            date=plan.day,
            start_time=_time(plan.start),
            end_time=_time(plan.end),
            status=plan.status,
            credit_type=plan.credit,
            charge_on_invoice=plan.credit is None,
            decided_by=None if auto or not decided else tenant.planner,
            decided_at=decided_at if decided else None,
            decision_reason=AUTO_APPROVED if auto else reason if decided else "",
            created_at=requested_at,
        )
        await RequestedDayChange.create(
            day=day, status=DayStatus.REQUESTED, actor=parent, created_at=requested_at
        )
        if decided:
            await RequestedDayChange.create(
                day=day,
                status=plan.status,
                actor=None if auto else tenant.planner,
                reason=day.decision_reason,
                created_at=decided_at,
            )
        if plan.credit is not None and plan.status in (DayStatus.REQUESTED, DayStatus.APPROVED):
            used = plan.status == DayStatus.APPROVED
            await CreditLedgerEntry.create(
                organisation=tenant.org,
                child=child,
                credit_type=plan.credit,
                kind=LedgerKind.USE if used else LedgerKind.RESERVATION,
                minutes=-_minutes(plan.start, plan.end),
                lot_year=plan.day.year,
                requested_day=day,
                created_by=parent,
                note=f"{'Gebruikt' if used else 'Gereserveerd'} op {plan.day:%d-%m-%Y}",
                created_at=decided_at if used else requested_at,
            )


def _free_days(s: Seeder, tenant: Tenant, child: Child, days: list[date], count: int) -> list[date]:
    """Days without contract care for this child (any working day for flexible care)."""
    free = [
        d for d in days if tenant.placement_on(child, d) and not _contract_day(tenant, child, d)
    ]
    return sorted(s.rng.sample(free, min(count, len(free))))


def _contract_day(tenant: Tenant, child: Child, day: date) -> bool:
    placement = tenant.attends(child, day)
    return placement is not None and bool(placement.schedule)


def _flexible(
    s: Seeder, care: CareType, day: date, status: DayStatus, credit: CreditType | None
) -> DayPlan:
    return DayPlan(day, *s.rng.choice(FLEX_TIMES[care]), DayKind.FLEXIBLE, status, credit)


async def _flexible_care(s: Seeder, tenant: Tenant, types: dict[str, CreditType]) -> None:
    """Flexible care: hours bought, three days used, two reserved, one waiting for review."""
    today, rng = s.today, s.rng
    start = max(date(today.year, 1, 2), today - timedelta(days=42))
    past = s.working_days(start, today - timedelta(days=1))
    ahead = s.working_days(today + timedelta(days=3), today + timedelta(days=28))
    for child in tenant.children.values():
        placement = tenant.current_placement(child, today)
        if placement.care_type not in FLEX_TIMES or placement.end_date:
            continue
        credit = types["kdv" if placement.care_type == CareType.FLEX_KDV else "bso"]
        parent, care = tenant.guardians[child.id][0], placement.care_type
        # Enough for the five days below (the ledger never goes below zero).
        await purchase(s, tenant, child, credit, 60 if care == CareType.FLEX_KDV else 30)
        for day in _free_days(s, tenant, child, past, 3):
            asked = s.at(day - timedelta(days=rng.randint(4, 12)), "20:15")
            plans = [_flexible(s, care, day, DayStatus.APPROVED, credit)]
            await request_days(s, tenant, child, parent, plans, requested_at=asked)
        future = _free_days(s, tenant, child, ahead, 3)
        plans = [_flexible(s, care, d, DayStatus.APPROVED, credit) for d in future[:2]]
        await request_days(
            s,
            tenant,
            child,
            parent,
            plans,
            requested_at=s.at(today - timedelta(days=2), "21:05"),
            remark="Graag deze dagen erbij, dank jullie wel!",
        )
        for day in future[2:]:  # charged on the invoice: waits for the planner
            await request_days(
                s,
                tenant,
                child,
                parent,
                [_flexible(s, care, day, DayStatus.REQUESTED, None)],
                requested_at=s.at(today - timedelta(days=1), "19:40"),
                expires_at=s.at(day - timedelta(days=2), "12:00"),
            )


async def _extra_days(s: Seeder, tenant: Tenant, types: dict[str, CreditType]) -> None:
    """Credits of children with contract care, and extra days in every state."""
    today, children = s.today, tenant.children
    for name, key, hours in data.CREDIT_PURCHASES:
        await purchase(s, tenant, children[name], types[key], hours)
    start = max(date(today.year, 1, 2), today - timedelta(days=42))
    past = s.working_days(start, today - timedelta(days=1))
    ahead = s.working_days(today + timedelta(days=3), today + timedelta(days=28))
    for name, when, hours, status, credit, hours_ago, remark, reason in data.EXTRA_DAYS:
        child = children[name]
        for day in _free_days(s, tenant, child, past if when == "past" else ahead, 1):
            asked = s.at(min(day, today) - timedelta(days=1), "20:30") - timedelta(hours=hours_ago)
            expires = s.at(day - timedelta(days=3), "12:00") if status == "requested" else None
            parent = tenant.guardians[child.id][-1 if name == "Finn" else 0]  # Thomas, for once
            await request_days(
                s,
                tenant,
                child,
                parent,
                [DayPlan(day, *hours, DayKind.EXTRA, DayStatus(status), credit and types[credit])],
                requested_at=asked,
                expires_at=expires,
                remark=remark,
                reason=reason,
            )


async def agenda(s: Seeder, tenant: Tenant) -> set[tuple[int, date]]:
    """Credits, requested days and absences. Returns the (child, day) pairs reported absent."""
    types = await credit_types(tenant)
    await _flexible_care(s, tenant, types)
    await _extra_days(s, tenant, types)
    return await absences(s, tenant)


async def absences(s: Seeder, tenant: Tenant) -> set[tuple[int, date]]:
    """A few absences on contract days: recently (sick, a check-up) and ahead (holiday)."""
    today = s.today
    back = s.working_days(today - timedelta(days=14), today - timedelta(days=1))
    ahead = s.working_days(today + timedelta(days=1), today + timedelta(days=30))
    absent: set[tuple[int, date]] = set()
    for name, when, count, part, reason, remark in data.ABSENCES:
        child = tenant.children[name]
        candidates = back if when == "past" else ahead[8:] if when == "later" else ahead
        days = [d for d in candidates if _contract_day(tenant, child, d)]
        for day in days[-count:] if when == "past" else days[:count]:
            reported = (
                s.at(day, "07:10") if day < today else s.at(today - timedelta(days=1), "19:30")
            )
            await Absence.create(
                organisation=tenant.org,
                child=child,
                group_id=tenant.attends(child, day).group_id,
                date=day,
                day_part=DayPart(part),
                reason=AbsenceReason(reason),
                remark=remark,
                reported_by=tenant.guardians[child.id][0],
                created_at=reported,
            )
            absent.add((child.id, day))
    return absent
