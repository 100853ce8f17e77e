"""Planners grant credit; lots whose year has passed are written off as expired.

Expired minutes never count, whether or not the expiry entries were written yet (the
balance treats every lot of a past year as expired); `expire_lots` only makes the ledger
say so explicitly, and runs with the server's background task.
"""

from __future__ import annotations

from datetime import date

from tortoise.functions import Sum
from tortoise.transactions import in_transaction

from models import Child, CreditLedgerEntry, CreditType, LedgerKind, Organisation
from services import care_refusals as refuse
from services import clock, credits, locks
from services.errors import AccessDenied, RefusedError
from services.principal import Principal

MAX_GRANT_MINUTES = 1000 * 60


async def grant_credit(
    principal: Principal,
    child_id: int,
    credit_type_id: int,
    minutes: int,
    lot_year: int | None = None,
    note: str = "",
) -> credits.CreditBalance:
    """Add purchased minutes to a child's lot (this year's by default); the new balance."""
    if not principal.is_back_office:
        raise AccessDenied("FORBIDDEN")
    if not 0 < minutes <= MAX_GRANT_MINUTES:
        raise ValueError("minutes must be positive and at most 1000 hours")
    org_id = principal.organisation_id
    child = await Child.get_or_none(id=child_id, organisation_id=org_id)
    credit_type = await CreditType.get_or_none(id=credit_type_id, organisation_id=org_id)
    if child is None or credit_type is None:
        raise AccessDenied("NOT_FOUND")
    today = clock.today((await Organisation.get(id=org_id)).timezone)
    year = lot_year or today.year
    if year < today.year:
        raise RefusedError(refuse.lot_expired(year))
    async with in_transaction() as conn:
        await locks.lock_children([child.id], conn)
        await CreditLedgerEntry.create(
            organisation_id=org_id,
            child_id=child.id,
            credit_type_id=credit_type.id,
            kind=LedgerKind.PURCHASE,
            minutes=minutes,
            lot_year=year,
            created_by_id=principal.user_id,
            note=note[:200],
            using_db=conn,
        )
    balances = await credits.balances(org_id, [child.id], today)
    return next(b for b in balances[child.id] if b.credit_type.id == credit_type.id)


async def expire_lots(today: date | None = None) -> int:
    """Write an expiry entry for what is left in every lot of a past year; how many."""
    today = today or clock.today()
    leftovers = (
        await CreditLedgerEntry.filter(lot_year__lt=today.year)
        .annotate(left=Sum("minutes"))
        .group_by("organisation_id", "child_id", "credit_type_id", "lot_year")
        .values("organisation_id", "child_id", "credit_type_id", "lot_year", "left")
    )
    written = 0
    for row in leftovers:
        if not row["left"] or row["left"] <= 0:
            continue
        async with in_transaction() as conn:
            await locks.lock_children([row["child_id"]], conn)
            left = sum(
                await CreditLedgerEntry.filter(
                    child_id=row["child_id"],
                    credit_type_id=row["credit_type_id"],
                    lot_year=row["lot_year"],
                )
                .using_db(conn)
                .values_list("minutes", flat=True)
            )
            if left > 0:
                await CreditLedgerEntry.create(
                    organisation_id=row["organisation_id"],
                    child_id=row["child_id"],
                    credit_type_id=row["credit_type_id"],
                    kind=LedgerKind.EXPIRY,
                    minutes=-left,
                    lot_year=row["lot_year"],
                    note=f"verlopen op 31-12-{row['lot_year']}",
                    using_db=conn,
                )
                written += 1
    return written
