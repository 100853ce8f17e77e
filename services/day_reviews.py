"""Planners review pending days: approve (capacity checked again) or reject with a reason.

All chosen days of one request are decided together or not at all. Approving turns the
reserved credit minutes into used ones; rejecting releases them. The requester hears about
it through a `day_request.decided` event recorded in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tortoise.transactions import in_transaction

from models import DayRequest, DayStatus, Group, LedgerKind, RequestedDay
from models import RequestedDayChange as Change
from services import care_refusals as refuse
from services import clock, credits, locks
from services.capacity import Occupancy
from services.day_requests import DayRefusal, DaysRefused
from services.errors import AccessDenied, RefusedError
from services.events import NullPublisher, Publisher, StoredEvent, record
from services.expiry import DECIDED_EVENT, decision_event, expire_due
from services.principal import Principal

MAX_REASON = 1000


@dataclass
class ReviewOutcome:
    request: DayRequest
    days: list[RequestedDay]


def _back_office(principal: Principal) -> None:
    if not principal.is_back_office:
        raise AccessDenied("FORBIDDEN")


async def review(
    principal: Principal,
    request_id: int,
    approve: bool,
    reason: str = "",
    day_ids: list[int] | None = None,
    publisher: Publisher | None = None,
) -> ReviewOutcome:
    """Decide the pending days of a request (all of them, or the chosen `day_ids`)."""
    _back_office(principal)
    request = await DayRequest.get_or_none(id=request_id, organisation_id=principal.organisation_id)
    if request is None:
        raise AccessDenied("NOT_FOUND")
    if not approve and not reason.strip():
        raise RefusedError(refuse.reason_required())
    await expire_due(request_ids=[request.id], publisher=publisher)
    days = await RequestedDay.filter(request_id=request.id).order_by("date", "start_time", "id")
    if day_ids is not None and not set(day_ids) <= {d.id for d in days}:
        raise AccessDenied("NOT_FOUND")
    chosen = [d for d in days if d.id in set(day_ids)] if day_ids is not None else days
    chosen = [d for d in chosen if d.status == DayStatus.REQUESTED or day_ids is not None]
    if not chosen or any(d.status != DayStatus.REQUESTED for d in chosen):
        raise RefusedError(refuse.not_pending())
    event: StoredEvent | None = None
    async with in_transaction() as conn:
        await locks.lock_groups({d.group_id for d in chosen}, conn)  # type: ignore[attr-defined]
        await locks.lock_children({d.child_id for d in chosen}, conn)  # type: ignore[attr-defined]
        current = await locks.lock_days([d.id for d in chosen], conn)
        chosen = [current[d.id] for d in chosen]
        if any(d.status != DayStatus.REQUESTED for d in chosen):
            raise RefusedError(refuse.not_pending())
        if approve:
            await _check_capacity(principal.organisation_id, chosen)
        now = clock.now()
        status = DayStatus.APPROVED if approve else DayStatus.REJECTED
        for day in chosen:
            day.status = status
            day.decided_by_id = principal.user_id  # type: ignore[attr-defined]
            day.decided_at = now
            day.decision_reason = reason.strip()
            await day.save(
                using_db=conn,
                update_fields=["status", "decided_by_id", "decided_at", "decision_reason"],
            )
            await Change.create(
                day_id=day.id,
                status=status,
                actor_id=principal.user_id,
                reason=reason.strip(),
                using_db=conn,
            )
            if approve:
                await credits.reservation_to_use(day, conn, principal.user_id)
            else:
                await credits.give_back(
                    day, LedgerKind.RESERVATION, LedgerKind.RELEASE, conn, principal.user_id
                )
        domain_event = decision_event(DECIDED_EVENT, request, chosen)
        if domain_event is not None:
            event = await record(domain_event, conn)
    if event is not None:
        await (publisher or NullPublisher()).publish(event)
    return ReviewOutcome(request, chosen)


async def _check_capacity(organisation_id: int, days: list[RequestedDay]) -> None:
    """Every day must still fit its group beside everyone else planned there."""
    groups = sorted({d.group_id for d in days})  # type: ignore[attr-defined]
    first, last = min(d.date for d in days), max(d.date for d in days)
    occupancy = await Occupancy.load(organisation_id, groups, first, last)
    full = [
        DayRefusal(i, d.child_id, d.date, refuse.group_full(d.date), d.id)  # type: ignore[attr-defined]
        for i, d in enumerate(days)
        if not occupancy.has_room_for_approval(d.group_id, d.date, d.child_id)  # type: ignore[attr-defined]
    ]
    if full:
        raise DaysRefused(full)


async def pending_day_ids(
    principal: Principal,
    location_id: int | None = None,
    group_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[int]:
    """Pending days of the planner's organisation, soonest first, optionally filtered."""
    _back_office(principal)
    await expire_due(organisation_id=principal.organisation_id)
    query = RequestedDay.filter(
        organisation_id=principal.organisation_id, status=DayStatus.REQUESTED
    )
    if group_id is not None:
        query = query.filter(group_id=group_id)
    if location_id is not None:
        groups = Group.filter(organisation_id=principal.organisation_id, location_id=location_id)
        query = query.filter(group_id__in=await groups.values_list("id", flat=True))
    if start is not None:
        query = query.filter(date__gte=start)
    if end is not None:
        query = query.filter(date__lte=end)
    return await query.order_by("date", "start_time", "id").values_list("id", flat=True)
