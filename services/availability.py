"""Available times of a child on a date, and why a date or a time is not possible.

KDV and BSO offer time blocks (see services.time_blocks); flexible KDV and BSO offer free
start and end times within the opening hours, in 15-minute steps, with a minimum length.
A date is not possible (in this order) when it is outside the request window, the child has
no placement, care is closed, the child already has care then, or the group is full.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from models import DayKind, Organisation, Placement
from services import care_refusals as refuse
from services import clock
from services.capacity import Occupancy
from services.errors import Refusal
from services.planning import FLEXIBLE_CARE, Planning, overlaps
from services.time_blocks import Block

STEP_MINUTES = 15
Interval = tuple[time, time]


def minutes_of(t: time) -> int:
    return t.hour * 60 + t.minute


def minutes_between(start: time, end: time) -> int:
    return minutes_of(end) - minutes_of(start)


@dataclass(frozen=True, slots=True)
class FlexibleWindow:
    opens: time
    closes: time
    step_minutes: int
    minimum_minutes: int
    free: list[Interval]


@dataclass
class DayOptions:
    """What a child can request on a day, or why not (`refusal`)."""

    child_id: int
    date: date
    placement: Placement | None = None
    kind: DayKind | None = None
    blocks: list[Block] = field(default_factory=list)
    flexible: FlexibleWindow | None = None
    refusal: Refusal | None = None
    opening: Interval | None = None
    all_blocks: list[Block] = field(default_factory=list)
    planned: list[Interval] = field(default_factory=list)
    earliest: time | None = None  # nothing before this can still be requested (today)

    @property
    def group_id(self) -> int | None:
        return self.placement.group_id if self.placement else None  # type: ignore[attr-defined]


def term_reason(organisation: Organisation, starts_at: datetime, now: datetime) -> str | None:
    """Why a day falls outside the auto-approval term, or None when it is inside."""
    if starts_at - now < timedelta(hours=organisation.request_min_lead_hours):
        return "TOO_SHORT_NOTICE"
    if starts_at - now > timedelta(days=organisation.request_max_lead_days):
        return "TOO_FAR_AHEAD"
    return None


def _next_step(moment: datetime) -> time:
    """The first quarter of an hour strictly after `moment` (local)."""
    total = moment.hour * 60 + moment.minute + 1
    total = -(-total // STEP_MINUTES) * STEP_MINUTES
    return time(23, 59) if total >= 24 * 60 else time(total // 60, total % 60)


def _free(window: Interval, planned: list[Interval], minimum: int) -> list[Interval]:
    free, cursor = [], window[0]
    for start, end in sorted(planned):
        if start > cursor:
            free.append((cursor, min(start, window[1])))
        cursor = max(cursor, end)
    free.append((cursor, window[1]))
    return [(a, b) for a, b in free if a < b and minutes_between(a, b) >= minimum]


def day_options(
    planning: Planning,
    occupancy: Occupancy,
    child_id: int,
    day: date,
    now: datetime,
    also_planned: list[Interval] = (),  # type: ignore[assignment]
) -> DayOptions:
    org = planning.organisation
    options = DayOptions(child_id, day)
    local_now = now.astimezone(ZoneInfo(org.timezone))
    today = local_now.date()
    if day < today or day > today + timedelta(days=org.request_horizon_days):
        options.refusal = refuse.outside_request_window(day)
        return options
    placement = planning.placement_on(child_id, day)
    if placement is None:
        options.refusal = refuse.no_placement(day)
        return options
    options.placement = placement
    group_id = placement.group_id  # type: ignore[attr-defined]
    flexible = placement.care_type in FLEXIBLE_CARE
    options.kind = DayKind.FLEXIBLE if flexible else DayKind.EXTRA
    why_closed = planning.closed(group_id, day)
    if why_closed is not None:
        options.refusal = refuse.closed(day, why_closed)
        return options
    options.opening = planning.opening(group_id, day)
    opens, closes = options.opening  # type: ignore[misc]  # open: not closed
    options.planned = [(s.start, s.end) for s in planning.planned_slots(child_id, day)]
    options.planned += list(also_planned)
    options.earliest = _next_step(local_now) if day == today else None
    started = options.earliest or time.min
    if flexible:
        minimum = org.flexible_min_minutes
        window = (max(opens, started), closes)
        free = _free(window, options.planned, minimum) if window[0] < window[1] else []
        options.flexible = FlexibleWindow(opens, closes, STEP_MINUTES, minimum, free)
        if not free:
            unplanned = _free(window, [], minimum) if window[0] < window[1] else []
            options.refusal = (
                refuse.already_planned(day) if unplanned else refuse.outside_request_window(day)
            )
            return options
    else:
        location_id = planning.location_of(group_id).id
        options.all_blocks = planning.catalogue.blocks(
            placement.care_type, location_id, day, opens, closes
        )
        not_started = [b for b in options.all_blocks if b.start >= started]
        options.blocks = [
            b
            for b in not_started
            if not any(overlaps((b.start, b.end), p) for p in options.planned)
        ]
        if not options.blocks:
            options.refusal = (
                refuse.already_planned(day) if not_started else refuse.outside_request_window(day)
            )
            return options
    if not occupancy.has_room(group_id, day, child_id):
        options.refusal = refuse.group_full(day)
    return options


def check_times(options: DayOptions, start: time, end: time) -> Refusal | None:
    """Is start–end requestable on this day? (Call only when the day itself is possible.)"""
    if start >= end or minutes_of(start) % STEP_MINUTES or minutes_of(end) % STEP_MINUTES:
        return refuse.invalid_times()
    if options.earliest is not None and start < options.earliest:
        return refuse.outside_request_window(options.date)
    if any(overlaps((start, end), p) for p in options.planned):
        return refuse.already_planned(options.date)
    if options.flexible is not None:
        window = options.flexible
        if start < window.opens or end > window.closes:
            return refuse.outside_opening_hours()
        if minutes_between(start, end) < window.minimum_minutes:
            return refuse.too_short(window.minimum_minutes)
        return None
    if not any(b.start == start and b.end == end for b in options.blocks):
        return refuse.time_not_offered()
    return None


async def available_times(
    organisation_id: int, child_ids: list[int], day: date
) -> dict[int, DayOptions]:
    """Per child (the caller has checked the viewer may see them): what is possible on `day`."""
    planning = await Planning.load(organisation_id, child_ids, day, day)
    group_ids = sorted(
        {p.group_id for c in child_ids if (p := planning.placement_on(c, day))}  # type: ignore[attr-defined]
    )
    occupancy = await Occupancy.load(organisation_id, group_ids, day, day)
    now = clock.now()
    return {c: day_options(planning, occupancy, c, day, now) for c in child_ids}
