"""A child's placements (group, care type, weekly schedule, period) and their mentor.

Callers pass only children the principal may see (services.access); these functions load
in batches for many children at once (DataLoaders).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time

from tortoise.expressions import Q

from models import Placement


@dataclass(frozen=True, slots=True)
class ScheduleDay:
    weekday: int  # 0 = Monday
    start: time
    end: time


def schedule_of(placement: Placement) -> list[ScheduleDay]:
    """The weekly care days, Monday first; malformed entries are skipped."""
    days: list[ScheduleDay] = []
    for entry in placement.schedule or []:
        try:
            day = ScheduleDay(
                int(entry["weekday"]),
                time.fromisoformat(entry["start"]),
                time.fromisoformat(entry["end"]),
            )
        except (KeyError, TypeError, ValueError):
            continue
        if 0 <= day.weekday <= 6:
            days.append(day)
    return sorted(days, key=lambda d: (d.weekday, d.start))


async def placements_for(
    child_ids: Sequence[int], *, today: date, active_on: date | None = None
) -> dict[int, list[Placement]]:
    """Per child: placements active on `active_on`, or (without it) running or future."""
    if active_on is None:
        period = Q(end_date__isnull=True) | Q(end_date__gte=today)
    else:
        period = Q(start_date__lte=active_on) & (
            Q(end_date__isnull=True) | Q(end_date__gte=active_on)
        )
    found: dict[int, list[Placement]] = defaultdict(list)
    rows = await Placement.filter(period, child_id__in=list(set(child_ids))).order_by(
        "start_date", "id"
    )
    for placement in rows:
        found[placement.child_id].append(placement)  # type: ignore[attr-defined]
    return found


def current_mentor_id(placements: Sequence[Placement], today: date) -> int | None:
    """The mentor of the placement running today (the most recently started one)."""
    running = [
        p
        for p in placements
        if p.start_date <= today and (p.end_date is None or p.end_date >= today) and p.mentor_id  # type: ignore[attr-defined]
    ]
    if not running:
        return None
    latest = max(running, key=lambda p: (p.start_date, p.id))
    return latest.mentor_id  # type: ignore[attr-defined]
