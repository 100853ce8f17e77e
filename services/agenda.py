"""The agenda: every care day of children in a date range, with kind and status.

Contract days are generated from the placements (see services.planning); requested days
show their own status; an absence for all of a day's care turns it ABSENT. Pending days
that are due lapse first, so the agenda never shows a request that has expired.
"""

from __future__ import annotations

from datetime import date

from models import DayKind, DayStatus, RequestedDay, RequestedDayChange
from services.events import Publisher
from services.expiry import expire_due
from services.planning import CareSlot, Planning

MAX_RANGE_DAYS = 93


def check_range(start: date, end: date) -> None:
    """Raise ValueError when the range is empty or longer than MAX_RANGE_DAYS."""
    if start > end or (end - start).days >= MAX_RANGE_DAYS:
        raise ValueError(f"the range must run forward and span at most {MAX_RANGE_DAYS} days")


def status_of(slot: CareSlot) -> DayStatus:
    """The status shown: ABSENT when all of the day's care is reported absent."""
    if slot.kind is DayKind.CONTRACT:
        return DayStatus.ABSENT if slot.fully_absent else DayStatus.PLANNED
    status = DayStatus(slot.requested_day.status)  # type: ignore[union-attr]
    if status is DayStatus.APPROVED and slot.fully_absent:
        return DayStatus.ABSENT
    return status


async def agendas(
    organisation_id: int,
    child_ids: list[int],
    start: date,
    end: date,
    publisher: Publisher | None = None,
) -> dict[int, list[CareSlot]]:
    """Per child (the caller checked the viewer may see them): its slots, by date and time."""
    check_range(start, end)
    await expire_due(child_ids=child_ids, publisher=publisher)
    planning = await Planning.load(organisation_id, child_ids, start, end)
    return {child_id: planning.slots(child_id) for child_id in child_ids}


async def changes_by_day(day_ids: list[int]) -> dict[int, list[RequestedDayChange]]:
    """Status history of requested days, oldest first."""
    rows = await RequestedDayChange.filter(day_id__in=day_ids).order_by("id")
    history: dict[int, list[RequestedDayChange]] = {i: [] for i in day_ids}
    for row in rows:
        history[row.day_id].append(row)  # type: ignore[attr-defined]
    return history


async def days_by_request(request_ids: list[int]) -> dict[int, list[RequestedDay]]:
    rows = await RequestedDay.filter(request_id__in=request_ids).order_by("date", "start_time")
    days: dict[int, list[RequestedDay]] = {i: [] for i in request_ids}
    for row in rows:
        days[row.request_id].append(row)  # type: ignore[attr-defined]
    return days
