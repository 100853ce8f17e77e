"""Cancelling requested days; contract days are never cancelled, only reported absent.

- An approved extra or flexible day can be cancelled until the organisation's cancellation
  deadline (`cancellation_deadline_hours` before the day starts); its used credit minutes are
  refunded. After the deadline the refusal points to reporting absence instead.
- A day still waiting for review can be withdrawn until it starts (nothing was promised
  yet); its reserved minutes are released.
- Rejected, expired and cancelled days cannot be cancelled.
"""

from __future__ import annotations

from datetime import date, timedelta

from tortoise.transactions import in_transaction

from models import DayStatus, LedgerKind, Organisation, Placement, RequestedDay
from models import RequestedDayChange as Change
from services import access, clock, credits, locks
from services import care_refusals as refuse
from services.calendar import local_moment
from services.errors import AccessDenied, RefusedError
from services.expiry import expire_due
from services.principal import Principal


async def _may_change(principal: Principal, child_id: int) -> None:
    if not (principal.is_parent or principal.is_back_office):
        raise AccessDenied("FORBIDDEN")
    if child_id not in set(await access.visible_child_ids(principal)):
        raise AccessDenied("NOT_FOUND")


async def cancel_day(principal: Principal, day_id: int) -> RequestedDay:
    """Cancel one requested day (see the module rules); returns it, cancelled."""
    day = await RequestedDay.get_or_none(id=day_id, organisation_id=principal.organisation_id)
    if day is None:
        raise AccessDenied("NOT_FOUND")
    await _may_change(principal, day.child_id)  # type: ignore[attr-defined]
    await expire_due(day_ids=[day.id])
    organisation = await Organisation.get(id=principal.organisation_id)
    async with in_transaction() as conn:
        await locks.lock_children([day.child_id], conn)  # type: ignore[attr-defined]
        day = (await locks.lock_days([day.id], conn))[day.id]
        if day.status not in (DayStatus.REQUESTED, DayStatus.APPROVED):
            raise RefusedError(refuse.not_cancellable())
        now = clock.now()
        starts_at = local_moment(day.date, day.start_time, organisation.timezone)
        deadline = starts_at - timedelta(hours=organisation.cancellation_deadline_hours)
        if day.status == DayStatus.APPROVED and now > deadline:
            raise RefusedError(
                refuse.cancellation_deadline_passed(organisation.cancellation_deadline_hours)
            )
        was_approved = day.status == DayStatus.APPROVED
        day.status = DayStatus.CANCELLED
        await day.save(using_db=conn, update_fields=["status"])
        await Change.create(
            day_id=day.id, status=DayStatus.CANCELLED, actor_id=principal.user_id, using_db=conn
        )
        if was_approved:
            await credits.give_back(day, LedgerKind.USE, LedgerKind.REFUND, conn, principal.user_id)
        else:
            await credits.give_back(
                day, LedgerKind.RESERVATION, LedgerKind.RELEASE, conn, principal.user_id
            )
    return day


async def cancel_contract_day(principal: Principal, placement_id: int, day: date) -> None:
    """Always refused (after the same access checks as any other day)."""
    placement = await Placement.get_or_none(
        id=placement_id, organisation_id=principal.organisation_id
    )
    if placement is None:
        raise AccessDenied("NOT_FOUND")
    await _may_change(principal, placement.child_id)  # type: ignore[attr-defined]
    raise RefusedError(refuse.contract_day_not_cancellable())
