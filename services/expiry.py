"""Pending days lapse by themselves: when their request's expiry moment passes, and at the
latest when the day starts (care that has begun can no longer be approved).

`expire_due` runs in the server's background task every `EXPIRY_INTERVAL_SECONDS`, and
lazily before anything reads requested days (agenda, review, cancel), so a lapsed day is
never shown as pending. Reserved credit is released; the requester hears about it through
a `day_request.expired` event recorded in the same transaction.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from models import DayRequest, DayStatus, LedgerKind, Organisation, RequestedDay
from models import RequestedDayChange as Change
from services import clock, credits, locks
from services.calendar import local_moment
from services.credit_grants import expire_lots
from services.events import DomainEvent, NullPublisher, Publisher, StoredEvent, record

logger = logging.getLogger(__name__)

EXPIRED_EVENT = "day_request.expired"
DECIDED_EVENT = "day_request.decided"
EXPIRY_MOMENT_PASSED = "EXPIRY_MOMENT_PASSED"
DAY_STARTED = "DAY_STARTED"


def decision_event(type_: str, request: DayRequest, days: list[RequestedDay]) -> DomainEvent | None:
    """The event telling the requester (and the children's guardians) about a decision."""
    if request.requested_by_id is None:  # type: ignore[attr-defined]
        return None
    return DomainEvent(
        type=type_,
        topic=f"user:{request.requested_by_id}",  # type: ignore[attr-defined]
        organisation_id=request.organisation_id,  # type: ignore[attr-defined]
        payload={"request_id": request.id, "day_ids": sorted(d.id for d in days)},
        audience=tuple(sorted({f"child:{d.child_id}" for d in days})),  # type: ignore[attr-defined]
    )


def why_due(day: RequestedDay, request: DayRequest, timezone: str, now: datetime) -> str | None:
    if request.expires_at is not None and request.expires_at <= now:
        return EXPIRY_MOMENT_PASSED
    if local_moment(day.date, day.start_time, timezone) <= now:
        return DAY_STARTED
    return None


async def expire_due(
    *,
    organisation_id: int | None = None,
    child_ids: list[int] | None = None,
    request_ids: list[int] | None = None,
    day_ids: list[int] | None = None,
    publisher: Publisher | None = None,
) -> int:
    """Expire every pending day that is due (within the filters); returns how many."""
    now = clock.now()
    latest_started = (now + timedelta(hours=14)).date()  # no time zone is further ahead
    query = RequestedDay.filter(
        Q(request__expires_at__lte=now) | Q(date__lte=latest_started),
        status=DayStatus.REQUESTED,
    )
    if organisation_id is not None:
        query = query.filter(organisation_id=organisation_id)
    if child_ids is not None:
        query = query.filter(child_id__in=child_ids)
    if request_ids is not None:
        query = query.filter(request_id__in=request_ids)
    if day_ids is not None:
        query = query.filter(id__in=day_ids)
    candidates = await query.order_by("request_id", "id")
    if not candidates:
        return 0
    requests = {
        r.id: r
        for r in await DayRequest.filter(id__in={d.request_id for d in candidates})  # type: ignore[attr-defined]
    }
    zones = dict(
        await Organisation.filter(id__in={d.organisation_id for d in candidates}).values_list(  # type: ignore[attr-defined]
            "id", "timezone"
        )
    )
    due: dict[int, list[RequestedDay]] = defaultdict(list)
    for day in candidates:
        request = requests[day.request_id]  # type: ignore[attr-defined]
        if why_due(day, request, zones[day.organisation_id], now):  # type: ignore[attr-defined]
            due[request.id].append(day)
    expired = 0
    for request_id, days in due.items():
        expired += await _expire(requests[request_id], days, zones, now, publisher)
    return expired


async def _expire(request, days, zones, now, publisher) -> int:
    event: StoredEvent | None = None
    async with in_transaction() as conn:
        await locks.lock_children({d.child_id for d in days}, conn)
        current = await locks.lock_days([d.id for d in days], conn)
        lapsed = [d for d in current.values() if d.status == DayStatus.REQUESTED]
        for day in lapsed:
            day.status = DayStatus.EXPIRED
            day.decided_at = now
            await day.save(using_db=conn, update_fields=["status", "decided_at"])
            reason = why_due(day, request, zones[day.organisation_id], now) or DAY_STARTED
            await Change.create(
                day_id=day.id, status=DayStatus.EXPIRED, reason=reason, using_db=conn
            )
            await credits.give_back(day, LedgerKind.RESERVATION, LedgerKind.RELEASE, conn, None)
        domain_event = decision_event(EXPIRED_EVENT, request, lapsed) if lapsed else None
        if domain_event is not None:
            event = await record(domain_event, conn)
    if event is not None:
        await (publisher or NullPublisher()).publish(event)
    return len(lapsed)


async def run_forever(interval_seconds: float, publisher: Callable[[], Publisher]) -> None:
    """The server's background task: expire due days (and write off lapsed credit lots)
    every `interval_seconds`, also when nobody is looking. Failures are logged, never fatal."""
    while True:
        try:
            expired = await expire_due(publisher=publisher())
            if expired:
                logger.info("expired %d pending day(s)", expired)
            await expire_lots()
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("expiring due day requests failed; retrying next round")
        await asyncio.sleep(interval_seconds)
